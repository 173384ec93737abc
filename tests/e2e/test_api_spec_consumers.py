"""schemathesis against the scoring and alerts services' own OpenAPI specs, each running as a
real process over the real database and broker: no answer is a 5xx, every answer conforms."""

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    unsupported_method,
)

from chiso_alerts.app import create_app as alerts_app
from chiso_core.settings import AlertsSettings, ScoringSettings
from chiso_devstack.processes import ServiceProcess, agency_key
from chiso_scoring.app import create_app as scoring_app
from tests.e2e.conftest import StartService

_BROKER, _DB = "unused:9092", "postgresql:///unused"
# The specs as the code states them (making an app connects nothing).
SCORING = scoring_app(ScoringSettings(kafka_bootstrap_servers=_BROKER, database_url=_DB)).openapi()
ALERTS = alerts_app(AlertsSettings(kafka_bootstrap_servers=_BROKER, database_url=_DB)).openapi()
scoring_schema = schemathesis.openapi.from_dict(SCORING)
alerts_schema = schemathesis.openapi.from_dict(ALERTS)
KH = (["khanh_hoa"], ["online_public_service_usage", "cashless_transaction_share"])
# Requests without a valid key are part of the run: the throttle must not turn them into 429s.
LENIENT = {"CHISO_AUTH_FAILURES_MAX": "1000000"}


@pytest.fixture
def scoring(start_service: StartService) -> ServiceProcess:
    return start_service("scoring", **LENIENT)


@pytest.fixture
def alerts(start_service: StartService) -> ServiceProcess:
    return start_service("alerts", **LENIENT)


@pytest.fixture
def reader(database_url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {agency_key(database_url, 'reader', *KH, ['read'])}"}


@pytest.fixture
def watcher(database_url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {agency_key(database_url, 'watcher', *KH, ['alerts'])}"}


def test_the_services_serve_these_specs(scoring: ServiceProcess, alerts: ServiceProcess) -> None:
    assert httpx.get(f"{scoring.url}/openapi.json").json() == SCORING
    assert httpx.get(f"{alerts.url}/openapi.json").json() == ALERTS


# Left out: that a request violating the schema is refused (unknown query parameters are
# ignored, as by every FastAPI service). Every other check runs.
EXCLUDED: list[CheckFunction] = [negative_data_rejection]


@scoring_schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_scoring_answer_keeps_to_the_spec(
    case: Case[Any], scoring: ServiceProcess, reader: dict[str, str]
) -> None:
    case.call_and_validate(base_url=scoring.url, headers=reader, excluded_checks=EXCLUDED)


@alerts_schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_alerts_answer_keeps_to_the_spec(
    case: Case[Any], alerts: ServiceProcess, watcher: dict[str, str]
) -> None:
    # Also left out for alerts: that every schema-valid request is accepted (a silence must name
    # a jurisdiction of the key's scope, an address must resolve to a public host, quiet hours
    # need a window: rules a schema cannot state, each refused with a 4xx naming the field),
    # and the Allow header of the framework's 405 to OPTIONS (not this service's code). What
    # remains: no 5xx, and every answer's status, type and body as the spec states.
    excluded = [*EXCLUDED, positive_data_acceptance, unsupported_method, allow_header_conformance]
    case.call_and_validate(base_url=alerts.url, headers=watcher, excluded_checks=excluded)
