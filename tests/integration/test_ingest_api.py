"""The agencies' HTTP API over the real broker: what is accepted arrives on the observations
topic, keyed by province; what is refused says why, and nothing of it is published."""

import asyncio
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chiso_core import topics
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.settings import IngestSettings
from chiso_devstack.embedded import EmbeddedBroker, free_port
from chiso_ingest.app import create_app
from tests.kafka_io import read_topic

MAX_BODY_BYTES = 4096
MAX_ITEMS = 5
URL = "/v1/observations"


PUBLISH_TIMEOUT_S = 2.0


def make_app(bootstrap_servers: str, database_url: str) -> FastAPI:
    return create_app(
        IngestSettings(
            kafka_bootstrap_servers=bootstrap_servers,
            database_url=database_url,
            max_body_bytes=MAX_BODY_BYTES,
            max_items=MAX_ITEMS,
            http_port=free_port(),
            log_json=False,
            publish_timeout_s=PUBLISH_TIMEOUT_S,
        )
    )


@pytest.fixture
def client(bootstrap_servers: str, database_url: str) -> Iterator[TestClient]:
    """The app with its lifespan run: topics ensured, the producer connected."""
    with TestClient(make_app(bootstrap_servers, database_url)) as c:
        yield c


def on_topic(bootstrap_servers: str) -> list[tuple[bytes, observation_pb2.Observation]]:
    """Every (key, observation) now on the topic, read in an event loop of its own (these tests
    are synchronous, and pytest-asyncio's session loop must be left alone)."""
    with ThreadPoolExecutor(1) as pool:
        records = pool.submit(
            asyncio.run, read_topic(bootstrap_servers, topics.OBSERVATIONS)
        ).result()
    return [(r.key or b"", observation_pb2.Observation.FromString(r.value or b"")) for r in records]


def obs(**changes: Any) -> dict[str, Any]:
    return {
        "indicator": "online_public_service_usage",
        "jurisdiction": "56",
        "period": "2025-06",
        "value": 61.5,
    } | changes


def problems(response: httpx.Response) -> list[tuple[str, str]]:
    return [(p["field"], p["problem"]) for p in response.json()["problems"]]


def test_a_valid_batch_is_published_and_acknowledged_per_item(
    client: TestClient, bootstrap_servers: str
) -> None:
    """202 only after the broker acknowledged; each item's message id is the one on the topic,
    and each message is keyed by its province (district 106 → Lai Châu, 12)."""
    batch = [
        obs(),
        obs(
            jurisdiction="tam_duong",
            period="2025-Q2",
            value=40.0,
            numerator=400.0,
            denominator=1000.0,
        ),
        obs(indicator="cashless_transaction_share", jurisdiction="82", period="2025", value=55.0),
    ]
    response = client.post(URL, json={"observations": batch})

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["accepted"] == 3
    assert [i["index"] for i in body["items"]] == [0, 1, 2]
    assert {i["status"] for i in body["items"]} == {"accepted"}
    published = on_topic(bootstrap_servers)
    by_id = {m.meta.message_id: m for _, m in published}
    assert len(published) == 3
    assert sorted(by_id) == sorted(i["message_id"] for i in body["items"])
    key_of = {m.meta.message_id: key for key, m in published}
    assert [key_of[i["message_id"]] for i in body["items"]] == [
        b"56/online_public_service_usage",
        b"12/online_public_service_usage",
        b"82/cashless_transaction_share",
    ]
    district = by_id[body["items"][1]["message_id"]]
    assert (district.jurisdiction_id, district.province_code, district.value) == (
        "tam_duong",
        "12",
        40.0,
    )
    assert (district.numerator, district.denominator) == (400.0, 1000.0)
    assert district.source == "api"


def test_malformed_json_is_400_naming_it(client: TestClient, bootstrap_servers: str) -> None:
    response = client.post(
        URL,
        content=b'{"observations": [' + json.dumps(obs()).encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "malformed JSON"
    [(field, problem)] = problems(response)
    assert field == "body"
    assert problem.startswith("malformed JSON")
    assert on_topic(bootstrap_servers) == []


@pytest.mark.parametrize(
    ("bad", "field", "problem"),
    [
        (obs(colour="red"), "observations[1].colour", "unknown field"),
        (obs(value="61.5"), "observations[1].value", "Input should be a valid number"),
        (obs(value=None), "observations[1].value", "Input should be a valid number"),
        (
            obs(indicator="broadband_speed"),
            "observations[1].indicator",
            "unknown indicator 'broadband_speed'",
        ),
        (
            obs(jurisdiction="99"),
            "observations[1].jurisdiction",
            "unknown jurisdiction '99' (a catalog id, or an official code in force in the period)",
        ),
        (obs(period="2025-13"), "observations[1].period", "month 13 does not start a month"),
        (
            obs(value=101.0),
            "observations[1].value",
            "101.0 is outside the valid range 0.0..100.0 percent",
        ),
    ],
)
def test_an_invalid_item_is_422_naming_its_field_and_nothing_is_published(
    client: TestClient, bootstrap_servers: str, bad: dict[str, Any], field: str, problem: str
) -> None:
    """All or nothing: the valid first item is not published either, so an agency can resend
    the corrected batch without creating duplicates."""
    response = client.post(URL, json={"observations": [obs(), bad]})
    assert response.status_code == 422, response.text
    assert (field, problem) in problems(response)
    assert on_topic(bootstrap_servers) == []


def test_an_unknown_top_level_field_is_named(client: TestClient, bootstrap_servers: str) -> None:
    response = client.post(URL, json={"observations": [obs()], "agency": "stp"})
    assert response.status_code == 422
    assert problems(response) == [("agency", "unknown field")]
    assert on_topic(bootstrap_servers) == []


def test_an_empty_batch_is_refused(client: TestClient) -> None:
    response = client.post(URL, json={"observations": []})
    assert response.status_code == 422
    assert [f for f, _ in problems(response)] == ["observations"]


def test_too_many_items_is_413(client: TestClient, bootstrap_servers: str) -> None:
    response = client.post(URL, json={"observations": [obs()] * (MAX_ITEMS + 1)})
    assert response.status_code == 413
    assert problems(response) == [("observations", f"at most {MAX_ITEMS} items per request")]
    assert on_topic(bootstrap_servers) == []


def _oversized_body() -> bytes:
    """Valid JSON over the limit, with few enough items that only the size is wrong."""
    body = json.dumps({"observations": [obs(period="2025-06" + " " * MAX_BODY_BYTES)]}).encode()
    assert len(body) > MAX_BODY_BYTES
    return body


def test_a_body_over_the_limit_with_content_length_is_413(
    client: TestClient, bootstrap_servers: str
) -> None:
    """Refused from the declared length, before anything is read."""
    body = _oversized_body()
    response = client.post(URL, content=body, headers={"content-type": "application/json"})
    assert response.request.headers["content-length"] == str(len(body))
    assert response.status_code == 413
    assert problems(response) == [("body", f"at most {MAX_BODY_BYTES} bytes are accepted")]
    assert on_topic(bootstrap_servers) == []


def test_a_streamed_body_over_the_limit_is_413(client: TestClient, bootstrap_servers: str) -> None:
    """Chunked upload, no Content-Length: the limit is enforced while the body is read."""
    body = _oversized_body()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 512):
            yield body[start : start + 512]

    response = client.post(URL, content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413, response.text
    assert problems(response) == [("body", f"at most {MAX_BODY_BYTES} bytes are accepted")]
    assert on_topic(bootstrap_servers) == []


def test_a_streamed_body_under_the_limit_is_accepted(
    client: TestClient, bootstrap_servers: str
) -> None:
    """The streaming guard must not refuse what is within the limit."""
    body = json.dumps({"observations": [obs()]}).encode()

    def chunks() -> Iterator[bytes]:
        yield body[:10]
        yield body[10:]

    response = client.post(URL, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 202, response.text
    assert len(on_topic(bootstrap_servers)) == 1


def test_health_readiness_and_metrics(client: TestClient) -> None:
    """/metrics counts accepted items: the counter grows by the batch's size."""

    def accepted() -> float:
        for line in client.get("/metrics").text.splitlines():
            if line.startswith('chiso_ingest_items_total{outcome="accepted"}'):
                return float(line.split()[-1])
        return 0.0

    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    before = accepted()
    assert (
        client.post(URL, json={"observations": [obs(), obs(period="2025-07")]}).status_code == 202
    )
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert "# TYPE chiso_ingest_items_total counter" in metrics.text
    assert accepted() == before + 2


def test_without_a_broker_the_api_answers_503_with_retry_after(
    tmp_path: Path, database_url: str
) -> None:
    """When the broker stops acknowledging, the API must not claim acceptance (202): it says
    503 and when to retry. Uses its own broker, so stopping it leaves the session's alone."""
    broker = EmbeddedBroker(free_port(), tmp_path / "b.log").start()
    try:
        with TestClient(make_app(broker.bootstrap_servers, database_url)) as c:
            assert c.post(URL, json={"observations": [obs()]}).status_code == 202
            broker.stop()
            started = time.monotonic()
            response = c.post(URL, json={"observations": [obs(period="2025-07")]})
            waited = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "5"
            assert "retry" in response.json()["error"]
            # It gives up after the publish timeout, not the client's much longer retry budget.
            assert waited < PUBLISH_TIMEOUT_S + 3, f"the API took {waited:.0f} s to give up"
            assert c.get("/readyz").status_code == 503
    finally:
        broker.stop()


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_everything_from_the_service_itself(
    client: TestClient, page: str
) -> None:
    """Agencies' networks often have no internet: the docs page may not reach for a CDN."""
    html = client.get(page)
    assert html.status_code == 200
    links = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html.text)
    links += re.findall(r"""url: *["']([^"']+)["']""", html.text)
    assert links, html.text
    assert [u for u in links if re.match(r"^(https?:)?//", u)] == []
    scripts = [u for u in links if u.endswith(".js")]
    assert scripts
    for url in links:
        asset = client.get(url)
        assert asset.status_code == 200, url
    assert all(len(client.get(u).content) > 10_000 for u in scripts)
    assert "/v1/observations" in client.get("/openapi.json").json()["paths"]
