"""Grafana dashboards as code (grafana-foundation-sdk) and the `chiso grafana` commands."""
