"""Grafana annotations for alerts: a firing alert is a point where it started, a resolved one a
region from start to end, tagged so a dashboard can pick them out."""

from datetime import UTC, datetime, timedelta

import pytest

from chiso_alerts.notify.grafana import annotation_for
from chiso_alerts.notify.payload import NotifiedAlert

STARTED = datetime(2026, 11, 23, 4, 5, tzinfo=UTC)
LABELS = {
    "alertname": "TargetDrifting",
    "plan": "tam_duong_nq57",
    "jurisdiction": "106",
    "indicator": "online_public_service_usage",
    "rule": "drift",
    "severity": "warning",
}


def alert(ended: datetime | None = None, **labels: str) -> NotifiedAlert:
    return NotifiedAlert(
        "0123456789abcdef",
        "firing" if ended is None else "resolved",
        labels or LABELS,
        {"summary": "Tam Đường: tỷ lệ dịch vụ công trực tuyến đang trượt"},
        STARTED,
        ended,
        "",
    )


def test_a_firing_alert_is_a_point_where_it_started() -> None:
    assert annotation_for(alert()) == {
        "time": 1795406700000,
        "tags": [
            "chiso",
            "alert",
            "state:firing",
            "rule:drift",
            "jurisdiction:106",
            "indicator:online_public_service_usage",
            "fingerprint:0123456789abcdef",
        ],
        "text": "Tam Đường: tỷ lệ dịch vụ công trực tuyến đang trượt",
    }
    assert datetime.fromtimestamp(1795406700, UTC) == STARTED


def test_a_resolved_alert_is_a_region_from_start_to_end() -> None:
    a = annotation_for(alert(STARTED + timedelta(days=1)), dashboard_uid="chiso-overview")
    assert (a["time"], a["timeEnd"]) == (1795406700000, 1795406700000 + 86_400_000)
    assert "state:resolved" in a["tags"]
    assert a["dashboardUID"] == "chiso-overview"


def test_only_the_labels_an_alert_has_become_tags() -> None:
    stale = alert(alertname="JurisdictionStale", jurisdiction="106", rule="stale")
    assert annotation_for(stale)["tags"] == [
        "chiso",
        "alert",
        "state:firing",
        "rule:stale",
        "jurisdiction:106",
        "fingerprint:0123456789abcdef",
    ]


def test_a_resolved_alert_without_an_end_is_refused() -> None:
    broken = NotifiedAlert("0123456789abcdef", "resolved", LABELS, {}, STARTED, None, "")
    with pytest.raises(ValueError, match="no ends_at"):
        annotation_for(broken)
