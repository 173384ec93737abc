"""Mark firing and resolved alerts on Grafana's time axis: a firing alert is a point
annotation where it started, a resolved one a region from start to end. Sent through
grafana-client's async API when CHISO_GRAFANA_URL and a service-account token are set."""

from datetime import datetime
from typing import Any

from grafana_client.api import AsyncGrafanaApi
from grafana_client.client import GrafanaClientError, GrafanaException

from chiso_alerts.notify.outcome import Outcome
from chiso_alerts.notify.payload import NotifiedAlert
from chiso_core.settings import AlertsSettings

# Labels worth filtering annotations by in Grafana, as "name:value" tags.
_TAGGED = ("rule", "jurisdiction", "indicator")


def annotation_for(alert: NotifiedAlert, dashboard_uid: str | None = None) -> dict[str, Any]:
    """The body of Grafana's POST /api/annotations (times in epoch milliseconds); without a
    dashboard it is an organisation-wide annotation, shown where a dashboard asks for it."""
    labels = alert.labels
    annotation: dict[str, Any] = {
        "time": _epoch_ms(alert.starts_at),
        "tags": [
            "chiso",
            "alert",
            f"state:{alert.status}",
            *(f"{name}:{labels[name]}" for name in _TAGGED if name in labels),
            f"fingerprint:{alert.fingerprint}",
        ],
        "text": alert.annotations.get("summary") or labels.get("alertname", ""),
    }
    if alert.status == "resolved":
        if alert.ends_at is None:
            raise ValueError(f"resolved alert {alert.fingerprint} has no ends_at")
        annotation["timeEnd"] = _epoch_ms(alert.ends_at)
    if dashboard_uid is not None:
        annotation["dashboardUID"] = dashboard_uid
    return annotation


async def annotate(settings: AlertsSettings, annotation: dict[str, Any]) -> Outcome:
    """Add `annotation` once. Grafana missing or refusing the token is the operator's to fix,
    so it is retried (the worker gives up after CHISO_DELIVERY_MAX_AGE_S); a refusal of the
    annotation itself is final."""
    if settings.grafana_url is None:
        return Outcome("retry", "no Grafana: CHISO_GRAFANA_URL is not set")
    token = settings.grafana_token
    api = AsyncGrafanaApi.from_url(
        # grafana-client appends "api" to the URL's path: a sub-path needs its trailing slash.
        settings.grafana_url.rstrip("/") + "/",
        credential=None if token is None else token.get_secret_value(),
        timeout=settings.delivery_timeout_s,
    )
    try:
        await api.annotations.add_annotation(
            dashboard_uid=annotation.get("dashboardUID"),
            time_from=annotation["time"],
            time_to=annotation.get("timeEnd"),
            tags=annotation["tags"],
            text=annotation["text"],
        )
    except GrafanaClientError as e:
        passing = e.status_code in (401, 403, 408, 429)
        return Outcome("retry" if passing else "failed", f"Grafana {e.status_code}: {e.message}")
    except GrafanaException as e:  # 5xx, a timeout
        return Outcome("retry", f"Grafana: {e.message}")
    except OSError as e:  # niquests' connection errors are OSErrors
        return Outcome("retry", f"{type(e).__name__}: {e}")
    finally:
        await api.client.s.close()
    return Outcome("sent")


def _epoch_ms(at: datetime) -> int:
    if at.tzinfo is None:
        raise ValueError(f"expected a time with a time zone, got {at.isoformat()}")
    return round(at.timestamp() * 1000)
