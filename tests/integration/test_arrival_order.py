"""Arrival order never matters: whatever order and batching one series' figures arrive in
(revisions, unchanged re-sends and back-fills included), the scores the pipeline stored are
exactly what `chiso scoring rescore` computes from the stored figures."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg_pool import AsyncConnectionPool

from chiso_core import topics
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings, ScoringSettings
from chiso_scoring.pipeline import ScoringPipeline
from chiso_scoring.rescore import rescore
from tests.integration.conftest import observation
from tests.kafka_io import produce, read_topic

# Months of 2019..2025 and the years 2019..2025 (a year ends with its December: both kinds of
# figure share a position on the curve).
PERIODS = [f"{y}-{m:02d}" for y in range(2019, 2026) for m in range(1, 13)] + [
    str(y) for y in range(2019, 2026)
]
Figure = tuple[str, float]


@st.composite
def arrivals(draw: st.DrawFn) -> list[list[Figure]]:
    """Figures of one series (some periods sent twice: a revision, or the same figure again),
    in a random order, cut into random batches."""
    periods = draw(st.lists(st.sampled_from(PERIODS), min_size=2, max_size=8, unique=True))
    value = st.integers(100, 900).map(lambda v: v / 10)
    figures = [(p, draw(value)) for p in periods]
    figures += [
        (p, draw(st.sampled_from([v, draw(value)]))) for p, v in figures if draw(st.booleans())
    ]
    order = draw(st.permutations(figures))
    cuts = sorted(draw(st.sets(st.integers(1, len(order) - 1), max_size=3)))
    return [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]


def _scores(database_url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT * FROM scores ORDER BY plan_id, target_id, jurisdiction_id, grain, period_start"
        ).fetchall()


async def _drive(
    bootstrap: str, database_url: str, catalog: Catalog, batches: list[list[Figure]]
) -> None:
    """Each batch over the broker into the pipeline, as a consumer would hand it over."""
    async with (
        AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool,
        Publisher(BrokerSettings(kafka_bootstrap_servers=bootstrap), client_id="test") as pub,
    ):
        pipeline = ScoringPipeline(pool, pub, CatalogCache(pool))
        seen = len(await read_topic(bootstrap, topics.OBSERVATIONS))
        for batch in batches:
            await produce(bootstrap, topics.OBSERVATIONS, [observation(catalog, *f) for f in batch])
            records = await read_topic(bootstrap, topics.OBSERVATIONS)
            await pipeline.handle(records[seen:])
            seen = len(records)


def test_stored_scores_equal_a_rescore_whatever_the_arrival(
    bootstrap_servers: str, database_url: str, catalog: Catalog
) -> None:
    scoring = ScoringSettings(kafka_bootstrap_servers=bootstrap_servers, database_url=database_url)

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(arrivals())
    def check(batches: list[list[Figure]]) -> None:
        with psycopg.connect(database_url) as conn:
            conn.execute("TRUNCATE observations, observation_receipts, scores")
        with ThreadPoolExecutor(1) as thread:
            thread.submit(
                asyncio.run, _drive(bootstrap_servers, database_url, catalog, batches)
            ).result()
            stored = _scores(database_url)
            changed = thread.submit(asyncio.run, rescore(scoring)).result()
        with psycopg.connect(database_url) as conn:
            judged = conn.execute(
                "SELECT count(DISTINCT (grain, period_start)) FROM scores"
                " WHERE jurisdiction_id = 'tam_duong'"
            ).fetchone()
        assert judged == (len({p for batch in batches for p, _ in batch}),)
        assert changed == 0
        assert _scores(database_url) == stored

    check()
