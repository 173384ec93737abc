"""Method 5, the target kinds beyond 'reach X by year': what a target asks of a figure (pure).

| kind | comparators | the level the path leads to (aim) | met by a figure when |
|---|---|---|---|
| level | gt, gte, lt, lte | the value (ranks: lte N, lower is better) | the comparator holds |
| range | between [l, h] | the near edge: l when higher is better, h when lower | l ≤ v ≤ h |
| growth | growth_gte g (%/year) | b · (1 + g/100)^(t_due − t_base), b > 0 | v ≥ that level |
| count per year | count_per_year_gte n | n, in every year | every year's total ≥ n |
| maintain | maintain_gt, maintain_gte x | x, in every year | every figure above x |
| milestone | milestone | done = 1 | v ≥ 1 (done) |

An average annual growth of at least g from the base b to the due date is the same as reaching
b · (1 + g)^(t_due − t_base) by then, so a growth target is judged as that level.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from chiso_core.catalog import Comparator, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_scoring.methods.projection import Region
from chiso_scoring.methods.series import EPSILON, PERIODS_PER_YEAR, Point, year_of

MILESTONE_DONE = 1.0


class TargetKind(StrEnum):
    LEVEL = "level"
    RANGE = "range"
    GROWTH = "growth"
    COUNT_PER_YEAR = "count_per_year"
    MAINTAIN = "maintain"
    MILESTONE = "milestone"


_KINDS = {
    Comparator.GT: TargetKind.LEVEL,
    Comparator.GTE: TargetKind.LEVEL,
    Comparator.LT: TargetKind.LEVEL,
    Comparator.LTE: TargetKind.LEVEL,
    Comparator.BETWEEN: TargetKind.RANGE,
    Comparator.GROWTH_GTE: TargetKind.GROWTH,
    Comparator.COUNT_PER_YEAR_GTE: TargetKind.COUNT_PER_YEAR,
    Comparator.MAINTAIN_GT: TargetKind.MAINTAIN,
    Comparator.MAINTAIN_GTE: TargetKind.MAINTAIN,
    Comparator.MILESTONE: TargetKind.MILESTONE,
}

# Kinds judged along a path from the base to the aim (the others hold a threshold every year,
# or are done or not).
ON_A_PATH = frozenset({TargetKind.LEVEL, TargetKind.RANGE, TargetKind.GROWTH})
EVERY_YEAR = frozenset({TargetKind.COUNT_PER_YEAR, TargetKind.MAINTAIN})


def kind_of(target: Target) -> TargetKind:
    return _KINDS[target.comparator]


def aim(target: Target, direction: Direction, base: Point, due_at: float) -> float | None:
    """The level a target leads to; None for a milestone, or for growth from a base ≤ 0."""
    kind = kind_of(target)
    if kind is TargetKind.MILESTONE:
        return None
    if kind is TargetKind.RANGE:
        assert target.values is not None
        low, high = target.values
        return low if direction is Direction.HIGHER_IS_BETTER else high
    assert target.value is not None
    if kind is TargetKind.GROWTH:
        if base.value <= 0:
            return None
        return float(base.value * (1 + target.value / 100) ** (due_at - base.at))
    return target.value


def region(target: Target, aim_value: float) -> Region:
    """Where a figure at the due date meets the target."""
    match target.comparator:
        case Comparator.LT | Comparator.LTE:
            return Region(high=aim_value)
        case Comparator.BETWEEN:
            assert target.values is not None
            return Region(low=target.values[0], high=target.values[1])
        case _:
            return Region(low=aim_value)


def meets(target: Target, value: float, aim_value: float | None) -> bool:
    """Whether one figure meets the target read as a level."""
    kind = kind_of(target)
    if kind is TargetKind.MILESTONE:
        return value >= MILESTONE_DONE
    if kind is TargetKind.GROWTH:
        return aim_value is not None and value >= aim_value
    return target.met_by(value)


def beyond_range(target: Target, value: float, direction: Direction) -> bool:
    """Past the far edge of a range (above 10 in 8–10 % when higher is better): the plan asks
    for no more than that."""
    if target.values is None:
        return False
    low, high = target.values
    return value > high if direction is Direction.HIGHER_IS_BETTER else value < low


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Years:
    """The years a count-per-year or maintain target was judged in, and those it missed."""

    judged: tuple[int, ...]
    missed: tuple[int, ...]
    latest: Point | None  # the last judged figure (a year's total for counts)


class YearSummary(NamedTuple):
    """What the every-year kinds read of one calendar year's figures: a fold of them. A tuple,
    as a Point is: a series' state is read from its record at every batch, and a tuple is built
    in a fifth of a frozen dataclass's time (chiso_scoring.states)."""

    year: int
    periods: int
    total: float  # summed in the figures' order, as sum() does
    lowest: float
    last: Point

    def complete(self, cadence: Cadence) -> bool:
        """All of the year's periods are in (a yearly figure sits at a year's end)."""
        if cadence is Cadence.YEAR:
            return self.periods == 1 and abs(self.last.at - round(self.last.at)) < EPSILON
        return self.periods == PERIODS_PER_YEAR[cadence]


def add(years: tuple[YearSummary, ...], p: Point) -> tuple[YearSummary, ...]:
    """The summaries with one more figure, later than every figure already in."""
    year = year_of(p.at)
    if years and years[-1].year == year:
        y = years[-1]
        summary = YearSummary(year, y.periods + 1, y.total + p.value, min(y.lowest, p.value), p)
        return (*years[:-1], summary)
    return (*years, YearSummary(year, 1, 0 + p.value, p.value, p))


def summarise(points: Sequence[Point]) -> tuple[YearSummary, ...]:
    """The summaries of figures ordered by position."""
    years: tuple[YearSummary, ...] = ()
    for p in points:
        years = add(years, p)
    return years


def judge_years(target: Target, years: Sequence[YearSummary], cadence: Cadence) -> Years:
    """Count per year: each complete year's total, at the year's end; maintain: each figure
    (a year misses when its lowest figure does: maintain targets are all 'above')."""
    if kind_of(target) is TargetKind.COUNT_PER_YEAR:
        totals = [Point(float(y.year + 1), y.total) for y in years if y.complete(cadence)]
        return Years(
            judged=tuple(year_of(p.at) for p in totals),
            missed=tuple(year_of(p.at) for p in totals if not target.met_by(p.value)),
            latest=totals[-1] if totals else None,
        )
    return Years(
        judged=tuple(y.year for y in years),
        missed=tuple(y.year for y in years if not target.met_by(y.lowest)),
        latest=years[-1].last if years else None,
    )


def every_year(
    target: Target, points: Sequence[Point], cadence: Cadence, judge_after: float | None
) -> Years:
    """The years judged and missed from figures ordered by position. Only figures after
    `judge_after` (the plan's stated baseline: the plan starts after it) count."""
    judged = [p for p in points if judge_after is None or p.at > judge_after + EPSILON]
    return judge_years(target, summarise(judged), cadence)
