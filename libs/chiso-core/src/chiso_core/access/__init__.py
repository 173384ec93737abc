"""Who may call the services' APIs: agencies, their API keys, permissions and scopes."""
