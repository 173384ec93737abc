"""The figures the methods work on: points on the year axis, and what is read from them (pure).

A figure sits at the END of its period on the year axis (see chiso_core.periods): the year 2024
at 2025.0, the month 2025-06 at 2025.5, a due year 2030 at 2031.0.
"""

import functools
import itertools
import math
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from chiso_core.catalog.models import Cadence

# Two positions closer than this are the same position (a month is 0.083 years).
EPSILON = 1e-9

PERIOD_YEARS = {Cadence.MONTH: 1 / 12, Cadence.QUARTER: 1 / 4, Cadence.YEAR: 1.0}
PERIODS_PER_YEAR = {Cadence.MONTH: 12, Cadence.QUARTER: 4, Cadence.YEAR: 1}


class Point(NamedTuple):
    """A tuple, not a dataclass: series are read by the hundred thousand and a tuple is made
    several times faster (ordered like one: by position, then value)."""

    at: float  # position on the year axis: the end of the figure's period
    value: float


def ordered(series: Iterable[Point | tuple[float, float]]) -> tuple[Point, ...]:
    """The figures by position; two figures at one position are refused (one period, one
    current revision: the caller resolves revisions before scoring)."""
    points = sorted(p if isinstance(p, Point) else Point(float(p[0]), float(p[1])) for p in series)
    for earlier, later in itertools.pairwise(points):
        if later.at - earlier.at < EPSILON:
            raise ValueError(f"two figures at one position {later.at}")
    for p in points:
        if not (math.isfinite(p.at) and math.isfinite(p.value)):
            raise ValueError(f"a figure is not a finite number: {p}")
    return tuple(points)


def year_of(at: float) -> int:
    """The calendar year a period ending at `at` belongs to: 2025.0 → 2024, 2025.5 → 2025."""
    return math.ceil(at - EPSILON) - 1


@functools.lru_cache(maxsize=4096)
def axis_position(day: date) -> float:
    """A day on the year axis, in the months' twelfths the periods use: 2025-07-01 → 2025.5.
    Kept per day: every judgement asks it of today or of a period's end, the same few days."""
    days_in_month = (
        date(day.year + day.month // 12, day.month % 12 + 1, 1) - day.replace(day=1)
    ).days
    return day.year + (day.month - 1 + (day.day - 1) / days_in_month) / 12


def finite(value: float) -> float | None:
    """The value, or None when it left the floating-point range."""
    return value if math.isfinite(value) else None


def power(x: float, y: float) -> float | None:
    """x^y, or None when it leaves the floating-point range (growth rates over a short span
    can: a ratio of 1000 over a month is 1000^12)."""
    try:
        return finite(float(x**y))
    except (OverflowError, ZeroDivisionError):
        return None


def growth(current: float, base: float, t_current: float, t_base: float) -> float | None:
    """The compound annual growth rate from `base` at t_base to `current` at t_current:
    (current / base)^(1 / (t_current − t_base)) − 1 (sdg-build's growth_calculation); None
    outside the floating-point range."""
    try:
        return finite(float((current / base) ** (1 / (t_current - t_base)) - 1))
    except (OverflowError, ZeroDivisionError):
        return None
