"""generatorURL: Grafana's indicator dashboard when Grafana runs, else the live scorecard."""

import pytest

from chiso_alerts.notify.links import generator_url
from chiso_core.settings import AlertsSettings

TARGET = {
    "plan": "tam_duong_nq57",
    "target": "online_public_service_usage_2030",
    "jurisdiction": "tam_duong",
    "indicator": "online_public_service_usage",
}


@pytest.mark.parametrize("base", ["http://grafana.example", "https://grafana.example/"])
def test_grafana_gets_the_indicator_dashboard(base: str) -> None:
    assert generator_url(base, TARGET) == (
        "https://grafana.example" if base.startswith("https") else "http://grafana.example"
    ) + (
        "/d/chiso-indicator?var-plan=tam_duong_nq57&var-jurisdiction=tam_duong"
        "&var-indicator=online_public_service_usage"
    )


@pytest.mark.parametrize("base", ["http://127.0.0.1:8002/scorecard", "http://x/scorecard/"])
def test_without_grafana_the_live_scorecard_opens_at_the_target(base: str) -> None:
    root = base.rstrip("/")
    assert generator_url(base, TARGET) == (
        f"{root}/tam_duong_nq57#target-online_public_service_usage_2030"
    )
    # a jurisdiction's own alert (JurisdictionStale) has no plan: the index of plans
    assert generator_url(base, {"jurisdiction": "tam_duong"}) == root
    assert generator_url(base, {"plan": "a b"}) == f"{root}/a%20b"


def test_the_default_is_the_live_scorecard_of_the_embedded_stack() -> None:
    settings = AlertsSettings(database_url="postgresql://x", kafka_bootstrap_servers="k:1")
    assert settings.external_url.endswith("/scorecard")
    assert generator_url(settings.external_url, TARGET).startswith(
        "http://127.0.0.1:8002/scorecard/tam_duong_nq57#"
    )
