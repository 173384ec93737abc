"""A series as scoring reads it: its curve on the year axis and the points a batch re-scores
(pure).

A figure changes more than its own period's score: the first figure can be the baseline, and
later methods read the series up to a period. So a batch re-scores every point of a touched
series from its earliest touched period on.

Points arrive as the database gives them, in compact parallel arrays (see store.read_series):
the end of each period as a month count (Period.end_month), its length in months, and its
latest revision. Only the points to score become Periods; the rest of the history stays
numbers.
"""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chiso_core.periods import Grain, Period
from chiso_scoring.intake import PointKey, SeriesKey
from chiso_scoring.methods import Point

_GRAIN_OF_SPAN = {1: Grain.MONTH, 3: Grain.QUARTER, 12: Grain.YEAR}


@functools.lru_cache(maxsize=65536)
def _position(end: int) -> float:
    # Period.end_year_fraction's own arithmetic, so that both give the same float
    year = (end - 1) // 12
    return year + (end - 12 * year) / 12


@functools.lru_cache(maxsize=65536)
def _period(end: int, span: int) -> Period:
    start = end - span
    return Period(start // 12, start % 12 + 1, _GRAIN_OF_SPAN[span])


@dataclass(frozen=True)
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


def build(
    key: SeriesKey,
    ends: Sequence[int],
    spans: Sequence[int],
    values: Sequence[float],
    revisions: Sequence[int],
    derived: Sequence[bool],
    score_from: int,
) -> Series:
    """`ends` ascending, the coarsest first where several are equal (a year's own figure is the
    official one); the points ending at or after `score_from` are due."""
    curve: list[Point] = []
    due: list[Due] = []
    last = None
    for k, end in enumerate(ends):
        if end != last:
            curve.append(Point(_position(end), values[k]))
            last = end
        if end >= score_from:
            due.append(Due(_period(end, spans[k]), values[k], revisions[k], derived[k], len(curve)))
    return Series(key, curve, due)


def first_touched(touched: Iterable[PointKey]) -> dict[SeriesKey, int]:
    """Each touched series and the end (Period.end_month) of its earliest touched period: the
    points to re-score start there."""
    first: dict[SeriesKey, int] = {}
    for jurisdiction, indicator, period in touched:
        end = period.end_month
        key = (jurisdiction, indicator)
        first[key] = min(end, first.get(key, end))
    return first
