"""One batch of observations: store, score, publish — in that order, so nothing is lost.

1. decode; a message that can never be processed goes to the rejected topic (never stalls);
2. one transaction: new revisions by COPY, then the parents' roll-ups (summed in the
   database), then scores by staged COPY + upsert;
3. after commit, publish the scores (acks=all); only then are the offsets committed (by the
   caller). A crash anywhere replays the batch, and every step is idempotent.
"""

import time
from collections.abc import Mapping, Sequence
from datetime import date

import structlog
from prometheus_client import Counter, Histogram
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from chiso_core import failpoints, topics
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.messaging import Record, rejected
from chiso_core.metrics import at_zero
from chiso_core.publisher import Publisher
from chiso_scoring import intake, store
from chiso_scoring.intake import PointKey, SeriesKey
from chiso_scoring.revisions import Current, assign_revisions
from chiso_scoring.rollup import ancestors, deepest, derive, parent_keys
from chiso_scoring.scorer import ScoreRow, reach, score_points, to_message
from chiso_scoring.series import changes, due_ends

log = structlog.get_logger(__name__)

OBSERVATIONS = at_zero(
    Counter("chiso_scoring_observations", "Observations consumed, by outcome", ["outcome"]),
    outcome=("stored", "unchanged", "rejected"),
)
UNSCORED = Counter("chiso_scoring_unscored", "Targets the methods could not judge at a period")
BATCH_SECONDS = Histogram("chiso_scoring_batch_seconds", "Time to store, score and publish a batch")


def _points_read_by(rows: Sequence[intake.ObservationRow], catalog: Catalog) -> set[PointKey]:
    """Each row's point and the same period of the units it rolls up into."""
    return {
        (j, r.indicator, r.period)
        for r in rows
        for j in (r.jurisdiction, *ancestors(catalog, r.jurisdiction))
    }


async def _roll_up(
    conn: AsyncConnection,
    catalog: Catalog,
    touched: Mapping[PointKey, Current],
    current: dict[PointKey, Current],
) -> dict[PointKey, Current]:
    """Derives and stores the parents' figures the touched points change, level by level from
    the deepest (each level sums what the level below just stored); returns what changed."""
    rolled: dict[PointKey, Current] = {}
    pending = set(parent_keys(catalog, touched))
    while pending:
        level = deepest(catalog, pending)
        pending -= level
        rows, updates = derive(await store.child_sums(conn, level), current, catalog)
        await store.copy_observations(conn, rows)
        current |= updates
        rolled |= updates
        pending |= set(parent_keys(catalog, updates))
    return rolled


async def _judge(
    conn: AsyncConnection,
    catalog: Catalog,
    new: Sequence[tuple[intake.ObservationRow, int]],
    rolled: Mapping[PointKey, Current],
) -> tuple[list[ScoreRow], list[str]]:
    """Judges what the figures a batch stored can affect (see series.due_ends), reading the
    series after the COPY so that they include the batch; returns the scores and what could
    not be scored."""
    stored = changes(
        [(r.key, revision == 1) for r, revision in new]
        + [(key, c.revision == 1) for key, c in rolled.items()]
    )
    targeted = {k: c for k, c in stored.items() if catalog.targets_for(k[1], k[0])}
    reaches = {key: reach(catalog, key) for key in targeted}

    def due(key: SeriesKey, ends: Sequence[int], spans: Sequence[int]) -> set[int] | None:
        return due_ends(ends, spans, targeted[key], reaches[key])

    judged: list[ScoreRow] = []
    failures: list[str] = []
    async for chunk in store.read_series(conn, targeted, due):
        rows, failed = score_points(chunk, catalog, date.today())
        judged += rows
        failures += failed
    return judged, failures


class ScoringPipeline:
    def __init__(
        self, pool: AsyncConnectionPool, publisher: Publisher, catalog: CatalogCache
    ) -> None:
        self.pool = pool
        self.publisher = publisher
        self.catalog = catalog

    async def handle(self, records: Sequence[Record]) -> None:
        started = time.perf_counter()
        catalog = await self.catalog.get()
        rows: list[intake.ObservationRow] = []
        bad = []
        for record in records:
            try:
                rows.append(intake.decode(record.value or b"", catalog))
            except intake.Invalid as e:
                bad.append(rejected("scoring", record, str(e)))
        read = _points_read_by(rows, catalog)
        async with self.pool.connection() as conn, conn.transaction():
            # first, so that what this batch reads stays true until it commits
            await store.lock_series(conn, {(j, i) for j, i, _ in read})
            known = await store.known_message_ids(conn, [r.message_id for r in rows])
            state = await store.points_at(conn, read)
            new, touched = assign_revisions(rows, known, state)
            await store.record_receipts(conn, {r.message_id for r in rows} - known)
            await store.copy_observations(conn, new)
            rolled = await _roll_up(conn, catalog, touched, state | touched)
            judged, failures = await _judge(conn, catalog, new, rolled)
            scores = await store.upsert_scores(conn, judged)
            failpoints.hit("scoring.before_commit")
        failpoints.hit("scoring.after_commit")
        await self.publisher.publish(topics.SCORES, (to_message(s, catalog) for s in scores))
        await self.publisher.publish_rejected(bad)
        OBSERVATIONS.labels("stored").inc(len(new))
        OBSERVATIONS.labels("unchanged").inc(len(rows) - len(new))
        OBSERVATIONS.labels("rejected").inc(len(bad))
        UNSCORED.inc(len(failures))
        for failure in failures:
            log.error("could not score", target=failure)
        BATCH_SECONDS.observe(time.perf_counter() - started)
        log.info(
            "batch scored",
            records=len(records),
            stored=len(new),
            derived=len(rolled),
            judged=len(judged),
            scores=len(scores),
            rejected=len(bad),
        )
