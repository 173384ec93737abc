"""Where a reader of a notification opens an alert: the indicator's dashboard in Grafana."""

from collections.abc import Mapping
from urllib.parse import urlencode

DASHBOARD = "chiso-indicator"


def generator_url(external_url: str, labels: Mapping[str, str]) -> str:
    query = {f"var-{k}": labels[k] for k in ("plan", "jurisdiction", "indicator") if k in labels}
    return f"{external_url.rstrip('/')}/d/{DASHBOARD}?{urlencode(query)}"
