"""The Grafana release the dashboards are written for: the image docker-compose.yml runs and the
@grafana/schema release whose Dashboard type the tests validate every dashboard file against.
One constant, so the two cannot drift apart (tests/unit/test_compose.py checks the image tag)."""

GRAFANA_VERSION = "11.4.0"
