"""Arrival order never matters: whatever order and batching one series' figures arrive in
(revisions, unchanged re-sends and back-fills included), the scores the pipeline stored are
exactly what `chiso scoring rescore` computes from the stored figures."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import psycopg
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg_pool import AsyncConnectionPool

from chiso_core import topics
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1 import observation_pb2, score_pb2
from chiso_core.contracts.v1.observation_pb2 import Observation
from chiso_core.periods import Period
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings, ScoringSettings
from chiso_scoring.pipeline import ScoringPipeline
from chiso_scoring.rescore import rescore
from tests.integration.conftest import Harness, message_of
from tests.kafka_io import produce, read_topic

# Months of 2019..2025 and the years 2019..2025 (a year ends with its December: both kinds of
# figure share a position on the curve).
PERIODS = [f"{y}-{m:02d}" for y in range(2019, 2026) for m in range(1, 13)] + [
    str(y) for y in range(2019, 2026)
]
Figure = tuple[str, float]


@st.composite
def arrivals(draw: st.DrawFn) -> tuple[list[Figure], list[list[int]]]:
    """Figures of one series in the order they were reported (some periods twice: a
    revision, or the same figure again), and the batches they arrive in: a random order, cut
    at random (as indices into the figures)."""
    periods = draw(st.lists(st.sampled_from(PERIODS), min_size=2, max_size=8, unique=True))
    value = st.integers(100, 900).map(lambda v: v / 10)
    figures = [(p, draw(value)) for p in periods]
    again = [(p, v) for p, v in figures if draw(st.booleans())]
    figures += [(p, draw(st.sampled_from([v, draw(value)]))) for p, v in again]
    order = draw(st.permutations(range(len(figures))))
    cuts = sorted(draw(st.sets(st.integers(1, len(order) - 1), max_size=3)))
    batches = [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
    return figures, batches


def reported(catalog: Catalog, figures: list[Figure]) -> list[tuple[bytes, Observation]]:
    """The figures' messages, each reported a second after the one before."""
    messages = []
    for k, (period, value) in enumerate(figures):
        at = Timestamp()
        at.FromDatetime(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=k))
        item = {
            "indicator": "online_public_service_usage",
            "jurisdiction": "tam_duong",
            "period": period,
            "value": value,
        }
        messages.append(message_of(catalog, item, at=at))
    return messages


def _scores(database_url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT * FROM scores ORDER BY plan_id, target_id, jurisdiction_id, grain, period_start"
        ).fetchall()


async def _drive(
    bootstrap: str,
    database_url: str,
    messages: list[tuple[bytes, Observation]],
    batches: list[list[int]],
) -> None:
    """Each batch over the broker into the pipeline, as a consumer would hand it over."""
    async with (
        AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool,
        Publisher(BrokerSettings(kafka_bootstrap_servers=bootstrap), client_id="test") as pub,
    ):
        pipeline = ScoringPipeline(pool, pub, CatalogCache(pool))
        seen = len(await read_topic(bootstrap, topics.OBSERVATIONS))
        for batch in batches:
            await produce(bootstrap, topics.OBSERVATIONS, [messages[k] for k in batch])
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
    def check(arrival: tuple[list[Figure], list[list[int]]]) -> None:
        figures, batches = arrival
        with psycopg.connect(database_url) as conn:
            # the series' kept states go with the figures they fold: a state left behind would
            # be judged on as if its figures were still stored (an earlier example's, or an
            # earlier test's)
            # (CASCADE: and series_states, which references series_versions)
            conn.execute(
                "TRUNCATE observations, observation_receipts, scores, series_versions CASCADE"
            )
        messages = reported(catalog, figures)
        with ThreadPoolExecutor(1) as thread:
            thread.submit(
                asyncio.run, _drive(bootstrap_servers, database_url, messages, batches)
            ).result()
            stored = _scores(database_url)
            changed = thread.submit(asyncio.run, rescore(scoring)).result().written
        with psycopg.connect(database_url) as conn:
            judged = conn.execute(
                "SELECT count(DISTINCT (grain, period_start)) FROM scores"
                " WHERE jurisdiction_id = 'tam_duong'"
            ).fetchone()
            latest = conn.execute(
                "SELECT DISTINCT grain, period_start, actual FROM scores"
                " WHERE jurisdiction_id = 'tam_duong'"
            ).fetchall()
        # the figure reported last for a period is the one scored, whatever the arrival
        assert {(str(Period.of(g, p)), v) for g, p, v in latest} == set(dict(figures).items())
        assert judged == (len(dict(figures)),)
        assert changed == 0
        assert _scores(database_url) == stored

    check()


def digital_economy(
    catalog: Catalog, year: str, value: float
) -> tuple[bytes, observation_pb2.Observation]:
    item = {
        "indicator": "digital_economy_share_grdp",
        "jurisdiction": "tien_giang",
        "period": year,
        "value": value,
    }
    return message_of(catalog, item)


async def test_the_previous_latest_is_re_judged_as_of_its_own_period(
    harness: Harness, catalog: Catalog
) -> None:
    """Tiền Giang's digital economy 2018 = 16.5 and 2019 = 18.0: 2019, the latest, is judged as
    of today (years overdue: stale). 2020 = 18.6 arrives in a later batch: 2019 is judged again
    as of the end of 2019, when its figure was current (not stale), and republished."""
    await harness.run(
        [digital_economy(catalog, "2018", 16.5), digital_economy(catalog, "2019", 18.0)]
    )
    assert harness.rows("SELECT period_start::text, status FROM scores ORDER BY 1")[-1] == (
        "2019-01-01",
        "stale",
    )
    before = len(await read_topic(harness.bootstrap, topics.SCORES))

    await harness.run([digital_economy(catalog, "2020", 18.6)])

    statuses = harness.rows("SELECT DISTINCT period_start::text, status FROM scores ORDER BY 1")
    assert [s for s in statuses if str(s[0]) >= "2019"] == [
        ("2019-01-01", "on_track"),
        ("2020-01-01", "stale"),
    ]
    republished = [
        score_pb2.Score.FromString(r.value or b"")
        for r in (await read_topic(harness.bootstrap, topics.SCORES))[before:]
    ]
    # each of the plan's targets on the indicator; 2018 read neither figure
    assert {s.period.year for s in republished} == {2019, 2020}
    # and each says why, as the table does
    reasons = {
        str(key): reason
        for key, reason in harness.rows(
            "SELECT target_id || extract(year FROM period_start), reason FROM scores"
        )
    }
    assert all(reasons[f"{s.target_id}{s.period.year}"] == s.reason != "" for s in republished)
