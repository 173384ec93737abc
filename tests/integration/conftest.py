"""Integration fixtures: the scoring pipeline driven batch by batch over the real broker and
database."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from chiso_core import topics
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings
from chiso_ingest.convert import to_message
from chiso_ingest.models import ObservationIn
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
    item = ObservationIn(
        indicator="online_public_service_usage",
        jurisdiction=jurisdiction,
        period=period,
        value=value,
    )
    return to_message(item, catalog, source="test")
