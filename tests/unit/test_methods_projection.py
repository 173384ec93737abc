"""Method 4, the projection: a random walk with drift whose trend is itself uncertain, carried to
the due date with an interval that widens with the horizon.

The issue's cases are judged through `assess` on a monthly series, target ≥ 80 by 2030 (due at
2031.0), no stated baseline: the first figure, 40 for 2025-01 (at 2025 + 1/12), is the base; 18
months later (2026-07, at 2026.5833) the figures end. The straight path needs (80 − 40) / (2031 −
2025.0833) = 6.76 a year. The noise is ±sd alternately (+sd on the base and on the latest
figure, so it leaves the drift alone and the sums can be done by hand).
"""

import math
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import t as student_t

from chiso_core.catalog import Comparator, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_scoring.methods import assess
from chiso_scoring.methods.projection import (
    TREND_SPREAD,
    Region,
    drift,
    exact,
    needed_annual_change,
    needed_annual_growth,
    probability_in,
    project,
    rounded,
    window,
)
from chiso_scoring.methods.series import Point

THREE = [Point(2025.0, 10.0), Point(2026.0, 12.0), Point(2027.0, 13.0)]
TARGET = Target(
    id="t",
    indicator="i",
    comparator=Comparator.GTE,
    value=80.0,
    unit="percent",
    due_year=2030,
    quote="q",
)


def monthly(rate: float, sd: float, months: int = 18) -> list[Point]:
    """40 at 2025-01, then `rate` a year, ±sd alternately from +sd (even months)."""
    return [
        Point(2025 + (1 + i) / 12, 40 + rate * i / 12 + sd * (-1) ** i) for i in range(months + 1)
    ]


def chance(points: list[Point]) -> float:
    a = assess(TARGET, Direction.HIGHER_IS_BETTER, Cadence.MONTH, None, points, date(2026, 8, 1))
    assert a.probability is not None
    return a.probability


def test_worked_example() -> None:
    """10, 12, 13 at 2025.0, 2026.0, 2027.0, target ≥ 20 at 2031.0.
    Span S = 2, rise 3: drift μ̂ = 1.5 a year. Σ Δy²/Δt = 4 + 1 = 5; σ̂² = (5 − 3²/2) / (2 − 1)
    = 0.5 a year. Horizon H = 4: centre 13 + 1.5 · 4 = 19.
    V = 0.5 · (4 + 16/2) + (0.25 · 1.5 · 4)² = 6 + 2.25 = 8.25, √V = 2.872281.
    t(0.975, 1 df) = 12.706205: 19 ± 36.496 = [−17.496, 55.496].
    P(figure ≥ 20) = 1 − F₁(1 / 2.872281) = 1/2 − atan(0.348155) / π = 1/2 − 0.335031 / π
    = 0.393356."""
    state = drift(THREE)
    assert state is not None
    assert (state.slope, state.squares, state.step_variance) == pytest.approx((1.5, 5.0, 0.5))
    result = project(THREE, 2031.0, Region(low=20.0))
    assert result is not None
    assert result.value == pytest.approx(19.0)
    sd = math.sqrt(8.25)
    assert result.low == pytest.approx(19 - 12.706205 * sd, abs=1e-5)
    assert result.high == pytest.approx(19 + 12.706205 * sd, abs=1e-5)
    assert result.probability == pytest.approx(0.5 - math.atan(1 / sd) / math.pi, abs=1e-12)
    assert result.probability == pytest.approx(0.393356, abs=1e-6)


def test_a_noisy_series_a_little_behind() -> None:
    """+6.0 a year where 6.76 is needed. Latest 40 + 9 + sd at 2026.5833, base 40 + sd: the drift
    is 9 / 1.5 = 6 a year and the centre (49 + sd) + 6 · 4.4167 = 75.5 + sd, short of 80.
    sd 0.05: increments 0.5 ∓ 0.1 (0.4 and 0.6, nine each) over 1/12: Σ = 12 · 9 · (0.16 + 0.36)
    = 56.16, minus 9² / 1.5 = 54: σ̂² = 2.16 / 17 = 0.127; V = 0.127 · (4.4167 + 13.005) +
    (0.25 · 6 · 4.4167)² = 2.21 + 43.89 = 46.1, √V = 6.79: P = P(T₁₇ > 4.45 / 6.79) ≈ 0.26.
    sd 2: increments 0.5 ∓ 4 (−3.5 and 4.5): Σ = 12 · 9 · (12.25 + 20.25) = 3510, minus 54:
    σ̂² = 203.3; V = 203.3 · 17.42 + 43.89 = 3585, √V = 59.9: P = P(T₁₇ > 2.5 / 59.9) ≈ 0.48.
    Either way below even odds and far from hopeless (the old regression said 3.7 % and 1e-16)."""
    smooth, noisy = chance(monthly(6.0, 0.05)), chance(monthly(6.0, 2.0))
    assert smooth == pytest.approx(float(student_t.sf(4.45 / math.sqrt(46.1), 17)), abs=2e-3)
    assert noisy == pytest.approx(float(student_t.sf(2.5 / math.sqrt(3585), 17)), abs=2e-3)
    for p in (smooth, noisy):
        assert 0.05 < p < 0.5


def test_on_its_path_is_even_odds() -> None:
    """At 6.76 a year the centre is 40 + sd + 6.76 · 5.9167 = 80 + sd: P a little above 1/2,
    never far from it (sd 0.05: 0.05 / 6.79 ≈ 0.007 of a spread, P ≈ 0.50)."""
    for sd in (0.05, 0.5, 2.0):
        assert chance(monthly(40 / (2031 - 2025 - 1 / 12), sd)) == pytest.approx(0.5, abs=0.03)


def test_far_ahead_and_far_behind() -> None:
    """Far ahead, +10 a year (sd 0.05): centre 40 + 0.05 + 10 · 5.9167 = 99.2, √V ≈ 0.25 · 10 ·
    4.4167 = 11.0: 19.2 / 11 = 1.74 spreads above 80, P ≈ 0.95 > 0.9.
    Far behind, +2 a year: centre 51.9, √V ≈ 2.2: 28 / 2.2 ≈ 13 spreads below, P ≈ 0 < 0.1."""
    assert chance(monthly(10.0, 0.05)) > 0.9
    assert chance(monthly(2.0, 0.05)) < 0.1
    assert chance(monthly(2.0, 0.5)) < 0.1


noise = st.lists(st.floats(min_value=-1, max_value=1), min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(
    noise,
    st.floats(min_value=-10, max_value=10),
    st.floats(min_value=0, max_value=5),
    st.floats(min_value=1, max_value=4),
    st.floats(min_value=30, max_value=120),
)
def test_more_noise_never_makes_p_more_extreme(
    e: list[float], rate: float, small: float, factor: float, aim: float
) -> None:
    """The scatter between the base and the latest figure, times a larger factor, moves P
    toward 1/2, never away: the centre stays (it rests on the two ends) and σ̂² grows with the
    square of the factor (Σ Δe = 0 leaves no cross term)."""
    shape = [0.0, *e, 0.0]

    def p(scale: float) -> float:
        points = [Point(2025 + i / 4, 40 + rate * i / 4 + scale * x) for i, x in enumerate(shape)]
        result = project(points, 2031.0, Region(low=aim))
        assert result is not None
        assert result.probability is not None
        return result.probability

    assert abs(p(small * factor) - 0.5) <= abs(p(small) - 0.5) + 1e-9


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=-100, max_value=100), min_size=3, max_size=20),
    st.floats(min_value=0, max_value=10),
    st.floats(min_value=0, max_value=10),
)
def test_a_longer_horizon_never_narrows_the_interval(
    values: list[float], near: float, further: float
) -> None:
    points = [Point(2020.0 + i, v) for i, v in enumerate(values)]
    latest = points[-1].at
    a = project(points, latest + near, None)
    b = project(points, latest + near + further, None)
    assert a is not None
    assert b is not None
    assert a.low is not None
    assert a.high is not None
    assert b.low is not None
    assert b.high is not None
    assert b.high - b.low >= (a.high - a.low) * (1 - 1e-12)


def test_only_the_lookback_and_the_base_are_read() -> None:
    """A figure older than the lookback before the latest changes nothing; the base always
    counts."""
    recent = [Point(2030.0 + i, 50.0 + 2 * i) for i in range(4)]
    base = Point(2010.0, 10.0)
    odd = Point(2015.0, 90.0)
    assert window([base, odd, *recent], 10.0) == (base, *recent)
    assert project([base, odd, *recent], 2040.0, None) == project([base, *recent], 2040.0, None)


def test_two_figures_give_a_centre_but_no_interval() -> None:
    """Through (2025, 10) and (2026, 12): drift 2, 12 + 2 · 5 = 22 at 2031.0; no degree of
    freedom is left for an interval or a probability."""
    result = project([Point(2025.0, 10.0), Point(2026.0, 12.0)], 2031.0, Region(low=20.0))
    assert result is not None
    assert result.value == pytest.approx(22.0)
    assert result.low is None
    assert result.probability is None


def test_one_position_gives_nothing() -> None:
    assert project([Point(2025.0, 10.0)], 2031.0, Region(low=20.0)) is None


def test_a_perfect_line_is_not_certain() -> None:
    """10, 12, 14: σ̂ = 0, but the trend itself is uncertain: √V = 0.25 · 2 · 4 = 2 around 22.
    P(≥ 20) = F₁(1) = 3/4; P(≥ 25) = 1 − F₁(1.5) = 1/2 − atan(1.5)/π = 0.187167. A flat line
    (no drift, no scatter) is certain."""
    points = [Point(2025.0, 10.0), Point(2026.0, 12.0), Point(2027.0, 14.0)]
    assert TREND_SPREAD == 0.25
    met = project(points, 2031.0, Region(low=20.0))
    assert met is not None
    assert met.value == pytest.approx(22.0)
    assert met.probability == pytest.approx(0.75)
    missed = project(points, 2031.0, Region(low=25.0))
    assert missed is not None
    assert missed.probability == pytest.approx(0.5 - math.atan(1.5) / math.pi)
    flat = project([Point(2025.0 + i, 7.0) for i in range(3)], 2031.0, Region(low=7.5))
    assert flat is not None
    assert (flat.low, flat.high, flat.probability) == (7.0, 7.0, 0.0)


def test_probability_of_a_range_and_of_lower_is_better() -> None:
    """Centre 9, sd 1, 3 df: P(8 ≤ Y ≤ 10) = F(1) − F(−1); P(Y ≤ 10) = F(1); P(Y ≥ 8) = F(1)."""
    f1 = float(student_t.cdf(1.0, 3))
    assert probability_in(Region(low=8.0, high=10.0), 9.0, 1.0, 3) == pytest.approx(2 * f1 - 1)
    assert probability_in(Region(high=10.0), 9.0, 1.0, 3) == pytest.approx(f1)
    assert probability_in(Region(low=8.0), 9.0, 1.0, 3) == pytest.approx(f1)


def test_needed_annual_change() -> None:
    """63 at 2026.0, 80 due at 2031.0: (80 − 63) / 5 = 3.4 a year, or a growth of
    (80 / 63)^(1/5) − 1 = 4.894 % a year."""
    latest = Point(2026.0, 63.0)
    assert needed_annual_change(latest, 80.0, 2031.0) == pytest.approx(3.4)
    assert needed_annual_growth(latest, 80.0, 2031.0) == pytest.approx(0.0489382, abs=1e-7)


def test_nothing_is_needed_once_due() -> None:
    latest = Point(2031.0, 63.0)
    assert needed_annual_change(latest, 80.0, 2031.0) is None
    assert needed_annual_growth(latest, 80.0, 2031.0) is None
    assert needed_annual_growth(Point(2026.0, 0.0), 80.0, 2031.0) is None


@settings(max_examples=500, deadline=None)
@given(st.floats(), st.floats(allow_nan=False, allow_infinity=False))
def test_a_term_is_kept_exactly_in_units_of_the_smallest_float(term: float, other: float) -> None:
    """`exact` is the term as a whole number of 2^-1074 (every finite float is one), so that
    terms kept, added and taken out give math.fsum's sum (`rounded`); None for what is not
    finite."""
    kept = exact(term)
    if not math.isfinite(term):
        assert kept is None
        return
    assert kept is not None
    assert Fraction(kept, 1 << 1074) == Fraction(term)
    both = rounded(kept + (exact(other) or 0))
    if both is not None:  # None: near the float's range, summed by math.fsum instead
        assert both == math.fsum((term, other))
