"""The alert rules (pure, no I/O): which conditions hold for a series of scored periods, and
the alert lifecycle they drive, in Prometheus Alertmanager's words. docs/alerts.md ## Rules."""
