"""chiso's Grafana dashboards as code."""
