"""Feed adapters over the real broker and database, polling a real HTTP server on loopback:
observations arrive on the topic, the cursor is kept, an unchanged feed publishes nothing (also
after a restart), bad rows are rejected with the reason, transient failures are retried."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from prometheus_client import REGISTRY

from chiso_core import topics
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.settings import FeedsSettings
from chiso_ingest.feeds.config import Feed
from chiso_ingest.feeds.poller import Outcome
from chiso_ingest.feeds.service import pollers
from tests.feed_server import Document, FeedServer, feed_server, usage_config
from tests.kafka_io import read_topic

TOKEN = "s3cret-feed-token"
USAGE = [
    {"ma_dvhc": "56", "ky": "01/2025", "online": 5200, "total": 10000},
    {"ma_dvhc": "56", "ky": "02/2025", "online": 5400, "total": 10000},
    {"ma_dvhc": "82", "ky": "02/2025", "online": 3100, "total": 8000},
]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as s:
        yield s


@pytest.fixture
def settings(bootstrap_servers: str, database_url: str, tmp_path: Path) -> FeedsSettings:
    return FeedsSettings(
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
        feeds_dir=tmp_path,
        log_json=False,
    )


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEED_TEST_TOKEN", TOKEN)


def usage_feed(server: FeedServer, **changes: Any) -> Feed:
    config = usage_config(
        f"usage_{uuid.uuid4().hex[:8]}",  # metrics are per process: one name per test
        server.url("/usage"),
        auth={"env": "FEED_TEST_TOKEN", "prefix": "Bearer "},
        retry={"attempts": 3, "initial_s": 0.05, "max_s": 0.2, "jitter_s": 0.05},
    )
    return Feed.model_validate(config | changes)


def usage_document(rows: list[dict[str, Any]], etag: str | None = '"v1"') -> Document:
    return Document(json.dumps({"items": rows}).encode(), etag=etag)


async def observations(bootstrap: str) -> list[observation_pb2.Observation]:
    records = await read_topic(bootstrap, topics.OBSERVATIONS)
    return [observation_pb2.Observation.FromString(r.value or b"") for r in records]


def cursor(database_url: str, feed: str) -> tuple[Any, ...] | None:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT etag, published, rejected FROM feed_cursors WHERE feed = %s", [feed]
        ).fetchone()


def fetches(feed: Feed, outcome: Outcome) -> float:
    return (
        REGISTRY.get_sample_value(
            "chiso_feed_fetches_total", {"feed": feed.name, "outcome": outcome}
        )
        or 0.0
    )


async def test_a_feed_is_published_its_cursor_kept_and_a_304_publishes_nothing(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str, database_url: str
) -> None:
    server.documents["/usage"] = usage_document(USAGE)
    feed = usage_feed(server)
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.PUBLISHED
        assert await poller.poll() == Outcome.NOT_MODIFIED

    published = await observations(bootstrap_servers)
    assert sorted((o.jurisdiction_id, o.period.month, round(o.value, 2)) for o in published) == [
        ("khanh_hoa", 1, 52.0),
        ("khanh_hoa", 2, 54.0),
        ("tien_giang", 2, 38.75),
    ]
    assert {o.source for o in published} == {f"feed:{feed.name}"}
    assert cursor(database_url, feed.name) == ('"v1"', 3, 0)

    first, second = server.requests_to("/usage")
    assert first["Authorization"] == f"Bearer {TOKEN}"
    assert "If-None-Match" not in first
    assert second["If-None-Match"] == '"v1"'
    assert fetches(feed, Outcome.PUBLISHED) == fetches(feed, Outcome.NOT_MODIFIED) == 1
    assert (
        REGISTRY.get_sample_value(
            "chiso_feed_observations_total", {"feed": feed.name, "outcome": "published"}
        )
        == 3
    )
    assert REGISTRY.get_sample_value(
        "chiso_feed_last_success_timestamp_seconds", {"feed": feed.name}
    )


async def test_a_restart_resumes_from_the_cursor_in_the_database(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str, database_url: str
) -> None:
    server.documents["/usage"] = usage_document(USAGE)
    feed = usage_feed(server)
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.PUBLISHED

    async with pollers(settings, [feed]) as [restarted]:  # new pool, producer, client
        assert await restarted.poll() == Outcome.NOT_MODIFIED
        assert server.requests_to("/usage")[-1]["If-None-Match"] == '"v1"'
        assert len(await observations(bootstrap_servers)) == 3

        march = {"ma_dvhc": "56", "ky": "03/2025", "online": 5600, "total": 10000}
        server.documents["/usage"] = usage_document([*USAGE, march], etag='"v2"')
        assert await restarted.poll() == Outcome.PUBLISHED

    assert len(await observations(bootstrap_servers)) == 3 + 4  # the new document, whole
    assert cursor(database_url, feed.name) == ('"v2"', 4, 0)


async def test_a_server_with_last_modified_only_gets_if_modified_since(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str
) -> None:
    stamp = "Sat, 01 Nov 2025 03:00:00 GMT"
    server.documents["/usage"] = Document(
        json.dumps({"items": USAGE}).encode(), etag=None, last_modified=stamp
    )
    feed = usage_feed(server)
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.PUBLISHED
        assert await poller.poll() == Outcome.NOT_MODIFIED
    assert server.requests_to("/usage")[-1]["If-Modified-Since"] == stamp
    assert len(await observations(bootstrap_servers)) == 3


async def test_a_server_without_validators_is_not_published_twice(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str
) -> None:
    server.documents["/usage"] = usage_document(USAGE, etag=None)
    feed = usage_feed(server)
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.PUBLISHED
        assert await poller.poll() == Outcome.UNCHANGED  # the same body: its hash is known
    assert len(await observations(bootstrap_servers)) == 3


async def test_bad_csv_rows_are_rejected_with_the_reason_and_the_rest_published(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str, database_url: str
) -> None:
    server.documents["/cashless.csv"] = Document(
        b"ma_tinh,thang,khong_tien_mat,tong\n"
        b"56,2025-04,61000,100000\n"
        b"99,2025-04,10,20\n"
        b"82,2025-04,,100\n"
        b"82,2025-04,120,100\n",
        content_type="text/csv",
        etag='"c1"',
    )
    feed = usage_feed(
        server,
        url=server.url("/cashless.csv"),
        format="csv",
        mapping={
            "indicator": {"value": "cashless_transaction_share"},
            "jurisdiction": {"field": "ma_tinh"},
            "period": {"field": "thang"},
            "numerator": {"field": "khong_tien_mat"},
            "denominator": {"field": "tong"},
        },
    )
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.PUBLISHED

    [accepted] = await observations(bootstrap_servers)
    assert accepted.jurisdiction_id == "khanh_hoa"
    assert accepted.value == pytest.approx(61.0)
    rejected = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(bootstrap_servers, topics.OBSERVATIONS_REJECTED)
    ]
    assert sorted((r.origin, r.reason) for r in rejected) == [
        (
            f"feed:{feed.name} rows[3]",
            "rows[3].jurisdiction: không có đơn vị hành chính '99' trong kỳ 2025-04 (mã danh "
            "mục, hoặc mã hành chính có hiệu lực trong kỳ)",
        ),
        (
            f"feed:{feed.name} rows[4]",
            "rows[4].numerator: thiếu trường 'khong_tien_mat' hoặc trường này để trống",
        ),
        (
            f"feed:{feed.name} rows[5]",
            "rows[5].value: 120 nằm ngoài khoảng hợp lệ 0..100 percent",
        ),
    ]
    assert json.loads(rejected[0].payload)["ma_tinh"] in ("99", "82")
    assert cursor(database_url, feed.name) == ('"c1"', 1, 3)


async def test_transient_failures_are_retried_with_back_off(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str
) -> None:
    server.documents["/usage"] = usage_document(USAGE)
    server.failures["/usage"] = 2  # two 503s, then the document
    feed = usage_feed(server)
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.PUBLISHED
    assert len(server.requests_to("/usage")) == 3
    assert len(await observations(bootstrap_servers)) == 3


async def test_a_poll_that_keeps_failing_leaves_the_cursor_and_the_next_one_catches_up(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str, database_url: str
) -> None:
    server.documents["/usage"] = usage_document(USAGE)
    server.failures["/usage"] = 3  # as many as the attempts
    feed = usage_feed(server)
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.FAILED
        assert cursor(database_url, feed.name) is None
        assert await observations(bootstrap_servers) == []
        assert fetches(feed, Outcome.FAILED) == 1

        assert await poller.poll() == Outcome.PUBLISHED
    assert len(await observations(bootstrap_servers)) == 3


async def test_a_refused_request_fails_the_poll_without_retrying(
    server: FeedServer, settings: FeedsSettings
) -> None:
    feed = usage_feed(server, url=server.url("/gone"))  # 404: retrying would not help
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.FAILED
    assert len(server.requests_to("/gone")) == 1


async def test_the_cursor_does_not_advance_when_the_broker_did_not_acknowledge(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str, database_url: str
) -> None:
    server.documents["/usage"] = usage_document(USAGE)
    feed = usage_feed(server)
    async with pollers(settings, [feed]) as [poller]:
        await poller.ingestor.publisher.stop()  # every send now fails: nothing is acknowledged
        assert await poller.poll() == Outcome.FAILED
        assert len(server.requests_to("/usage")) == 3  # retried as a transient failure
        assert cursor(database_url, feed.name) is None

    async with pollers(settings, [feed]) as [restarted]:
        assert await restarted.poll() == Outcome.PUBLISHED  # the same document, not skipped
    assert len(await observations(bootstrap_servers)) == 3
    assert cursor(database_url, feed.name) == ('"v1"', 3, 0)


async def test_the_feed_path_refuses_a_figure_outside_its_scope(
    server: FeedServer, settings: FeedsSettings, bootstrap_servers: str, database_url: str
) -> None:
    """The poller goes through the API's ingestor: a row outside the feed's scope is rejected
    on its own (code 82 in 2025-02 is Tiền Giang, outside a Khánh Hòa feed), the rest go."""
    server.documents["/usage"] = usage_document(USAGE)
    scope = {"jurisdictions": ["khanh_hoa"], "indicators": ["online_public_service_usage"]}
    feed = usage_feed(server, scope=scope)
    async with pollers(settings, [feed]) as [poller]:
        assert await poller.poll() == Outcome.PUBLISHED

    assert [o.jurisdiction_id for o in await observations(bootstrap_servers)] == ["khanh_hoa"] * 2
    [rejected] = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(bootstrap_servers, topics.OBSERVATIONS_REJECTED)
    ]
    assert rejected.origin == f"feed:{feed.name} items[2]"
    assert rejected.reason == (
        "items[2].jurisdiction: '82' nằm ngoài các đơn vị của khóa này (khanh_hoa và các đơn vị "
        "trực thuộc); mã 82 trong kỳ 2025-02 là Tỉnh Tiền Giang (tien_giang)"
    )
    assert cursor(database_url, feed.name) == ('"v1"', 2, 1)
