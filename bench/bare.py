"""The bare consumer of bench/scoring.py: the scoring service's input and output alone, each step
done by the service's own code, and nothing of what scores a figure.

Per batch of a partition, as the service's members take them: the figures decoded and checked
(intake.decode), stored (store.copy_observations), their scores stored (store.upsert_scores: a
score for each target at the figure's period, copied; and, for the share of figures whose
previous point the service re-judged, that point's score upserted) and published
(scorer.to_messages, Publisher), the offsets committed. Left out: the receipts, locks, points
and revisions, the roll-ups, the kept states and the judging. Its rate is what a Python consumer
of the service's shape reaches on the machine before it scores anything: the ceiling the
service's rate is read against (`bare_ratio`).
"""

import asyncio
import functools
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from aiokafka import AIOKafkaConsumer
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from chiso_core import collector, topics
from chiso_core.catalog import Catalog, Plan, Target
from chiso_core.checks import today_in_vietnam
from chiso_core.periods import Period
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings, ScoringSettings
from chiso_core.status import Status
from chiso_scoring import intake, store
from chiso_scoring.scorer import FIGURES, ScoreRow, to_messages

MAX_RECORDS = ScoringSettings.model_fields["batch_max_records"].default


@dataclass(frozen=True)
class Bare:
    """The bare consumer's figures a second, and the CPU of its process a figure (µs)."""

    per_s: float
    cpu_us: float


@dataclass(frozen=True)
class _Judgement:
    """What every score the bare consumer writes says: a score the service stored."""

    status: Status
    figures: tuple[float | str | None, ...]
    again: float  # scores a figure beyond its own targets': its previous point's, re-judged


class _Left:
    """The figures the members have still to take, of n."""

    def __init__(self, n: int) -> None:
        self.n = self.left = n


def _judgement(scored_url: str, figures: int, scores: int) -> _Judgement:
    """A score the service stored, and how many it published a figure (`scores` of `figures`)."""
    columns = sql.SQL(", ").join(sql.Identifier(name) for name, _ in FIGURES)
    with psycopg.connect(scored_url) as conn:
        status, *values = conn.execute(
            sql.SQL("SELECT status, {} FROM scores LIMIT 1").format(columns)
        ).fetchone() or ("on_track",)
    return _Judgement(Status(status), tuple(values), max(0.0, scores / figures - 1))


@functools.lru_cache(maxsize=4096)
def _previous(period: Period) -> Period:
    """The month before, one object a month, as the service's periods are (periods._shared): a
    period's message is made once."""
    return Period.of(period.grain, Period.month_of(period.start, back=1).start)


def _scores(
    rows: Sequence[intake.ObservationRow], catalog: Catalog, judged: _Judgement, done: int
) -> tuple[list[ScoreRow], list[ScoreRow]]:
    """A batch's scores, as the service's: at each figure's period (fresh), and at its previous
    one for `judged.again` of the figures."""
    fresh: list[ScoreRow] = []
    again: list[ScoreRow] = []
    for k, r in enumerate(rows, done):
        judged_again = int((k + 1) * judged.again) > int(k * judged.again)
        for plan, target in catalog.targets_for(r.indicator, r.jurisdiction):
            fresh.append(_row(plan, target, r, r.period, judged))
            if judged_again:
                again.append(_row(plan, target, r, _previous(r.period), judged))
    return fresh, again


def _row(
    plan: Plan, target: Target, r: intake.ObservationRow, period: Period, judged: _Judgement
) -> ScoreRow:
    return ScoreRow(
        plan.id, plan.revision, target.id, r.jurisdiction, r.indicator, period,
        target.due_year, r.value, 1, False, judged.status, judged.figures,
    )  # fmt: skip


async def _member(
    consumer: AIOKafkaConsumer,
    pool: AsyncConnectionPool,
    publisher: Publisher,
    catalog: Catalog,
    judged: _Judgement,
    left: _Left,
) -> None:
    while left.left > 0:
        for records in (await consumer.getmany(timeout_ms=500, max_records=MAX_RECORDS)).values():
            with collector.paused():
                today = today_in_vietnam()
                rows = [intake.decode(r.value or b"", catalog, today) for r in records]
                fresh, again = _scores(rows, catalog, judged, left.n - left.left)
                async with pool.connection() as conn, conn.transaction():
                    await store.copy_observations(conn, [(r, 1) for r in rows])
                    written = await store.upsert_scores(conn, again, fresh)
                await publisher.publish(topics.SCORES, to_messages(written, catalog))
            await consumer.commit()
            left.left -= len(records)


async def bare(
    bootstrap: str, url: str, scored_url: str, catalog: Catalog, n: int, scores: int, members: int
) -> Bare:
    """The bare consumer over the n figures on the observations topic, from the first, into the
    database at `url` (fresh), with as many members as a service process (`members`); timed
    once the group has given them their partitions. It writes the like of the scores the
    service stored (in the database at `scored_url`), as many as it published (`scores`)."""
    judged = _judgement(scored_url, n, scores)
    group = f"bare-{uuid.uuid4().hex[:6]}"
    consumers = [
        AIOKafkaConsumer(
            topics.OBSERVATIONS,
            bootstrap_servers=bootstrap,
            group_id=group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        for _ in range(members)
    ]
    async with (
        AsyncConnectionPool(url, min_size=members, max_size=members) as pool,
        Publisher(BrokerSettings(kafka_bootstrap_servers=bootstrap), "bare") as publisher,
    ):
        await asyncio.gather(*(consumer.start() for consumer in consumers))
        try:
            left = _Left(n)
            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(
                *(_member(c, pool, publisher, catalog, judged, left) for c in consumers)
            )
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            await asyncio.gather(*(consumer.stop() for consumer in consumers))
    return Bare(n / elapsed, cpu / n * 1e6)
