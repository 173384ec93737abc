"""Where a reader of a notification opens an alert: the indicator's dashboard in Grafana, or,
where no Grafana runs (the embedded default), the scoring service's live scorecard."""

from collections.abc import Mapping
from urllib.parse import quote, urlencode

DASHBOARD = "chiso-indicator"
LIVE_PAGE = "/scorecard"


def generator_url(external_url: str, labels: Mapping[str, str]) -> str:
    base = external_url.rstrip("/")
    if base.endswith(LIVE_PAGE):
        if "plan" not in labels:
            return base
        anchor = f"#target-{quote(labels['target'])}" if "target" in labels else ""
        return f"{base}/{quote(labels['plan'])}{anchor}"
    query = {f"var-{k}": labels[k] for k in ("plan", "jurisdiction", "indicator") if k in labels}
    return f"{base}/d/{DASHBOARD}?{urlencode(query)}"
