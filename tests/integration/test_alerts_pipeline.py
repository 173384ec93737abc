"""The alerts pipeline over the real broker and TimescaleDB: scores fire and resolve alerts,
the history is kept, each change is published once, and a replay changes nothing."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import psycopg
import pytest
from aiokafka.errors import ProducerClosed
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.legacy_rules import ScoreEvent
from chiso_alerts.pipeline import AlertsPipeline
from chiso_alerts.rules.lifecycle import fingerprint
from chiso_core import topics
from chiso_core.broker import ensure_topics
from chiso_core.contracts.v1 import alert_pb2, observation_pb2, score_pb2
from chiso_core.messaging import Record, new_meta
from chiso_core.periods import Period
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings
from tests.kafka_io import produce, read_topic

KEY = b"12/online_public_service_usage"


@dataclass
class Harness:
    pipeline: AlertsPipeline
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

    async def replay(self) -> None:
        """Everything on the topic again, as after a crash before the offsets were committed."""
        await self.pipeline.handle(await self.all_scores())

    async def all_scores(self) -> list[Record]:
        return await read_topic(self.bootstrap, topics.SCORES)

    async def published(self) -> list[tuple[bytes, alert_pb2.Alert]]:
        records = await read_topic(self.bootstrap, topics.ALERTS)
        return [(r.key or b"", alert_pb2.Alert.FromString(r.value or b"")) for r in records]

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
        yield Harness(AlertsPipeline(pool, publisher), bootstrap_servers, database_url)


def score(
    period: str,
    status: score_pb2.Status,
    actual: float,
    target: str = "online_public_service_usage_2030",
) -> tuple[bytes, score_pb2.Score]:
    """A score as scoring publishes it for Tam Đường (106, in Lai Châu 12)."""
    return KEY, score_pb2.Score(
        meta=new_meta("scoring"),
        plan_id="tam_duong_nq57",
        plan_revision=1,
        target_id=target,
        indicator_code="online_public_service_usage",
        jurisdiction_id="tam_duong",
        province_code="12",
        period=Period.parse(period).to_proto(),
        actual=actual,
        expected=42.82,
        target_value=80.0,
        due_year=2030,
        gap=actual - 42.82,
        status=status,
        method="linear_path",
        method_version="1",
        observation_revision=1,
    )


def the_fingerprint(target: str = "online_public_service_usage_2030") -> str:
    _, msg = score("2025-06", score_pb2.STATUS_OFF_TRACK, 41.0, target)
    return fingerprint(ScoreEvent.from_proto(msg).labels)


OFF_JUNE = score("2025-06", score_pb2.STATUS_OFF_TRACK, 41.0)
ON_JULY = score("2025-07", score_pb2.STATUS_ON_TRACK, 45.0)

ALERT_ROW = (
    "SELECT fingerprint, state, last_grain, last_period::text, ends_at IS NULL,"
    " labels->>'target', annotations->>'summary' FROM alerts"
)
EVENTS = "SELECT fingerprint, state, period_start::text FROM alert_events ORDER BY id"


async def test_off_track_fires_and_on_track_resolves(harness: Harness) -> None:
    fp = the_fingerprint()

    await harness.run([OFF_JUNE])
    [(row_fp, state, grain, period, open_, target, summary)] = harness.rows(ALERT_ROW)
    assert (row_fp, state, grain, period, open_) == (fp, "firing", "month", "2025-06-01", True)
    assert target == "online_public_service_usage_2030"
    assert isinstance(summary, str)
    assert summary.startswith(
        "online_public_service_usage in tam_duong is off_track at 2025-06: 41"
    )
    [(key, firing)] = await harness.published()
    assert key == KEY
    assert (firing.fingerprint, firing.state) == (fp, alert_pb2.ALERT_STATE_FIRING)
    assert firing.labels["plan"] == "tam_duong_nq57"
    assert firing.HasField("starts_at")
    assert not firing.HasField("ends_at")

    await harness.run([ON_JULY])
    assert harness.rows("SELECT state, last_period::text, ends_at >= starts_at FROM alerts") == [
        ("resolved", "2025-07-01", True)
    ]
    assert harness.rows(EVENTS) == [(fp, "firing", "2025-06-01"), (fp, "resolved", "2025-07-01")]
    published = await harness.published()
    assert [(k, a.fingerprint, a.state) for k, a in published] == [
        (KEY, fp, alert_pb2.ALERT_STATE_FIRING),
        (KEY, fp, alert_pb2.ALERT_STATE_RESOLVED),
    ]
    resolved = published[1][1]
    assert resolved.starts_at == firing.starts_at  # the same alert, now ended
    assert resolved.HasField("ends_at")
    assert "is on_track at 2025-07" in resolved.annotations["summary"]


async def test_repeated_off_track_fires_once(harness: Harness) -> None:
    """Subscribers hear about a drifting target once, not every month it stays off track."""
    await harness.run([OFF_JUNE])
    await harness.run([score("2025-07", score_pb2.STATUS_OFF_TRACK, 41.2)])
    await harness.run([score("2025-08", score_pb2.STATUS_DETERIORATING, 40.0)])

    assert harness.rows("SELECT state, last_period::text FROM alerts") == [("firing", "2025-08-01")]
    assert harness.rows("SELECT state FROM alert_events") == [("firing",)]
    assert [a.state for _, a in await harness.published()] == [alert_pb2.ALERT_STATE_FIRING]


async def test_both_transitions_in_one_batch_are_kept_in_order(harness: Harness) -> None:
    await harness.run([OFF_JUNE, ON_JULY])

    fp = the_fingerprint()
    assert harness.rows("SELECT state FROM alerts") == [("resolved",)]
    assert harness.rows(EVENTS) == [(fp, "firing", "2025-06-01"), (fp, "resolved", "2025-07-01")]
    assert [a.state for _, a in await harness.published()] == [
        alert_pb2.ALERT_STATE_FIRING,
        alert_pb2.ALERT_STATE_RESOLVED,
    ]


async def test_a_replayed_batch_changes_nothing(harness: Harness) -> None:
    """At-least-once delivery: the batch comes again after a crash before the offset commit."""
    await harness.run([OFF_JUNE, ON_JULY])
    before = harness.rows("SELECT fingerprint, state, starts_at, ends_at, last_period FROM alerts")

    await harness.replay()
    await harness.replay()

    assert (
        harness.rows("SELECT fingerprint, state, starts_at, ends_at, last_period FROM alerts")
        == before
    )
    assert harness.rows("SELECT count(*) FROM alert_events") == [(2,)]
    assert len(await harness.published()) == 2


async def test_a_late_score_for_an_older_period_does_not_resolve(harness: Harness) -> None:
    """The alert's last period survives the round trip through the database: a May score
    arriving after June's does not resolve June's alert."""
    await harness.run([OFF_JUNE])
    await harness.run([score("2025-05", score_pb2.STATUS_ON_TRACK, 44.0)])

    assert harness.rows("SELECT state, last_period::text FROM alerts") == [("firing", "2025-06-01")]
    assert len(await harness.published()) == 1


async def test_targets_have_their_own_alerts(harness: Harness) -> None:
    other = "online_public_service_usage_2027"
    await harness.run([OFF_JUNE, score("2025-06", score_pb2.STATUS_ON_TRACK, 41.0, other)])
    await harness.run([score("2025-07", score_pb2.STATUS_OFF_TRACK, 41.0, other)])

    assert sorted(harness.rows("SELECT fingerprint, state FROM alerts")) == sorted(
        [(the_fingerprint(), "firing"), (the_fingerprint(other), "firing")]
    )
    assert the_fingerprint() != the_fingerprint(other)


async def test_a_change_whose_publication_failed_is_published_on_the_replay(
    harness: Harness,
) -> None:
    """If publishing a change fails, the consumer gets the batch again; the change must be
    published then. Had the database kept the change, the replay would find nothing new and
    subscribers would never hear of it. (The failure: a publisher already closed.)"""
    await produce(harness.bootstrap, topics.SCORES, [OFF_JUNE])
    batch = await harness.all_scores()
    closed = Publisher(BrokerSettings(kafka_bootstrap_servers=harness.bootstrap), "closed")
    await closed.start()
    await closed.stop()
    broken = AlertsPipeline(harness.pipeline.pool, closed)
    with pytest.raises(ProducerClosed):
        await broken.handle(batch)

    await harness.pipeline.handle(batch)

    assert [a.state for _, a in await harness.published()] == [alert_pb2.ALERT_STATE_FIRING]
    assert harness.rows("SELECT state FROM alerts") == [("firing",)]
    assert harness.rows("SELECT state FROM alert_events") == [("firing",)]


async def test_a_poison_message_is_rejected_and_the_rest_is_handled(harness: Harness) -> None:
    """Neither undecodable bytes nor a score with no status stall the consumer: each goes to
    the rejected topic with the reason, and the valid score in the same batch still fires."""
    no_status = score("2025-06", score_pb2.STATUS_UNSPECIFIED, 41.0)
    await harness.run([(KEY, b"\xff\xffnot protobuf"), no_status, OFF_JUNE])

    assert harness.rows("SELECT state FROM alerts") == [("firing",)]
    rejected = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(harness.bootstrap, topics.OBSERVATIONS_REJECTED)
    ]
    assert len(rejected) == 2
    by_payload = {r.payload: r for r in rejected}
    garbage = by_payload[b"\xff\xffnot protobuf"]
    assert garbage.reason.startswith("not a valid chiso.v1.Score")
    assert garbage.origin.startswith(f"{topics.SCORES}/")
    assert garbage.key == KEY
    assert garbage.meta.producer == "alerts"
    unspecified = by_payload[no_status[1].SerializeToString()]
    assert "UNSPECIFIED is not a known status" in unspecified.reason
