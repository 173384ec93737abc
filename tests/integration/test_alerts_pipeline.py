"""The alerts pipeline over the real broker and TimescaleDB: scores move alerts through
pending, firing and resolved with hysteresis, the history is kept, each change is published
once, a replay changes nothing, and the stale sweep finds series that went silent."""

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from aiokafka.errors import ProducerClosed
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.lifecycle.context import Judging
from chiso_alerts.lifecycle.owners import Deadlines
from chiso_alerts.lifecycle.pipeline import AlertsPipeline
from chiso_alerts.lifecycle.sweep import Sweeper
from chiso_alerts.rules.lifecycle import fingerprint
from chiso_alerts.rules.params import load_params
from chiso_core import collector, topics
from chiso_core.broker import ensure_topics
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1 import alert_pb2, observation_pb2, score_pb2
from chiso_core.messaging import Record
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings
from tests.alerting import KEY, recent_months, score
from tests.event_loop import longest_wait
from tests.kafka_io import produce, read_topic

M = recent_months(8)
OFF = score_pb2.STATUS_OFF_TRACK
ON = score_pb2.STATUS_ON_TRACK


@dataclass
class Clock:
    """The service's clock, the batches' and the sweep's: `at` when a test sets it, else the
    real time."""

    at: datetime | None = None

    def __call__(self) -> datetime:
        return self.at or datetime.now(UTC)


# The service's defaults: three days to explain, a reminder a week before a due date.
DEADLINES = Deadlines(timedelta(days=3), timedelta(days=7))


@dataclass
class Harness:
    pipeline: AlertsPipeline
    sweeper: Sweeper
    clock: Clock
    bootstrap: str
    database_url: str
    handed: set[tuple[int, int]] = field(default_factory=set)

    async def run(self, records: Sequence[tuple[bytes, score_pb2.Score | bytes]]) -> None:
        """Publish `records`, then hand the pipeline what it has not seen yet as one batch, the
        way a consumer group delivers the next batch."""
        await produce(self.bootstrap, topics.SCORES, records)
        fresh = [r for r in await self.all_scores() if (r.partition, r.offset) not in self.handed]
        self.handed |= {(r.partition, r.offset) for r in fresh}
        await self.pipeline.handle(fresh)

    async def months(self, statuses: Sequence[score_pb2.Status], start: int = 0) -> None:
        """One batch per month, from M[start], each with the given status."""
        for i, status in enumerate(statuses, start):
            await self.run([score(M[i], status, 41.0 if status == OFF else 46.0)])

    async def replay(self) -> None:
        """Everything on the topic again, as after a crash before the offsets were committed."""
        await self.pipeline.handle(await self.all_scores())

    async def all_scores(self) -> list[Record]:
        return await read_topic(self.bootstrap, topics.SCORES)

    async def published(self, rule: str = "status") -> list[tuple[bytes, alert_pb2.Alert]]:
        records = await read_topic(self.bootstrap, topics.ALERTS)
        alerts = [(r.key or b"", alert_pb2.Alert.FromString(r.value or b"")) for r in records]
        return [(k, a) for k, a in alerts if a.labels["rule"] == rule]

    def rows(self, query: str) -> list[tuple[object, ...]]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query).fetchall()


@pytest.fixture
async def harness(bootstrap_servers: str, database_url: str) -> AsyncIterator[Harness]:
    """The pipeline as the service wires it, after the topics were created as at start-up."""
    await ensure_topics(BrokerSettings(kafka_bootstrap_servers=bootstrap_servers))
    settings = BrokerSettings(kafka_bootstrap_servers=bootstrap_servers)
    async with (
        AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool,
        Publisher(settings, client_id="test") as publisher,
    ):
        judging = Judging(pool, CatalogCache(pool), load_params(None), "http://grafana", False)
        clock = Clock()
        yield Harness(
            AlertsPipeline(pool, publisher, judging, DEADLINES, clock),
            Sweeper(pool, publisher, judging, DEADLINES, clock),
            clock,
            bootstrap_servers,
            database_url,
        )


def status_fingerprint(target: str = "online_public_service_usage_2030") -> str:
    return fingerprint(
        {
            "alertname": "TargetOffTrack",
            "plan": "tam_duong_nq57",
            "target": target,
            "jurisdiction": "tam_duong",
            "indicator": "online_public_service_usage",
            "rule": "status",
        }
    )


STATUS = "SELECT state FROM alerts WHERE labels->>'rule' = 'status'"
EVENTS = (
    "SELECT state, period_start::text FROM alert_events"
    " WHERE labels->>'rule' = 'status' ORDER BY id"
)


async def test_two_months_off_track_fire_and_two_on_track_resolve(harness: Harness) -> None:
    """Hysteresis in scored periods (for_periods 2, keep_firing_for 2): pending after the
    first month off track, firing after the second; still firing after one month back on
    track, resolved after the second."""
    fp = status_fingerprint()
    await harness.months([OFF])
    assert harness.rows(STATUS) == [("pending",)]
    await harness.months([OFF], start=1)
    assert harness.rows(STATUS) == [("firing",)]
    await harness.months([ON], start=2)
    assert harness.rows(STATUS) == [("firing",)]
    await harness.months([ON], start=3)
    assert harness.rows(STATUS) == [("resolved",)]

    assert harness.rows(EVENTS) == [
        ("pending", f"{M[0]}-01"),
        ("firing", f"{M[1]}-01"),
        ("resolved", f"{M[3]}-01"),
    ]
    published = await harness.published()
    assert [(k, a.fingerprint, a.state) for k, a in published] == [
        (KEY, fp, alert_pb2.ALERT_STATE_PENDING),
        (KEY, fp, alert_pb2.ALERT_STATE_FIRING),
        (KEY, fp, alert_pb2.ALERT_STATE_RESOLVED),
    ]
    firing, resolved = published[1][1], published[2][1]
    assert firing.labels["severity"] == "warning"
    assert firing.annotations["jurisdiction_name"] == "Huyện Tam Đường"
    assert resolved.starts_at == firing.starts_at  # the same alert, now ended
    assert resolved.HasField("ends_at")
    assert not firing.HasField("ends_at")


async def test_one_noisy_month_neither_fires_nor_resolves(harness: Harness) -> None:
    await harness.months([OFF, ON, OFF, ON])
    assert harness.rows(STATUS) == [("inactive",)]  # pending, then gone: nobody was told
    assert [a.state for _, a in await harness.published()] == [
        alert_pb2.ALERT_STATE_PENDING,
        alert_pb2.ALERT_STATE_RESOLVED,
        alert_pb2.ALERT_STATE_PENDING,
        alert_pb2.ALERT_STATE_RESOLVED,
    ]
    await harness.months([OFF, OFF, ON, OFF], start=4)
    assert harness.rows(STATUS) == [("firing",)]  # one good month does not resolve it


async def test_a_batch_is_judged_on_all_its_months(harness: Harness) -> None:
    """Months arriving together (a backfill) are judged once, on the window they make."""
    await harness.run([score(m, OFF, 41.0) for m in M[:3]])
    assert harness.rows(EVENTS) == [("firing", f"{M[2]}-01")]


async def test_a_replayed_batch_changes_nothing(harness: Harness) -> None:
    """At-least-once delivery: the batch comes again after a crash before the offset commit."""
    await harness.months([OFF, OFF, ON, ON])
    query = "SELECT fingerprint, state, starts_at, ends_at, last_period FROM alerts ORDER BY 1"
    before = harness.rows(query)
    events = harness.rows("SELECT count(*) FROM alert_events")

    await harness.replay()
    await harness.replay()

    assert harness.rows(query) == before
    assert harness.rows("SELECT count(*) FROM alert_events") == events
    assert len(await harness.published()) == 3


async def test_a_late_score_for_an_older_period_does_not_resolve(harness: Harness) -> None:
    """A correction of an older month replaces it in the window; the newest months decide."""
    await harness.months([OFF, OFF], start=2)
    await harness.run([score(M[1], ON, 46.0)])
    assert harness.rows(STATUS) == [("firing",)]


async def test_targets_have_their_own_alerts(harness: Harness) -> None:
    other = "online_public_service_usage_2027"
    await harness.run([score(m, OFF, 41.0) for m in M[:2]])
    await harness.run([score(m, ON, 46.0, other) for m in M[:2]])
    rows = harness.rows(
        "SELECT fingerprint, state FROM alerts WHERE labels->>'rule' = 'status' ORDER BY 2"
    )
    assert rows == [(status_fingerprint(), "firing")]
    assert status_fingerprint() != status_fingerprint(other)


async def test_a_change_whose_publication_failed_is_published_on_the_replay(
    harness: Harness,
) -> None:
    """If publishing a change fails, the consumer gets the batch again; the change must be
    published then. Had the database kept the change, the replay would find nothing new and
    subscribers would never hear of it. (The failure: a publisher already closed.)"""
    await produce(harness.bootstrap, topics.SCORES, [score(m, OFF, 41.0) for m in M[:2]])
    batch = await harness.all_scores()
    closed = Publisher(BrokerSettings(kafka_bootstrap_servers=harness.bootstrap), "closed")
    await closed.start()
    await closed.stop()
    broken = AlertsPipeline(harness.pipeline.pool, closed, harness.pipeline.judging, DEADLINES)
    with pytest.raises(ProducerClosed):
        await broken.handle(batch)
    assert harness.rows("SELECT count(*) FROM alert_series") == [(0,)]

    await harness.pipeline.handle(batch)

    assert [a.state for _, a in await harness.published()] == [alert_pb2.ALERT_STATE_FIRING]
    assert harness.rows(STATUS) == [("firing",)]


async def test_a_poison_message_is_rejected_and_the_rest_is_handled(harness: Harness) -> None:
    """Neither undecodable bytes nor a score with no status stall the consumer: each goes to
    the rejected topic with the reason, and the valid scores in the same batch still fire."""
    no_status = score(M[0], score_pb2.STATUS_UNSPECIFIED, 41.0)
    good = [score(m, OFF, 41.0) for m in M[:2]]
    await harness.run([(KEY, b"\xff\xffnot protobuf"), no_status, *good])

    assert harness.rows(STATUS) == [("firing",)]
    rejected = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(harness.bootstrap, topics.OBSERVATIONS_REJECTED)
    ]
    assert len(rejected) == 2
    by_payload = {r.payload: r for r in rejected}
    garbage = by_payload[b"\xff\xffnot protobuf"]
    assert garbage.reason.startswith("payload: không đọc được / not a chiso.v1.Score")
    assert garbage.origin.startswith(f"{topics.SCORES}/")
    assert garbage.key == KEY
    assert garbage.meta.producer == "alerts"
    assert by_payload[no_status[1].SerializeToString()].reason.startswith(
        "status: trạng thái không hợp lệ / "
    )


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("plan_id", "tam_duong_nq57\x00"),  # no text in the database holds a NUL
        ("target_id", secrets.token_urlsafe(3000)),  # too long to index
        ("jurisdiction_id", "tam_duong\x00"),
        ("indicator_code", "online_public_service_usage\x00"),
        ("province_code", "12\x00"),
    ],
)
async def test_a_score_naming_its_series_by_no_catalog_id_is_rejected(
    harness: Harness, field: str, text: str
) -> None:
    """A score produced straight to the topic names its series by anything: stored as it is,
    such a name failed the batch at every delivery. It is refused naming the field, and the
    valid scores beside it still fire."""
    key, bad = score(M[0], OFF, 41.0)
    setattr(bad, field, text)
    await harness.run([(key, bad), *(score(m, OFF, 41.0) for m in M[:2])])

    assert harness.rows(STATUS) == [("firing",)]
    [rejected] = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(harness.bootstrap, topics.OBSERVATIONS_REJECTED)
    ]
    assert rejected.reason.startswith(f"{field}: ")
    assert rejected.reason.endswith("không phải mã trong danh mục / is not a catalog id")


async def test_the_sweep_finds_a_silent_jurisdiction_and_a_new_score_ends_it(
    harness: Harness,
) -> None:
    """Months long past are stale as they arrive; that every series of the jurisdiction is
    stale is for the sweep to find (no score comes to say so), which fires the
    jurisdiction-wide alert. A fresh score resolves the series' stale alert at once, and the
    next sweep the jurisdiction's. (The owner's figure overdue is told by the first batch: a
    series new to alerts has its calendar judged with it, test_never_reported.py.)"""
    await harness.run([score(m, ON, 46.0) for m in recent_months(3, ending=10)])
    stale = "SELECT labels->>'alertname', state FROM alerts WHERE labels->>'rule' = 'stale'"
    assert harness.rows(stale) == [("IndicatorStale", "firing")]
    overdue = (
        "SELECT state FROM alerts WHERE labels->>'alertname' = 'ReportOverdue'"
        " AND labels->>'plan' = 'tam_duong_nq57'"
        " AND labels->>'target' = 'online_public_service_usage_2030'"
    )
    assert harness.rows(overdue) == [("firing",)]

    # the catalog's targets that never had a figure are reminded too (test_never_reported.py)
    unreported = (
        "SELECT fingerprint FROM alerts WHERE labels->>'rule' = 'calendar' AND NOT"
        " (labels->>'plan' = 'tam_duong_nq57'"
        " AND labels->>'target' = 'online_public_service_usage_2030')"
    )
    changed = await harness.sweeper.run_once()
    assert changed == 1 + len(harness.rows(unreported))
    assert sorted(harness.rows(stale)) == [
        ("IndicatorStale", "firing"),
        ("JurisdictionStale", "firing"),
    ]
    assert harness.rows(overdue) == [("firing",)]
    assert await harness.sweeper.run_once() == 0  # nothing new the second time

    await harness.run([score(M[-1], ON, 46.0)])
    assert sorted(harness.rows(stale)) == [
        ("IndicatorStale", "resolved"),
        ("JurisdictionStale", "firing"),
    ]
    assert await harness.sweeper.run_once() == 2
    assert sorted(harness.rows(stale)) == [
        ("IndicatorStale", "resolved"),
        ("JurisdictionStale", "resolved"),
    ]
    assert harness.rows(overdue) == [("resolved",)]


async def test_a_large_batch_gives_the_event_loop_turns(harness: Harness) -> None:
    """5,000 series off track in one batch: decoding and judging them take the loop for far
    longer than a turn (chiso_core.turns), yet the API and the probes wait a turn at most."""
    batch = []
    for k in range(5000):
        key, message = score(M[-1], OFF, 41.0)
        message.jurisdiction_id = f"xa_{k}"
        batch.append((key, message))
    await produce(harness.bootstrap, topics.SCORES, batch)
    records = await harness.all_scores()
    with collector.paused():  # as the service handles a batch (chiso_core.messaging)
        started = time.perf_counter()
        work = asyncio.create_task(harness.pipeline.handle(records))
        longest = await longest_wait(work)
        await work
        took = time.perf_counter() - started
    [(pending,)] = harness.rows("SELECT count(*) FROM alerts WHERE state = 'pending'")
    assert pending == 5000
    # unturned, the loop waited for the decoding, the judging and the fingerprints (~0.3 s
    # here; ~0.09 s with the fingerprints alone unturned); with turns, the longest wait is one
    # of psycopg's own steps (~0.03 s), with room for a loaded machine
    assert longest < 0.07 < took, (longest, took)


async def test_a_sweep_of_many_series_gives_the_event_loop_turns(harness: Harness) -> None:
    """A sweep over 5,000 series (stale, calendar, explanations, targets never reported,
    orphaned reminders): its judging takes the loop for far longer than a turn, yet the API and
    the probes wait a turn at most."""
    batch = []
    for k in range(5000):
        key, message = score(M[-1], OFF, 41.0)
        message.jurisdiction_id = f"xa_{k}"
        batch.append((key, message))
    await harness.run(batch)
    with collector.paused():  # as the service sweeps (chiso_core.messaging)
        started = time.perf_counter()
        work = asyncio.create_task(harness.sweeper.run_once())
        longest = await longest_wait(work)
        changed = await work
        took = time.perf_counter() - started
    assert changed > 0
    # with the stale verdicts, the orphans' fingerprints and the alerts read back unturned, the
    # loop waited ~0.12 s (each 5,000 series its own jurisdiction: 5,000 JurisdictionStale);
    # with turns ~0.02 s, with room for a loaded machine
    assert longest < 0.07 < took, (longest, took, changed)
