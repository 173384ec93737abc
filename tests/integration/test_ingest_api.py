"""POST /v1/observations over the real broker and database: each item accepted (published,
keyed by province), unchanged (the latest stored figure re-sent: nothing published) or rejected
(its reasons in the summary, its audit copy on the rejected topic); dry runs, retries with an
Idempotency-Key, limits, and the broker going away."""

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chiso_core import topics
from chiso_devstack.embedded import EmbeddedBroker, free_port
from tests.integration.conftest import (
    MAX_BODY_BYTES,
    MAX_ITEMS,
    PUBLISH_TIMEOUT_S,
    URL,
    Harness,
    audited,
    make_app,
    obs,
    problems,
    published,
    statuses,
)
from tests.kafka_io import read_topic


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
    assert (body["accepted"], body["unchanged"], body["rejected"]) == (3, 0, 0)
    assert body["dry_run"] is False
    assert [i["index"] for i in body["items"]] == [0, 1, 2]
    assert statuses(response) == ["accepted"] * 3
    sent = published(bootstrap_servers)
    by_id = {m.meta.message_id: m for _, m in sent}
    assert len(sent) == 3
    assert sorted(by_id) == sorted(i["message_id"] for i in body["items"])
    key_of = {m.meta.message_id: key for key, m in sent}
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
    assert district.source == "api:test_agency"
    assert audited(bootstrap_servers) == []


def test_malformed_json_is_400_naming_it(client: TestClient, bootstrap_servers: str) -> None:
    response = client.post(
        URL,
        content=b'{"observations": [' + json.dumps(obs()).encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "JSON không hợp lệ / malformed JSON"
    [(field, problem)] = problems(response)
    assert field == "body"
    assert problem.startswith("JSON không hợp lệ / malformed JSON: ")
    assert published(bootstrap_servers) == []


@pytest.mark.parametrize(
    ("bad", "field", "problem"),
    [
        (obs(colour="red"), "observations[1].colour", "unknown field"),
        (obs(value="61.5"), "observations[1].value", "Input should be a valid number"),
        (obs(value=None), "observations[1].value", "Input should be a valid number"),
        ("61.5", "observations[1]", "expected an object with the fields of a figure"),
        (
            obs(indicator="broadband_speed"),
            "observations[1].indicator",
            "unknown indicator 'broadband_speed'",
        ),
        (
            obs(jurisdiction="99"),
            "observations[1].jurisdiction",
            "unknown jurisdiction '99' (a catalog id, or an official code in force in the period "
            "2025-06)",
        ),
        (obs(period="2025-13"), "observations[1].period", "month 13 does not start a month"),
        (
            obs(value=101.0),
            "observations[1].value",
            "101.0 is outside the valid range 0.0..100.0 percent",
        ),
    ],
)
def test_an_invalid_item_is_rejected_naming_its_field_and_the_others_still_count(
    client: TestClient, bootstrap_servers: str, bad: Any, field: str, problem: str
) -> None:
    """The valid items of a batch are published; the bad one is rejected with its reason in
    the summary, and its audit copy goes to the rejected topic."""
    response = client.post(URL, json={"observations": [obs(), bad, obs(period="2025-07")]})
    assert response.status_code == 202, response.text
    body = response.json()
    assert statuses(response) == ["accepted", "rejected", "accepted"]
    assert (body["accepted"], body["rejected"]) == (2, 1)
    rejected = body["items"][1]
    assert (field, problem) in [(p["field"], p["problem"]) for p in rejected["problems"]]
    assert "message_id" not in rejected
    assert sorted(m.meta.message_id for _, m in published(bootstrap_servers)) == sorted(
        body["items"][i]["message_id"] for i in (0, 2)
    )
    [audit] = audited(bootstrap_servers)
    assert json.loads(audit.payload) == bad
    assert f"{field}: " in audit.reason
    assert not audit.reason.isascii(), audit.reason  # in Vietnamese, though English was asked
    assert "test_agency" in audit.origin


def test_an_item_with_an_integer_beyond_64_bits_is_rejected_and_audited_as_sent(
    client: TestClient, bootstrap_servers: str
) -> None:
    """JSON allows any integer; the audit copy keeps it (found by schemathesis: it was a 500)."""
    bad = {**obs(), "value": {"n": 10**22}}
    response = client.post(URL, json={"observations": [bad]})
    assert response.status_code == 202, response.text
    assert statuses(response) == ["rejected"]
    [audit] = audited(bootstrap_servers)
    assert json.loads(audit.payload) == bad


@pytest.mark.parametrize(
    ("bad", "field", "problem"),
    [
        (
            obs(value=0.615, unit="fraction"),
            "observations[0].unit",
            "online_public_service_usage is reported in percent (61.5 for 61.5 %, never 0.615),"
            " not 'fraction'; values are never converted",
        ),
        (
            obs(value=0.615, numerator=6150.0, denominator=10000.0),
            "observations[0].numerator",
            "value 0.615 does not match numerator/denominator (61.5 percent)",
        ),
        (
            obs(value=61.5, numerator=6150.0),
            "observations[0].numerator",
            "numerator and denominator go together: give both or neither",
        ),
        (
            obs(indicator="pii_rank", period="2024", value=12.0, numerator=1.0, denominator=2.0),
            "observations[0].numerator",
            "pii_rank is a rank, not a ratio: no numerator or denominator",
        ),
    ],
)
def test_percent_and_fraction_are_never_confused(
    client: TestClient, bootstrap_servers: str, bad: dict[str, Any], field: str, problem: str
) -> None:
    """A fraction sent for a percentage is refused, never multiplied; parts must match."""
    response = client.post(URL, json={"observations": [bad]})
    assert response.status_code == 202, response.text
    assert statuses(response) == ["rejected"]
    assert (field, problem) in [
        (p["field"], p["problem"]) for p in response.json()["items"][0]["problems"]
    ]
    assert published(bootstrap_servers) == []


def test_a_declared_unit_that_matches_is_accepted(client: TestClient) -> None:
    response = client.post(
        URL, json={"observations": [obs(unit="percent", numerator=6150.0, denominator=10000.0)]}
    )
    assert statuses(response) == ["accepted"]


async def test_a_figure_sent_again_unchanged_is_not_published(
    client: TestClient, harness: Harness, bootstrap_servers: str
) -> None:
    """Compared with the latest revision scoring stored: the same figure again is unchanged
    (no message, no revision); a corrected one is accepted; within one batch, the second of
    two equal figures is unchanged too."""
    first = client.post(URL, json={"observations": [obs(), obs(period="2025-07")]})
    assert statuses(first) == ["accepted", "accepted"]
    await harness.pipeline.handle(await read_topic(bootstrap_servers, topics.OBSERVATIONS))
    assert harness.rows("SELECT count(*) FROM observations") == [(2,)]

    again = client.post(
        URL,
        json={
            "observations": [
                obs(),
                obs(period="2025-07", value=62.0),
                obs(period="2025-08"),
                obs(period="2025-08"),
            ]
        },
    )

    assert again.status_code == 202, again.text
    assert statuses(again) == ["unchanged", "accepted", "accepted", "unchanged"]
    assert (again.json()["accepted"], again.json()["unchanged"]) == (2, 2)
    assert "message_id" not in again.json()["items"][0]
    assert len(published(bootstrap_servers)) == 4  # 2 before, 2 now


def test_a_dry_run_checks_everything_and_publishes_nothing(
    client: TestClient, bootstrap_servers: str
) -> None:
    response = client.post(
        URL, params={"dry_run": "true"}, json={"observations": [obs(), obs(value=-1.0)]}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dry_run"] is True
    assert statuses(response) == ["accepted", "rejected"]
    assert "message_id" not in body["items"][0]
    assert published(bootstrap_servers) == []
    assert audited(bootstrap_servers) == []


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(
    client: TestClient, bootstrap_servers: str
) -> None:
    batch = {"observations": [obs(), obs(value=-1.0)]}
    headers = {"Idempotency-Key": "upload-2025-06-a"}
    first = client.post(URL, json=batch, headers=headers)
    again = client.post(URL, json=batch, headers=headers)

    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert len(published(bootstrap_servers)) == 1
    assert len(audited(bootstrap_servers)) == 1
    other = client.post(URL, json={"observations": [obs(value=70.0)]}, headers=headers)
    assert other.status_code == 409
    assert problems(other) == [
        ("Idempotency-Key", "dùng một khóa mới cho dữ liệu mới / use a new key for new data")
    ]
    fresh = client.post(URL, json=batch, headers={"Idempotency-Key": "upload-2025-06-b"})
    assert fresh.json()["items"][0]["message_id"] != first.json()["items"][0]["message_id"]


def test_an_idempotent_answer_expires(
    bootstrap_servers: str, database_url: str, auth: dict[str, str]
) -> None:
    app = make_app(bootstrap_servers, database_url, idempotency_ttl_s=0.5)
    with TestClient(app, headers={**auth, "Idempotency-Key": "k1"}) as c:
        first = c.post(URL, json={"observations": [obs()]})
        time.sleep(0.6)
        later = c.post(URL, json={"observations": [obs()]})
    assert later.status_code == 202
    assert later.json()["items"][0]["message_id"] != first.json()["items"][0]["message_id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"observations": [obs()], "agency": "stp"}, "agency"),
        ({"observations": []}, "observations"),
        ({"observations": {"0": obs()}}, "observations"),
        ([obs()], "body"),
    ],
)
def test_a_body_that_is_not_a_batch_is_422(
    client: TestClient, bootstrap_servers: str, body: Any, field: str
) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 422, response.text
    assert [f for f, _ in problems(response)] == [field]
    assert published(bootstrap_servers) == []


def test_too_many_items_is_413(client: TestClient, bootstrap_servers: str) -> None:
    response = client.post(URL, json={"observations": [obs()] * (MAX_ITEMS + 1)})
    assert response.status_code == 413
    assert problems(response) == [
        (
            "observations",
            f"tối đa {MAX_ITEMS} mục mỗi yêu cầu / at most {MAX_ITEMS} items per request",
        )
    ]
    assert published(bootstrap_servers) == []


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
    assert problems(response) == [
        ("body", f"tối đa {MAX_BODY_BYTES} byte / at most {MAX_BODY_BYTES} bytes are accepted")
    ]
    assert published(bootstrap_servers) == []


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
    assert problems(response) == [
        ("body", f"tối đa {MAX_BODY_BYTES} byte / at most {MAX_BODY_BYTES} bytes are accepted")
    ]
    assert published(bootstrap_servers) == []


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
    assert len(published(bootstrap_servers)) == 1


def test_health_readiness_and_metrics(client: TestClient) -> None:
    """/metrics counts items by outcome."""

    def count(outcome: str) -> float:
        for line in client.get("/metrics").text.splitlines():
            if line.startswith(f'chiso_ingest_items_total{{outcome="{outcome}"}}'):
                return float(line.split()[-1])
        return 0.0

    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    before = count("accepted"), count("rejected")
    batch = {"observations": [obs(), obs(period="2025-07"), obs(value=-5.0)]}
    assert client.post(URL, json=batch).status_code == 202
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert "# TYPE chiso_ingest_items_total counter" in metrics.text
    assert (count("accepted"), count("rejected")) == (before[0] + 2, before[1] + 1)


def test_without_a_broker_the_api_answers_503_with_retry_after(
    tmp_path: Path, database_url: str, auth: dict[str, str]
) -> None:
    """When the broker stops acknowledging, the API must not claim acceptance (202): it says
    503 and when to retry. Uses its own broker, so stopping it leaves the session's alone."""
    broker = EmbeddedBroker(free_port(), tmp_path / "b.log").start()
    try:
        with TestClient(make_app(broker.bootstrap_servers, database_url), headers=auth) as c:
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
