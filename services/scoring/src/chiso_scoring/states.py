"""The series' states, kept in the database beside each series' version (migration 0016), in the
transaction that stores the figures they fold in.

A batch that appends figures after a series' latest point judges them on the state alone
(scorer.score_appended): nothing of the history is read. The state is trusted only when it is
the series' current one: each is tagged with the series' version (migration 0011) it was
written at, and every batch that stores figures in a series bumps that version under the
series' lock. A state one version behind the bumped one was written by the last batch that
stored figures in the series, whichever process ran it (a restart or a rebalance reads it like
any other); any other (a batch stored figures but kept no state: the series had no target) is
not used, and the series is read and its state built again from the history.

A state is kept as one small binary record (msgpack): the lookback window's figures and the
years' summaries as the state packs them (16 and 48 bytes each: copied, not unpacked, at every
batch), the latest points, their scores as of their own end, what those scores read of the
catalog and the projection's exact sum. A process keeps
none between batches: its memory does not grow with the series it serves. A record is tagged
with the methods' version that wrote it: what a state holds (the window's length, the scores
kept) is the methods', so after an upgrade each series is read back once, as a rescore would.
"""

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import msgpack

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_scoring.intake import SeriesKey
from chiso_scoring.methods import METHOD_VERSION
from chiso_scoring.methods.kinds import YearSummary
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.state import SeriesState
from chiso_scoring.scorer import Scored, ScoreRow, judged_for, score_series
from chiso_scoring.series import Due, Series

# the record's layout; a record of another layout, or written by another version of the
# methods, is not read (the series is read back). 2: the methods' version after the layout;
# 3: the window and the years packed, and the byte order they were packed in (a record from a
# machine of the other order is read back too).
LAYOUT = 3


# not frozen, never assigned once built: one a series a batch (see methods.assess.Assessment)
@dataclass(slots=True)
class Entry:
    lookback: float
    first: tuple[float, float]
    window: bytes  # packed: see SeriesState
    summaries: bytes
    year: YearSummary
    latest: tuple[Due, ...]  # the points at the series' last position
    # the latest points' scores as of their own end where they differ from the stored ones
    # (scorer.Scored.ended), and what they read of the catalog (scorer.judged_for)
    ended: tuple[ScoreRow, ...] | None = None
    judged_for: tuple[object, ...] = ()
    steps: int | None = None  # SeriesState.steps

    @property
    def state(self) -> SeriesState:
        first = _point(Point, self.first)
        year = self.year
        return SeriesState(first, self.window, self.summaries, year, self.lookback, self.steps)

    @property
    def latest_end(self) -> int:
        return self.latest[0].period.end_month


# tuple.__new__, not Point._make: a namedtuple's constructors are Python
_point = tuple.__new__


def _period(p: Period) -> tuple[str, int]:
    return str(p.grain), p.start.toordinal()


def _period_back(grain: str, start: int) -> Period:
    return Period.of(grain, date.fromordinal(start))


def _row(r: ScoreRow) -> tuple[object, ...]:
    return (
        r.plan_id,
        r.plan_revision,
        r.target_id,
        r.jurisdiction,
        r.indicator,
        *_period(r.period),
        r.due_year,
        r.actual,
        r.observation_revision,
        r.derived,
        str(r.status),
        r.figures,
        r.method,
        r.method_version,
    )


def _row_back(r: tuple) -> ScoreRow:  # type: ignore[type-arg]
    plan, revision, target, jurisdiction, indicator, grain, start, *rest = r
    due_year, actual, observation_revision, derived, status, figures, method, version = rest
    period = _period_back(grain, start)
    return ScoreRow(
        plan, revision, target, jurisdiction, indicator, period, due_year, actual,
        observation_revision, derived, Status(status), figures, method, version,
    )  # fmt: skip


def encode(
    state: SeriesState,
    latest: tuple[Due, ...],
    ended: tuple[ScoreRow, ...] | None,
    judged_for: tuple[object, ...],
) -> bytes:
    """A series' state as the record kept in the database."""
    steps = state.steps
    record: bytes = msgpack.packb(
        (
            LAYOUT,
            METHOD_VERSION,
            sys.byteorder,
            state.lookback,
            state.first,
            state.window,
            state.summaries,
            state.year,  # a tuple, whose last figure is a tuple too
            [(*_period(d.period), d.value, d.revision, d.derived, d.history) for d in latest],
            None if ended is None else [_row(r) for r in ended],
            judged_for,
            # an exact sum: a Python int of any size, kept as its two's complement bytes
            None if steps is None else steps.to_bytes(steps.bit_length() // 8 + 1, signed=True),
        )
    )
    return record


def decode(record: bytes) -> Entry | None:
    """The state kept in a record (None: a record of another layout, or one that cannot be
    read: the series is read back, rather than the batch failed again and again)."""
    try:
        return _decode(msgpack.unpackb(record, use_list=False))
    except (ValueError, TypeError, msgpack.UnpackException):
        return None


def _decode(record: tuple) -> Entry | None:  # type: ignore[type-arg]
    layout, version, order, *fields = record
    if layout != LAYOUT or version != METHOD_VERSION or order != sys.byteorder:
        return None
    lookback, first, window, summaries, (y, n, t, low, last), latest, ended, judged_for, steps = (
        fields
    )
    return Entry(
        lookback,
        first,
        window,
        summaries,
        _point(YearSummary, (y, n, t, low, _point(Point, last))),
        tuple(Due(_period_back(g, s), *rest) for g, s, *rest in latest),
        None if ended is None else tuple(map(_row_back, ended)),
        judged_for,
        None if steps is None else int.from_bytes(steps, signed=True),
    )


@dataclass
class Judged:
    """What judging series gives: the scores, what could not be scored, and each series' state
    to keep (the pipeline's batches and the rescore alike). A series' state is encoded as soon
    as it is judged, so that a batch holds thousands of small records rather than thousands of
    states as objects."""

    rows: list[ScoreRow] = field(default_factory=list)
    fresh: list[ScoreRow] = field(default_factory=list)  # see scorer.Scored
    failures: list[str] = field(default_factory=list)
    kept: dict[SeriesKey, bytes] = field(default_factory=dict)

    def add(
        self, key: SeriesKey, scored: Scored, latest: tuple[Due, ...], reads: tuple[object, ...]
    ) -> None:
        self.rows += scored.rows
        self.fresh += scored.fresh
        self.failures += scored.failures
        if scored.state is not None:
            self.kept[key] = encode(scored.state, latest, scored.ended, reads)

    def add_series(self, series: Sequence[Series], catalog: Catalog, today: date) -> None:
        """Series read back, judged at every due point together (scorer.score_series)."""
        for one, scored in zip(series, score_series(series, catalog, today), strict=True):
            self.add(one.key, scored, one.latest, judged_for(catalog, one.key))
