"""Method 5, the target kinds: what each comparator asks of the figures."""

import pytest

from chiso_core.catalog import Comparator, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_scoring.methods.kinds import (
    TargetKind,
    aim,
    beyond_range,
    every_year,
    kind_of,
    meets,
    region,
    summarise,
)
from chiso_scoring.methods.projection import Region
from chiso_scoring.methods.series import Point

UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER
DUE = 2031.0


def target(
    comparator: Comparator,
    value: float | None = None,
    values: tuple[float, float] | None = None,
) -> Target:
    return Target(
        id="t",
        indicator="i",
        comparator=comparator,
        value=value,
        values=values,
        unit="percent",
        due_year=2030,
        quote="q",
    )


BETWEEN = target(Comparator.BETWEEN, values=(8.0, 10.0))
GROWTH = target(Comparator.GROWTH_GTE, 10.0)
COUNT = target(Comparator.COUNT_PER_YEAR_GTE, 3.0)
HDI = target(Comparator.MAINTAIN_GT, 0.7)
MILESTONE = target(Comparator.MILESTONE)
RANK = target(Comparator.LTE, 30.0)


@pytest.mark.parametrize(
    ("t", "kind"),
    [
        (RANK, TargetKind.LEVEL),
        (BETWEEN, TargetKind.RANGE),
        (GROWTH, TargetKind.GROWTH),
        (COUNT, TargetKind.COUNT_PER_YEAR),
        (HDI, TargetKind.MAINTAIN),
        (MILESTONE, TargetKind.MILESTONE),
    ],
)
def test_kinds(t: Target, kind: TargetKind) -> None:
    assert kind_of(t) is kind


def test_a_range_leads_to_its_near_edge() -> None:
    """Commercialisation 8–10 %: coming from below (higher is better) the path leads to 8; a
    lower-is-better range is approached from above, towards 10. Met within [8, 10]; 10.5 is
    past the far edge when higher is better."""
    base = Point(2025.0, 2.0)
    assert aim(BETWEEN, UP, base, DUE) == 8.0
    assert aim(BETWEEN, DOWN, base, DUE) == 10.0
    assert meets(BETWEEN, 8.0, 8.0)
    assert meets(BETWEEN, 10.0, 8.0)
    assert not meets(BETWEEN, 10.5, 8.0)
    assert beyond_range(BETWEEN, 10.5, UP)
    assert not beyond_range(BETWEEN, 7.0, UP)
    assert beyond_range(BETWEEN, 7.0, DOWN)
    assert region(BETWEEN, 8.0) == Region(low=8.0, high=10.0)


def test_growth_is_the_level_it_implies() -> None:
    """International publications +10 %/year from 100 in 2024 (2025.0) to 2030 (2031.0): an
    average growth of at least 10 % is reaching 100 · 1.1^6 = 177.1561 by then."""
    implied = aim(GROWTH, UP, Point(2025.0, 100.0), DUE)
    assert implied == pytest.approx(177.1561)
    assert meets(GROWTH, 180.0, implied)
    assert not meets(GROWTH, 170.0, implied)
    assert region(GROWTH, 177.1561) == Region(low=177.1561)


def test_growth_from_nothing_has_no_level() -> None:
    assert aim(GROWTH, UP, Point(2025.0, 0.0), DUE) is None
    assert not meets(GROWTH, 5.0, None)


def test_a_rank_target_is_a_level_lower_is_better() -> None:
    """ "Top 30" = rank ≤ 30: 30 meets it, 31 does not; success lies below 30."""
    assert aim(RANK, DOWN, Point(2025.0, 45.0), DUE) == 30.0
    assert meets(RANK, 30.0, 30.0)
    assert not meets(RANK, 31.0, 30.0)
    assert region(RANK, 30.0) == Region(high=30.0)


def test_milestone_is_done_at_one() -> None:
    assert aim(MILESTONE, UP, Point(2025.0, 0.0), DUE) is None
    assert meets(MILESTONE, 1.0, None)
    assert not meets(MILESTONE, 0.0, None)


def year_totals(points: list[Point], cadence: Cadence) -> list[Point]:
    """The complete years' totals, at the years' ends."""
    return [Point(y.year + 1.0, y.total) for y in summarise(points) if y.complete(cadence)]


def test_yearly_counts_are_the_yearly_figures() -> None:
    """Patents a year: the figures for 2025, 2026 (at 2026.0, 2027.0); a stray monthly figure
    (2027.5) is not a year's total."""
    points = [Point(2026.0, 4.0), Point(2027.0, 2.0), Point(2027.5, 1.0)]
    assert year_totals(points, Cadence.YEAR) == [Point(2026.0, 4.0), Point(2027.0, 2.0)]


def test_quarterly_counts_are_summed_once_the_year_is_complete() -> None:
    """2025's four quarters 1 + 0 + 1 + 2 = 4 make a total at 2026.0; 2026 has two quarters so
    far and no total yet."""
    quarters = [1.0, 0.0, 1.0, 2.0, 1.0, 1.0]
    points = [Point(2025.25 + 0.25 * i, v) for i, v in enumerate(quarters)]
    assert year_totals(points, Cadence.QUARTER) == [Point(2026.0, 4.0)]


def test_every_year_counts_from_after_the_stated_baseline() -> None:
    """≥ 3 patents a year; the plan's baseline is for 2024 (2025.0), so 2024's own figure is
    not judged: 2025 (4) met, 2026 (2) missed."""
    points = [Point(2025.0, 1.0), Point(2026.0, 4.0), Point(2027.0, 2.0)]
    years = every_year(COUNT, points, Cadence.YEAR, judge_after=2025.0)
    assert years.judged == (2025, 2026)
    assert years.missed == (2026,)
    assert years.latest == Point(2027.0, 2.0)


def test_maintain_judges_every_figure() -> None:
    """HDI > 0.7: 0.71 (2024), 0.70 (2025, not above), 0.72 (2026); no baseline in the plan,
    so every year is judged."""
    points = [Point(2025.0, 0.71), Point(2026.0, 0.70), Point(2027.0, 0.72)]
    years = every_year(HDI, points, Cadence.YEAR, judge_after=None)
    assert years.judged == (2024, 2025, 2026)
    assert years.missed == (2025,)
