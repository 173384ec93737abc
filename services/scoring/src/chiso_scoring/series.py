"""A series as scoring reads it: its curve on the year axis and the points a batch re-judges
(pure).

A figure changes more than its own period's score. A judgement at a point depends on the base
(the first figure, when the plan states none), the figures within the methods' look-back before
the point, the point itself, and, for the series' latest point only, today. So a batch
re-judges exactly what a change can reach (docs/scoring.md, "What a judgement depends on"):
- a change at the series' first position: every point (the base moved);
- otherwise the points from each changed figure up to `reach` months after it (every later
  point when `reach` is None: the every-year kinds read every year since the base);
- the previous latest point when a later one arrived: it was judged as of today, and is now
  judged as of the end of its own period.

Points arrive as the database gives them, in compact parallel arrays (see store.read_series):
the end of each period as a month count (Period.end_month), its length in months, and its
latest revision. Only the points to score become Periods; the rest of the history stays
numbers.
"""

import bisect
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from chiso_core.periods import Grain, Period
from chiso_scoring.intake import PointKey, SeriesKey
from chiso_scoring.methods import Point

_GRAIN_OF_SPAN = {1: Grain.MONTH, 3: Grain.QUARTER, 12: Grain.YEAR}


@functools.lru_cache(maxsize=65536)
def position(end: int) -> float:
    """The end of a period, as a month count (Period.end_month), on the year axis."""
    # Period.end_year_fraction's own arithmetic, so that both give the same float
    year = (end - 1) // 12
    return year + (end - 12 * year) / 12


@functools.lru_cache(maxsize=65536)
def _period(end: int, span: int) -> Period:
    start = end - span
    return Period(start // 12, start % 12 + 1, _GRAIN_OF_SPAN[span])


# not frozen, never assigned once built: one or more a figure (see methods.assess.Assessment)
@dataclass(slots=True, unsafe_hash=True)
class Due:
    """A point to score, and how much of the curve is its history."""

    period: Period
    value: float
    revision: int
    derived: bool
    history: int  # the curve's points up to and including this point's position


@dataclass(frozen=True)
class Series:
    key: SeriesKey
    curve: list[Point]  # one figure per position: where periods end together, the coarsest
    due: list[Due]
    latest: tuple[Due, ...]  # the points at the last position (judged as of today)


# not frozen, never assigned once built: one a series a batch (see methods.assess.Assessment)
@dataclass(slots=True, unsafe_hash=True)
class Change:
    """What one batch stored in one series: the figures it changed, as (end, span) in months,
    and of those the ones that did not exist before (a first revision)."""

    changed: frozenset[tuple[int, int]]
    fresh: frozenset[tuple[int, int]]


def changes(stored: Iterable[tuple[PointKey, bool]]) -> dict[SeriesKey, Change]:
    """The points a batch stored (`True`: the point's first revision), by series."""
    changed: dict[SeriesKey, set[tuple[int, int]]] = {}
    fresh: dict[SeriesKey, set[tuple[int, int]]] = {}
    for (jurisdiction, indicator, period), first in stored:
        figure = (period.end_month, period.end_month - (period.year * 12 + period.month - 1))
        changed.setdefault((jurisdiction, indicator), set()).add(figure)
        if first:
            fresh.setdefault((jurisdiction, indicator), set()).add(figure)
    return {
        key: Change(frozenset(figures), frozenset(fresh.get(key, ())))
        for key, figures in changed.items()
    }


def due_ends(
    ends: Sequence[int], spans: Sequence[int], change: Change, reach: float | None
) -> set[int] | None:
    """The ends (ascending `ends`) whose points a change re-judges; None: every point.
    `reach`: how many months after a figure the judgements read it (None: all later ones)."""
    starts = sorted({end for end, _ in change.changed})
    if starts[0] <= ends[0]:
        return None
    before = [e for e, s in zip(ends, spans, strict=True) if (e, s) not in change.fresh]
    due = {before[-1]} if before and before[-1] < ends[-1] else set()
    for end in ends:
        # the nearest changed figure at or before this end reaches the furthest
        nearest = bisect.bisect_right(starts, end) - 1
        if nearest >= 0 and (reach is None or end <= starts[nearest] + reach + _TOLERANCE):
            due.add(end)
    return due


_TOLERANCE = 1e-6  # months: a reach in years times 12 need not be a whole number


def build(
    key: SeriesKey,
    ends: Sequence[int],
    spans: Sequence[int],
    values: Sequence[float],
    revisions: Sequence[int],
    derived: Sequence[bool],
    due: set[int] | None,
) -> Series:
    """`ends` ascending, the coarsest first where several are equal (a year's own figure is the
    official one); the points ending at one of the `due` ends are due (None: all)."""
    curve: list[Point] = []
    points: list[Due] = []
    last = None
    for k, end in enumerate(ends):
        if end != last:
            curve.append(Point(position(end), values[k]))
            last = end
        if due is None or end in due:
            points.append(
                Due(_period(end, spans[k]), values[k], revisions[k], derived[k], len(curve))
            )
    latest = tuple(
        Due(_period(end, spans[k]), values[k], revisions[k], derived[k], len(curve))
        for k, end in enumerate(ends)
        if end == last
    )
    return Series(key, curve, points, latest)


def by_points(series: Sequence[Series], most: int) -> Iterator[list[Series]]:
    """Consecutive series whose due points add up to `most` at most (a series with more goes
    alone): the parts judged together, whose points and states are held together."""
    part: list[Series] = []
    points = 0
    for one in series:
        if part and points + len(one.due) > most:
            yield part
            part, points = [], 0
        part.append(one)
        points += len(one.due)
    if part:
        yield part
