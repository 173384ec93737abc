"""Grafana annotations through grafana-client against a local HTTP stub standing in for
Grafana's API: the request it records is Grafana's POST /api/annotations with the token."""

from datetime import UTC, datetime
from typing import Any

import pytest

from chiso_alerts.notify.grafana import annotate, annotation_for
from chiso_alerts.notify.payload import NotifiedAlert
from chiso_core.settings import AlertsSettings
from chiso_devstack.embedded import free_port
from tests.http_recorder import Answer, http_recorder

TOKEN = "glsa_service_account_token"
ANNOTATION = annotation_for(
    NotifiedAlert(
        "0123456789abcdef",
        "firing",
        {"alertname": "TargetOffTrack", "jurisdiction": "106", "rule": "status"},
        {"summary": "Tam Đường chệch khỏi lộ trình"},
        datetime(2026, 11, 23, 4, 5, tzinfo=UTC),
        None,
        "",
    ),
    dashboard_uid="chiso-overview",
)


def settings(url: str | None, **changes: Any) -> AlertsSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": "unused:9092",
        "database_url": "postgresql://unused",
        "grafana_url": url,
        "grafana_token": TOKEN,
        "delivery_timeout_s": 5,
    }
    return AlertsSettings(**(values | changes))


@pytest.mark.parametrize("prefix", ["", "/grafana"])
async def test_the_annotation_reaches_grafanas_api_with_the_token(prefix: str) -> None:
    added = Answer(200, b'{"id":1,"message":"Annotation added"}')
    with http_recorder(added) as grafana:
        outcome = await annotate(settings(grafana.url(prefix)), ANNOTATION)
    assert outcome.kind == "sent"
    (request,) = grafana.requests
    assert (request.method, request.path) == ("POST", f"{prefix}/api/annotations")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"].startswith("application/json")
    body = request.json()
    assert body["time"] == ANNOTATION["time"]
    assert body["timeEnd"] is None  # a point
    assert body["tags"] == ANNOTATION["tags"]
    assert body["text"] == "Tam Đường chệch khỏi lộ trình"
    assert body["dashboardUID"] == "chiso-overview"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (500, "retry"),
        (503, "retry"),
        (429, "retry"),
        (401, "retry"),
        (400, "failed"),
        (404, "failed"),
    ],
)
async def test_answers_map_to_outcomes(status: int, kind: str) -> None:
    with http_recorder(Answer(status, b'{"message":"no"}')) as grafana:
        outcome = await annotate(settings(grafana.url()), ANNOTATION)
    assert outcome.kind == kind
    assert TOKEN not in outcome.detail


async def test_no_grafana_answering_is_retried() -> None:
    outcome = await annotate(settings(f"http://127.0.0.1:{free_port()}"), ANNOTATION)
    assert outcome.kind == "retry"
    assert TOKEN not in outcome.detail


async def test_no_grafana_configured_is_retried() -> None:
    outcome = await annotate(settings(None), ANNOTATION)
    assert (outcome.kind, outcome.detail) == ("retry", "no Grafana: CHISO_GRAFANA_URL is not set")
