"""`assess`: every method for one target and jurisdiction, and the one status, end to end.

Positions on the year axis: a figure for year Y at Y + 1.0, a month at its end (2025-06 at
2025.5); a baseline "for 2024" at 2025.0; due in 2030 at 2031.0.
"""

from collections.abc import Sequence
from datetime import date

import pytest

from chiso_core.catalog import Baseline, Comparator, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.status import Status
from chiso_scoring.methods import (
    Assessment,
    PathShape,
    Point,
    StatCanCategory,
    TargetKind,
    UnsdCategory,
    assess,
)

UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER
YEAR = Cadence.YEAR


def target(
    comparator: Comparator = Comparator.GTE,
    value: float | None = 80.0,
    values: tuple[float, float] | None = None,
    due_year: int = 2030,
) -> Target:
    return Target(
        id="t",
        indicator="i",
        comparator=comparator,
        value=value,
        values=values,
        unit="percent",
        due_year=due_year,
        quote="q",
    )


def baseline(value: float, year: int = 2024) -> Baseline:
    return Baseline(indicator="i", value=value, year=year, quote="q")


def run(
    t: Target,
    series: Sequence[tuple[float, float]],
    base: Baseline | None = None,
    *,
    direction: Direction = UP,
    cadence: Cadence = YEAR,
    now: date | None = None,
    shape: PathShape | None = None,
) -> Assessment:
    latest = max((at for at, _ in series), default=2026.0)
    today = now or date(int(latest), 3, 1)
    return assess(t, direction, cadence, base, series, today, shape=shape)


def test_the_issue_example() -> None:
    """60 % in 2024 (the plan's baseline) → 63 % in 2025, "≥ 80 %" by 2030, higher is better.

    StatCan: ratio = 0.05 / 0.0491151 = 1.01802, substantial, score 2.98592;
    UNSD: x̂ = 63 · 1.05^5 = 80.40574, ratio = 1.020287, on track;
    path (straight): E(2026.0) = 60 + 20 · 1/6 = 63.3333, gap = −0.3333, progress 3/20 = 0.15;
    needed: (80 − 63) / 5 = 3.4 a year; projection through two figures: slope 3, at 2031.0
    63 + 3 · 5 = 78, no interval (no degree of freedom).
    Status: the StatCan ratio is the pace, 1.018 ≥ 0.95 → on_track (although the figure is a
    third of a point under the straight line: the required growth is compound)."""
    a = run(target(), [(2026.0, 63.0)], baseline(60.0))
    assert a.statcan_ratio == pytest.approx(1.01802, abs=1e-5)
    assert a.statcan_category is StatCanCategory.SUBSTANTIAL_PROGRESS
    assert a.statcan_score == pytest.approx(2.99, abs=5e-3)
    assert a.unsd_ratio == pytest.approx(1.020287, abs=1e-6)
    assert a.unsd_category is UnsdCategory.ON_TRACK
    assert a.expected == pytest.approx(63.3333, abs=1e-4)
    assert a.gap == pytest.approx(-1 / 3)
    assert a.progress == pytest.approx(0.15)
    assert a.needed_annual_change == pytest.approx(3.4)
    assert a.projection == pytest.approx(78.0)
    assert a.projection_low is None
    assert a.probability is None
    assert a.pace_source == "statcan"
    assert a.status is Status.ON_TRACK


def test_needs_acceleration() -> None:
    """Baseline 60 (2024); 63, 64, 67.5 in 2025–2027; "≥ 80" by 2030.
    StatCan from 60 (2025.0) to 67.5 (2028.0): ratio 0.815267 (moderate) → needs_acceleration;
    UNSD: x̂ = 67.5 · 1.125 = 75.9375, ratio 0.796875 (fair progress);
    path: E(2028.0) = 70, gap −2.5; needed (80 − 67.5) / 3 = 4.1667 a year, or
    (80 / 67.5)^(1/3) − 1 = 5.827 % a year; the projection has an interval (4 figures, 2 df)."""
    a = run(target(), [(2026.0, 63.0), (2027.0, 64.0), (2028.0, 67.5)], baseline(60.0))
    assert a.statcan_ratio == pytest.approx(0.815267, abs=1e-6)
    assert a.unsd_ratio == pytest.approx(0.796875)
    assert a.unsd_category is UnsdCategory.FAIR_PROGRESS
    assert a.gap == pytest.approx(-2.5)
    assert a.needed_annual_change == pytest.approx(12.5 / 3)
    assert a.needed_annual_growth == pytest.approx(0.0582674, abs=1e-6)
    assert a.projection is not None
    assert a.projection_low is not None
    assert a.projection_high is not None
    assert a.projection_low < a.projection < a.projection_high
    assert a.probability is not None
    assert 0 < a.probability < 1
    assert a.status is Status.NEEDS_ACCELERATION


def test_monthly_figures_in_the_first_year_fall_back_on_the_path() -> None:
    """Tam Đường, online public services "> 80" by 2030, no baseline in the plan: 40.0 in
    2025-01 (2025.0833, the base), 41.0 in 2025-06 (2025.5). Under a year apart: no StatCan
    ratio, no UNSD ratio. Straight path: E = 40 + 40 · 0.4167 / 5.9167 = 42.817,
    gap = −1.817; pace = (41 − 40) / (42.817 − 40) = 0.355 < 0.6 → off_track."""
    t = target(Comparator.GT)
    a = run(t, [(2025 + 1 / 12, 40.0), (2025.5, 41.0)], cadence=Cadence.MONTH)
    assert not a.base_stated
    assert a.statcan_ratio is None
    assert a.statcan_category is StatCanCategory.NOT_AVAILABLE
    assert a.unsd_ratio is None
    assert a.expected == pytest.approx(42.817, abs=1e-3)
    assert a.gap == pytest.approx(-1.817, abs=1e-3)
    assert a.pace == pytest.approx(0.355, abs=1e-3)
    assert a.pace_source == "path"
    assert a.status is Status.OFF_TRACK


def test_lower_is_better_rank() -> None:
    """PII rank 25th in 2024 (baseline), 22nd in 2025, "top 15" (≤ 15) by 2030: StatCan 1.47034
    (substantial), score 5 → on_track; path: E(2026.0) = 25 − 10/6 = 23.333, and 22 is
    1.333 better: gap +1.333."""
    a = run(target(Comparator.LTE, 15.0), [(2026.0, 22.0)], baseline(25.0), direction=DOWN)
    assert a.statcan_ratio == pytest.approx(1.47034, abs=1e-5)
    assert a.statcan_score == 5.0
    assert a.gap == pytest.approx(4 / 3)
    assert a.status is Status.ON_TRACK
    reached = run(target(Comparator.LTE, 15.0), [(2026.0, 15.0)], baseline(25.0), direction=DOWN)
    assert reached.status is Status.ACHIEVED


def test_between() -> None:
    """Commercialisation 8–10 %, from 4 (2024) to 5.5 (2025): the path leads to 8.
    StatCan with 8: CAGR_o = 0.375, CAGR_r = 2^(1/6) − 1 = 0.122462, ratio = 3.0622 → on_track.
    9 is in the range: achieved; 11 is past its far edge: off_track."""
    t = target(Comparator.BETWEEN, None, (8.0, 10.0))
    a = run(t, [(2026.0, 5.5)], baseline(4.0))
    assert a.aim == 8.0
    assert a.statcan_ratio == pytest.approx(0.375 / (2 ** (1 / 6) - 1))
    assert a.status is Status.ON_TRACK
    assert run(t, [(2026.0, 9.0)], baseline(4.0)).status is Status.ACHIEVED
    over = run(t, [(2026.0, 11.0)], baseline(4.0))
    assert over.status is Status.OFF_TRACK
    assert over.reason == "beyond the far edge of the range"


def test_growth() -> None:
    """Publications "+10 %/year" from 100 (2024) to 108 (2025): the implied level is
    100 · 1.1^6 = 177.1561 by 2030; StatCan: CAGR_o = 0.08, CAGR_r = 0.1, ratio 0.8 →
    needs_acceleration. The constant-growth path expects 110 at 2026.0: gap −2."""
    t = target(Comparator.GROWTH_GTE, 10.0)
    a = run(t, [(2026.0, 108.0)], baseline(100.0))
    assert a.kind is TargetKind.GROWTH
    assert a.path_shape is PathShape.CONSTANT_GROWTH
    assert a.aim == pytest.approx(177.1561)
    assert a.cagr_required == pytest.approx(0.1)
    assert a.statcan_ratio == pytest.approx(0.8)
    assert a.expected == pytest.approx(110.0)
    assert a.gap == pytest.approx(-2.0)
    assert a.status is Status.NEEDS_ACCELERATION


def test_growth_from_nothing() -> None:
    t = target(Comparator.GROWTH_GTE, 10.0)
    a = run(t, [(2026.0, 3.0)], baseline(0.0))
    assert a.aim is None
    assert a.status is Status.INSUFFICIENT_DATA


def test_count_per_year() -> None:
    """≥ 3 patents a year, plan baseline 2024: 4 in 2025 and 3 in 2026 → on_track (gap 0 in
    the latest year); 2 in 2027 → off_track, missed in 2027; ≥ 3 every year to 2030 →
    achieved. The trend methods do not apply (each year stands alone)."""
    t = target(Comparator.COUNT_PER_YEAR_GTE, 3.0)
    base = baseline(1.0)
    so_far = run(t, [(2026.0, 4.0), (2027.0, 3.0)], base)
    assert so_far.status is Status.ON_TRACK
    assert so_far.years_judged == (2025, 2026)
    assert so_far.gap == 0.0
    assert so_far.statcan_ratio is None
    assert so_far.statcan_category is None
    assert so_far.projection is None
    missed = run(t, [(2026.0, 4.0), (2027.0, 3.0), (2028.0, 2.0)], base)
    assert missed.status is Status.OFF_TRACK
    assert missed.years_missed == (2027,)
    done = run(t, [(2026.0 + i, 3.0 + i % 2) for i in range(6)], base)
    assert done.status is Status.ACHIEVED


def test_maintain() -> None:
    """HDI "> 0.7" every year, no baseline in the plan: 0.71, 0.72 → on_track; a 0.69 on the
    way → off_track for good (that year was missed); above 0.7 in every year through 2030 →
    achieved."""
    t = target(Comparator.MAINTAIN_GT, 0.7)
    assert run(t, [(2025.0, 0.71), (2026.0, 0.72)]).status is Status.ON_TRACK
    dip = run(t, [(2025.0, 0.71), (2026.0, 0.69), (2027.0, 0.73)])
    assert dip.status is Status.OFF_TRACK
    assert dip.years_missed == (2025,)
    kept = run(t, [(2025.0 + i, 0.71 + i / 100) for i in range(7)])
    assert kept.status is Status.ACHIEVED


def test_milestone() -> None:
    """Smart city in operation by 2030: not done in 2025 → on_track (not due); done → achieved,
    and stays achieved however old the figure; not done in the 2030 figure → off_track."""
    t = target(Comparator.MILESTONE, None)
    assert run(t, [(2026.0, 0.0)], cadence=YEAR).status is Status.ON_TRACK
    assert run(t, [(2026.0, 1.0)], now=date(2029, 1, 1)).status is Status.ACHIEVED
    assert run(t, [(2026.0, 0.0)], now=date(2029, 1, 1)).status is Status.STALE
    assert run(t, [(2026.0, 0.0), (2031.0, 0.0)]).status is Status.OFF_TRACK
    assert run(t, [(2026.0, 0.0)]).statcan_category is None


def test_stale() -> None:
    """Yearly figures for 2024 and 2025 (2025.0, 2026.0): the 2026 figure is expected by
    2026.0 + 1 + 0.5 = 2027.5 (2027-07-01); a day later the target is stale."""
    t = target()
    series = [(2025.0, 60.0), (2026.0, 62.0)]
    assert run(t, series, now=date(2027, 6, 30)).status is not Status.STALE
    assert run(t, series, now=date(2027, 7, 2)).status is Status.STALE


def test_no_figure() -> None:
    a = run(target(), [], baseline(60.0))
    assert a.status is Status.INSUFFICIENT_DATA
    assert a.latest_value is None


def test_one_figure() -> None:
    """The first figure is its own base: no trend, unless it already meets the target."""
    assert run(target(), [(2026.0, 63.0)]).status is Status.INSUFFICIENT_DATA
    assert run(target(), [(2026.0, 85.0)]).status is Status.ACHIEVED


def test_past_due() -> None:
    """The 2030 figure (2031.0) decides: 79 short of "≥ 80" → off_track, whatever the pace;
    a 2031 figure of 85 afterwards does not change a target "by 2030"."""
    series = [(2026.0, 63.0), (2031.0, 79.0)]
    a = run(target(), series, baseline(60.0))
    assert a.status is Status.OFF_TRACK
    assert a.projection is None
    assert a.needed_annual_change is None
    later = run(target(), [*series, (2032.0, 85.0)], baseline(60.0))
    assert later.status is Status.OFF_TRACK
    assert later.latest_value == 79.0
    assert run(target(), [(2026.0, 63.0), (2031.0, 80.0)], baseline(60.0)).status is (
        Status.ACHIEVED
    )


def test_zero_base_stagnation_is_not_deterioration() -> None:
    """ "At least 1 advanced enterprise" from none in 2024, none in 2025: StatCan's 0 → 0.001
    reads this as deterioration (ratio −0.462); the status does not rest on the stand-in and
    follows the path: pace (0 − 0) / (1/6 − 0) = 0 → off_track."""
    a = run(target(Comparator.GTE, 1.0), [(2026.0, 0.0)], baseline(0.0))
    assert a.statcan_category is StatCanCategory.DETERIORATION
    assert a.pace_source == "path"
    assert a.pace == 0.0
    assert a.status is Status.OFF_TRACK


def test_met_at_the_base_then_lost() -> None:
    """Baseline 90 already meets "> 80"; 75 a year later: deteriorating."""
    a = run(target(Comparator.GT), [(2026.0, 75.0)], baseline(90.0))
    assert a.status is Status.DETERIORATING


def test_deteriorating() -> None:
    """60 → 57: StatCan ratio −1.018 < 0 → deteriorating."""
    a = run(target(), [(2026.0, 57.0)], baseline(60.0))
    assert a.status is Status.DETERIORATING


def test_negative_values() -> None:
    """A balance from −10 (2024) to −8 (2025), higher is better, "≥ −2" by 2030: StatCan with
    the base's sign, ratio 0.850067 → needs_acceleration."""
    a = run(target(Comparator.GTE, -2.0), [(2026.0, -8.0)], baseline(-10.0))
    assert a.statcan_ratio == pytest.approx(0.850067, abs=1e-6)
    assert a.status is Status.NEEDS_ACCELERATION


def test_the_path_shape_can_be_chosen() -> None:
    """Base 50, target 200 by 2030, 90 at 2028.0: the straight line expects 125, the
    constant-growth path 50 · 4^(1/2) = 100."""
    series = [(2028.0, 90.0)]
    straight = run(target(value=200.0), series, baseline(50.0))
    curved = run(target(value=200.0), series, baseline(50.0), shape=PathShape.CONSTANT_GROWTH)
    assert straight.expected == pytest.approx(125.0)
    assert curved.expected == pytest.approx(100.0)
    zero = run(target(value=200.0), series, baseline(0.0), shape=PathShape.CONSTANT_GROWTH)
    assert zero.path_shape is PathShape.LINEAR  # no growth path from 0


def test_two_figures_at_one_position_are_refused() -> None:
    with pytest.raises(ValueError, match="two figures at one position"):
        run(target(), [(2026.0, 63.0), (2026.0, 64.0)])


def test_points_and_tuples_are_both_accepted() -> None:
    a = assess(target(), UP, YEAR, None, [Point(2025.0, 60.0), (2026.0, 63.0)], date(2026, 3, 1))
    assert a.latest_value == 63.0
