"""`chiso scoring rescore`: score the whole history again, e.g. after a new plan revision or
method version.

The scores of the revision before stay; the new ones are written beside them and published.
A score that comes out as stored is neither rewritten nor published again. Each series' kept
state (chiso_scoring.states) is built again from its history too: a rescore leaves nothing the
live pipeline judges on that the stored figures do not say. The series are
re-scored a thousand at a time, each thousand in a transaction of its own under its series'
locks, `CHISO_SCORING_LANES` thousands side by side: the live pipeline waits for one chunk at
most, memory stays flat however long the history, and a rescore that was interrupted is
completed by running it again. A target the methods cannot judge at a period is logged and
named in what the rescore returns; the rest are scored.
"""

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

import structlog
from psycopg_pool import AsyncConnectionPool

from chiso_core import collector, topics
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import read as read_catalog
from chiso_core.db import make_pool
from chiso_core.publisher import Publisher
from chiso_core.settings import ScoringSettings
from chiso_scoring import states, store
from chiso_scoring.intake import SeriesKey
from chiso_scoring.reads import UnknownPlan
from chiso_scoring.scorer import to_messages
from chiso_scoring.series import by_points

log = structlog.get_logger(__name__)

CHUNK = 1000  # series a transaction
# due points judged together (methods.columns): their states are held together, a few kB each
JUDGED_TOGETHER = 2000


@dataclass(frozen=True)
class Rescored:
    written: int  # scores that changed: written and published
    unscored: tuple[str, ...] = ()  # the targets at a period the methods could not judge


async def rescore(settings: ScoringSettings, plan_id: str | None = None) -> Rescored:
    """Re-scores every period of every series a plan (or every plan) targets; returns how
    many scores changed (written and published) and what could not be scored."""
    async with make_pool(settings) as pool, Publisher(settings, "chiso-rescore") as publisher:
        async with pool.connection() as conn:
            catalog = await read_catalog(conn)
        if plan_id is not None and plan_id not in catalog.plans:
            raise UnknownPlan(plan_id, sorted(catalog.plans))
        plans = [catalog.plans[plan_id]] if plan_id else list(catalog.plans.values())
        every_series = sorted({(p.jurisdiction, t.indicator) for p in plans for t in p.targets})
        wanted = {p.id for p in plans}
        # chunks share no series: `scoring_lanes` of them run side by side, so that the
        # database reads and writes one while this process judges another
        lanes = asyncio.Semaphore(settings.scoring_lanes)

        async def chunk(keys: Sequence[SeriesKey]) -> Rescored:
            async with lanes:
                return await _rescore(pool, publisher, catalog, keys, wanted)

        # every chunk runs to its end, even when another fails: one cancelled between its
        # commit and its publishing would leave changed scores that are never published
        done = await asyncio.gather(
            *(chunk(every_series[s : s + CHUNK]) for s in range(0, len(every_series), CHUNK)),
            return_exceptions=True,
        )
    for outcome in done:
        if isinstance(outcome, BaseException):
            raise outcome
    chunks = [outcome for outcome in done if isinstance(outcome, Rescored)]
    return Rescored(sum(c.written for c in chunks), tuple(f for c in chunks for f in c.unscored))


async def _rescore(
    pool: AsyncConnectionPool,
    publisher: Publisher,
    catalog: Catalog,
    keys: Sequence[SeriesKey],
    wanted: Collection[str],
) -> Rescored:
    """One chunk of series: judged, upserted with each series' state built from its history
    (so that what the live pipeline judges on next is what the history says), committed, then
    the changed scores published."""
    async with pool.connection() as conn, conn.transaction():
        await store.lock_series(conn, keys)
        judged = states.Judged()
        today = date.today()
        async for chunk in store.read_series(conn, keys):
            with collector.paused():  # judging a chunk, as the service judges a batch
                for part in by_points(chunk, JUDGED_TOGETHER):
                    judged.add_series(part, catalog, today)
        await store.keep_states(conn, judged.kept)
        scores = await store.upsert_scores(conn, [s for s in judged.rows if s.plan_id in wanted])
    await publisher.publish(topics.SCORES, to_messages(scores, catalog))
    # every target of the series read, whichever plan it is in: each failure names its plan
    for failure in judged.failures:
        log.error("could not score", target=failure)
    return Rescored(len(scores), tuple(judged.failures))
