"""schemathesis against the ingest service's own OpenAPI spec, the service running as a real
process over the real database and broker: no answer is a 5xx, every answer conforms."""

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from chiso_core.settings import IngestSettings
from chiso_devstack.processes import ServiceProcess
from chiso_ingest.app import create_app
from tests.e2e.conftest import StartService

# The spec as the code states it (making the app connects nothing); the test below checks that
# the running service serves exactly this one.
SPEC = create_app(
    IngestSettings(kafka_bootstrap_servers="unused:9092", database_url="postgresql:///unused")
).openapi()
schema = schemathesis.openapi.from_dict(SPEC)


@pytest.fixture
def ingest(start_service: StartService) -> ServiceProcess:
    # schemathesis sends many made-up keys on purpose: the per-address throttle of failed
    # authentications would answer them 429 instead of the 401 the spec promises.
    return start_service(
        "ingest",
        CHISO_RATE_LIMIT_PER_S="100000",
        CHISO_RATE_LIMIT_BURST="100000",
        CHISO_AUTH_FAILURES_MAX="1000000",
    )


def test_the_service_serves_this_spec(ingest: ServiceProcess) -> None:
    assert httpx.get(f"{ingest.url}/openapi.json").json() == SPEC


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_keeps_to_the_spec(
    case: Case[Any], ingest: ServiceProcess, auth: dict[str, str]
) -> None:
    # Left out: that a request violating the schema is refused. By design a batch with an item
    # that does not fit is answered 202, that item rejected in the summary (and unknown query
    # parameters are ignored). And for uploads, that any file is accepted: the spec cannot say
    # "a spreadsheet", and random bytes are refused as not one. Nor can it say "a target your
    # agency owns": a well-formed explanation of a made-up target is refused whole. Every other
    # check runs.
    excluded: list[CheckFunction] = [negative_data_rejection]
    if case.operation.path == "/v1/observations/file" or case.operation.path.startswith(
        "/v1/explanations"
    ):
        excluded.append(positive_data_acceptance)
    case.call_and_validate(base_url=ingest.url, headers=auth, excluded_checks=excluded)
