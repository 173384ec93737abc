"""Feed adapters: agencies' systems polled over HTTP, their rows published as observations."""
