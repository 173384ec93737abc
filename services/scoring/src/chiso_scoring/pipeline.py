"""One batch of observations: store, score, publish — in that order, so nothing is lost.

1. decode; a message that can never be processed goes to the rejected topic (never stalls);
2. the batch cut into parts that share no series lock (chiso_scoring.lanes), run side by side,
   each in one transaction: new revisions by COPY, then the parents' roll-ups (summed in the
   database), then scores by staged COPY + upsert;
3. after a part's commit, publish its scores (acks=all); once every part is done, the offsets
   are committed (by the caller). A crash anywhere replays the batch, and every step is
   idempotent.

The batch's long loops (decoding, judging, making messages) give the event loop a turn every
few milliseconds (chiso_core.turns): the service's API and probes wait a turn, not a batch.
"""

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import structlog
from prometheus_client import Counter, Histogram
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from chiso_core import failpoints, topics
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.checks import today_in_vietnam
from chiso_core.messaging import Record, rejected
from chiso_core.metrics import at_zero
from chiso_core.publisher import Publisher
from chiso_core.settings import ScoringSettings
from chiso_core.turns import in_turns
from chiso_scoring import intake, states, store
from chiso_scoring.intake import PointKey, SeriesKey
from chiso_scoring.lanes import lanes_of
from chiso_scoring.revisions import Current, assign_revisions
from chiso_scoring.rollup import deepest, derive, parent_keys
from chiso_scoring.scorer import (
    Appending,
    ScoreRow,
    Targets,
    judged_for,
    reach,
    score_appended,
    settled,
    to_messages,
)
from chiso_scoring.series import Change, Due, by_points, changes, due_ends, position
from chiso_scoring.states import Entry

log = structlog.get_logger(__name__)
T = TypeVar("T")

OBSERVATIONS = at_zero(
    Counter("chiso_scoring_observations", "Observations consumed, by outcome", ["outcome"]),
    outcome=("stored", "unchanged", "rejected"),
)
SERIES_JUDGED = at_zero(
    Counter(
        "chiso_scoring_series_judged",
        "Series a batch judged, by what it read: the kept state, or the history read back",
        ["read"],
    ),
    read=("state", "history"),
)
UNSCORED = Counter("chiso_scoring_unscored", "Targets the methods could not judge at a period")
LANES = ScoringSettings.model_fields["scoring_lanes"].default
# Due points judged together (methods.columns) in one turn: enough that the arrays pay (numpy's
# calls cost the same for 200 targets as for 500: 200 a pass cost ~1.7 µs more a series), few
# enough that a turn stays ~10 ms (500 appending series ~12 ms; tests/integration/
# test_event_loop.py: the longest wait ~0.02 s). An appending series has one point or two; one
# read back has as many as its figures can affect (a plan's revision: all).
JUDGED_TOGETHER = 500
BATCH_SECONDS = Histogram("chiso_scoring_batch_seconds", "Time to store, score and publish a batch")


def _points_read_by(rows: Sequence[intake.ObservationRow], catalog: Catalog) -> set[PointKey]:
    """Each row's point and the same period of the units it rolls up into."""
    return {
        (j, r.indicator, r.period)
        for r in rows
        for j in (r.jurisdiction, *catalog.units_above(r.jurisdiction))
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


def _appended(new: Sequence[tuple[intake.ObservationRow, int]]) -> dict[SeriesKey, list[Due]]:
    """The reported figures a batch stored, by series, in order of position."""
    figures: dict[SeriesKey, list[Due]] = {}
    for r, revision in new:
        figures.setdefault(r.series, []).append(Due(r.period, r.value, revision, r.derived, 0))
    for run in figures.values():
        run.sort(key=lambda due: due.period.end_month)
    return figures


def _appends(entry: Entry, figures: Sequence[Due], change: Change, targets: Targets) -> bool:
    """Whether a batch's figures in a series only append to its state: first revisions, one per
    position, all after the latest, the series' only change, and none of its targets settled by
    them."""
    ends = [due.period.end_month for due in figures]
    last = position(ends[-1])
    return (
        change.fresh == change.changed
        and len(change.changed) == len(figures)
        and len(set(ends)) == len(ends)
        and ends[0] > entry.latest_end
        and not any(settled(t, last) for _, t in targets)
    )


async def _judge(
    conn: AsyncConnection,
    catalog: Catalog,
    new: Sequence[tuple[intake.ObservationRow, int]],
    rolled: Mapping[PointKey, Current],
) -> tuple[states.Judged, int]:
    """Judges what the figures a batch stored can affect (see series.due_ends): on the kept
    state where the figures append to it (chiso_scoring.states), else on the series read back
    after the COPY (so that they include the batch), and keeps each series' new state. Returns
    what it judged and how many series were read back."""
    stored = changes(
        [(r.key, revision == 1) for r, revision in new]
        + [(key, c.revision == 1) for key, c in rolled.items()]
    )
    saved = await store.bump_versions(conn, stored.keys())
    targeted = {
        k: (c, targets) for k, c in stored.items() if (targets := catalog.targets_for(k[1], k[0]))
    }
    appending, reread = await _appending(catalog, targeted, saved, _appended(new))
    SERIES_JUDGED.labels("state").inc(len(appending))
    SERIES_JUDGED.labels("history").inc(len(reread))
    today = date.today()
    judged = states.Judged()
    # judged together, a slice of series a turn (chiso_core.turns)
    async for part in in_turns(_slices(appending, JUDGED_TOGETHER)):
        scored = score_appended([one for one, _ in part], catalog, today)
        for (one, reads), its in zip(part, scored, strict=True):
            judged.add(one.key, its, (one.figures[-1],), reads)
    reaches = {key: reach(catalog, key) for key in reread}

    def due(key: SeriesKey, ends: Sequence[int], spans: Sequence[int]) -> set[int] | None:
        return due_ends(ends, spans, reread[key], reaches[key])

    async for chunk in store.read_series(conn, reread, due):
        async for read_back in in_turns(by_points(chunk, JUDGED_TOGETHER)):
            judged.add_series(read_back, catalog, today)
    await store.keep_states(conn, judged.kept)
    return judged, len(reread)


async def _appending(
    catalog: Catalog,
    targeted: Mapping[SeriesKey, tuple[Change, Targets]],
    saved: dict[SeriesKey, bytes | None],
    appended: Mapping[SeriesKey, Sequence[Due]],
) -> tuple[list[tuple[Appending, tuple[object, ...]]], dict[SeriesKey, Change]]:
    """The series whose figures only append to their kept state, each with what its scores read
    of the catalog (scorer.judged_for), and the others: read back."""
    appending: list[tuple[Appending, tuple[object, ...]]] = []
    reread: dict[SeriesKey, Change] = {}
    async for key, (change, targets) in in_turns(targeted.items()):
        record = saved.pop(key)
        entry = None if record is None else states.decode(record)
        figures = appended.get(key)
        if entry is None or not figures or not _appends(entry, figures, change, targets):
            reread[key] = change
            continue
        reads = judged_for(catalog, key)
        ended = entry.ended if entry.judged_for == reads else None
        one = Appending(key, targets, entry.state, entry.latest, figures, ended)
        appending.append((one, reads))
    return appending, reread


@dataclass(frozen=True)
class Lane:
    """What one part of a batch (chiso_scoring.lanes) did."""

    stored: int
    unchanged: int
    derived: int
    judged: int
    read_back: int
    scores: int
    failures: list[str]


class ScoringPipeline:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        publisher: Publisher,
        catalog: CatalogCache,
        lanes: int = LANES,
    ) -> None:
        self.pool = pool
        self.publisher = publisher
        self.catalog = catalog
        self.lanes = lanes

    async def handle(self, records: Sequence[Record]) -> None:
        started = time.perf_counter()
        catalog = await self.catalog.get()
        rows: list[intake.ObservationRow] = []
        bad = []
        today = today_in_vietnam()  # one day for the whole batch, asked once
        async for record in in_turns(records):
            try:
                rows.append(intake.decode(record.value or b"", catalog, today))
            except intake.Invalid as e:
                bad.append(rejected("scoring", record, str(e)))
        # Every part runs to its end, even when another fails: a part cancelled between its
        # commit and its publishing would leave scores stored that are never published.
        done = await asyncio.gather(
            *(self._lane(catalog, part) for part in lanes_of(rows, catalog, self.lanes)),
            return_exceptions=True,
        )
        lanes = [outcome for outcome in done if isinstance(outcome, Lane)]
        for outcome in done:
            if isinstance(outcome, BaseException):
                raise outcome
        await self.publisher.publish_rejected(bad)
        _account(lanes, len(records), len(bad))
        BATCH_SECONDS.observe(time.perf_counter() - started)

    async def _lane(self, catalog: Catalog, rows: Sequence[intake.ObservationRow]) -> Lane:
        """One part of a batch: stored and judged in a transaction of its own, then its scores
        published. A part that fails leaves the others committed and published: the batch comes
        again, and what they stored is known (a replayed figure changes nothing)."""
        scores, lane = await self._store(catalog, rows)
        failpoints.hit("scoring.after_commit")
        messages = [
            message
            async for part in in_turns(_slices(scores))
            for message in to_messages(part, catalog)
        ]
        await self.publisher.publish(topics.SCORES, messages)
        return lane

    async def _store(
        self, catalog: Catalog, rows: Sequence[intake.ObservationRow]
    ) -> tuple[list[ScoreRow], Lane]:
        """A part stored and judged in one transaction: the scores that changed, and what the
        part did. A function of its own so that what the transaction held (the points looked
        up, the states read and kept, the revisions) is freed before the messages are made:
        a batch's peak of memory is one of the two, not both."""
        read = _points_read_by(rows, catalog)
        async with self.pool.connection() as conn, conn.transaction():
            # first, so that what this part reads stays true until it commits
            await store.lock_series(conn, {(j, i) for j, i, _ in read})
            known = await store.known_message_ids(conn, [r.message_id for r in rows])
            state = await store.points_at(conn, read)
            new, touched = assign_revisions(rows, known, state)
            await store.record_receipts(conn, {r.message_id for r in rows} - known)
            await store.copy_observations(conn, new)
            rolled = await _roll_up(conn, catalog, touched, state | touched)
            judged, read_back = await _judge(conn, catalog, new, rolled)
            scores = await store.upsert_scores(conn, judged.rows, judged.fresh)
            failpoints.hit("scoring.before_commit")
        return scores, Lane(
            len(new),
            len(rows) - len(new),
            len(rolled),
            len(judged.rows) + len(judged.fresh),
            read_back,
            len(scores),
            judged.failures,
        )


def _slices(items: Sequence[T], size: int = 500) -> list[Sequence[T]]:
    """Items in slices, each worked on in one turn (in_turns)."""
    return [items[k : k + size] for k in range(0, len(items), size)]


def _account(lanes: Sequence[Lane], records: int, bad: int) -> None:
    """A batch's counters and its log line, over its parts."""
    stored = sum(lane.stored for lane in lanes)
    failures = [f for lane in lanes for f in lane.failures]
    OBSERVATIONS.labels("stored").inc(stored)
    OBSERVATIONS.labels("unchanged").inc(sum(lane.unchanged for lane in lanes))
    OBSERVATIONS.labels("rejected").inc(bad)
    UNSCORED.inc(len(failures))
    for failure in failures:
        log.error("could not score", target=failure)
    log.info(
        "batch scored",
        records=records,
        lanes=len(lanes),
        stored=stored,
        derived=sum(lane.derived for lane in lanes),
        judged=sum(lane.judged for lane in lanes),
        read_back=sum(lane.read_back for lane in lanes),
        scores=sum(lane.scores for lane in lanes),
        rejected=bad,
    )
