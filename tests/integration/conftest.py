"""Integration fixtures: the scoring pipeline driven batch by batch over the real broker and
database."""

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from google.protobuf.timestamp_pb2 import Timestamp
from psycopg_pool import AsyncConnectionPool

from chiso_core import collector, topics
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.checks import Checked, Reported, check, today_in_vietnam
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.messaging import Record
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings, IngestSettings
from chiso_devstack.embedded import free_port
from chiso_ingest.app import create_app
from chiso_ingest.convert import to_message
from chiso_scoring.pipeline import ScoringPipeline
from tests.kafka_io import produce, read_topic


@dataclass
class Harness:
    pipeline: ScoringPipeline
    bootstrap: str
    database_url: str

    async def run(self, records: list[tuple[bytes, observation_pb2.Observation | bytes]]) -> None:
        """Publish `records`, then hand everything on the topic to the pipeline as one batch."""
        await produce(self.bootstrap, topics.OBSERVATIONS, records)
        await self.pipeline.handle(await read_topic(self.bootstrap, topics.OBSERVATIONS))

    def rows(self, query: str) -> list[tuple[object, ...]]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query).fetchall()


@pytest.fixture
def as_served() -> Iterator[None]:
    """The collector tuned as `serve` tunes it, for a test that times a service run in this
    process: untuned, a full collection over the test session's own heap stalls every thread,
    which no served process does."""
    thresholds = gc.get_threshold()
    collector.tune()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.fixture
async def harness(
    bootstrap_servers: str, database_url: str, catalog: Catalog
) -> AsyncIterator[Harness]:
    settings = BrokerSettings(kafka_bootstrap_servers=bootstrap_servers)
    async with (
        AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool,
        Publisher(settings, client_id="test") as publisher,
    ):
        pipeline = ScoringPipeline(pool, publisher, CatalogCache(pool))
        yield Harness(pipeline, bootstrap_servers, database_url)


def observation(
    catalog: Catalog, period: str, value: float, jurisdiction: str = "tam_duong"
) -> tuple[bytes, observation_pb2.Observation]:
    return message_of(
        catalog,
        {
            "indicator": "online_public_service_usage",
            "jurisdiction": jurisdiction,
            "period": period,
            "value": value,
        },
    )


def message_of(
    catalog: Catalog, item: dict[str, Any], at: Timestamp | None = None
) -> tuple[bytes, observation_pb2.Observation]:
    """The message ingest would publish for a figure (which must pass the checks), reported
    `at` (now unless given)."""
    checked = check(Reported(**item), catalog, today_in_vietnam())
    assert isinstance(checked, Checked), checked
    return to_message(checked, source="test", at=at)


# --- the ingest API -------------------------------------------------------------------------

URL = "/v1/observations"
MAX_BODY_BYTES = 4096
MAX_ITEMS = 5
PUBLISH_TIMEOUT_S = 2.0


def make_app(
    bootstrap_servers: str,
    database_url: str,
    *,
    today: Callable[[], date] = today_in_vietnam,
    **settings: Any,
) -> FastAPI:
    return create_app(
        IngestSettings(
            **{
                "kafka_bootstrap_servers": bootstrap_servers,
                "database_url": database_url,
                "max_body_bytes": MAX_BODY_BYTES,
                "max_items": MAX_ITEMS,
                "http_port": free_port(),
                "log_json": False,
                "publish_timeout_s": PUBLISH_TIMEOUT_S,
                "key_cache_s": 0,
                **settings,
            }
        ),
        today,
    )


@pytest.fixture
def client(bootstrap_servers: str, database_url: str, auth: dict[str, str]) -> Iterator[TestClient]:
    """The app with its lifespan run (topics ensured, the producer connected), sending the test
    agency's key with every request, and asking for problems in English."""
    headers = auth | {"Accept-Language": "en"}
    with TestClient(make_app(bootstrap_servers, database_url), headers=headers) as c:
        yield c


def on_topic(bootstrap_servers: str, topic: str = topics.OBSERVATIONS) -> list[Record]:
    """Every record now on the topic, read in an event loop of its own (these tests are
    synchronous, and pytest-asyncio's session loop must be left alone)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, read_topic(bootstrap_servers, topic)).result()


def published(bootstrap_servers: str) -> list[tuple[bytes, observation_pb2.Observation]]:
    return [
        (r.key or b"", observation_pb2.Observation.FromString(r.value or b""))
        for r in on_topic(bootstrap_servers)
    ]


def audited(bootstrap_servers: str) -> list[observation_pb2.Rejected]:
    return [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in on_topic(bootstrap_servers, topics.OBSERVATIONS_REJECTED)
    ]


def obs(**changes: Any) -> dict[str, Any]:
    return {
        "indicator": "online_public_service_usage",
        "jurisdiction": "56",
        "period": "2025-06",
        "value": 61.5,
    } | changes


def problems(response: httpx.Response) -> list[tuple[str, str]]:
    return [(p["field"], p["problem"]) for p in response.json()["problems"]]


def statuses(response: httpx.Response) -> list[str]:
    return [i["status"] for i in response.json()["items"]]
