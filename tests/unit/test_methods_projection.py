"""Method 4, the projection: a line fitted by weighted least squares, recent figures weighing
more, carried to the due date with a prediction interval."""

import math

import pytest

from chiso_scoring.methods import student_t
from chiso_scoring.methods.projection import (
    Region,
    fit,
    needed_annual_change,
    needed_annual_growth,
    probability_in,
    project,
    weights,
)
from chiso_scoring.methods.series import Point

THREE = [Point(2025.0, 10.0), Point(2026.0, 12.0), Point(2027.0, 13.0)]


def test_weights_halve_every_half_life() -> None:
    """Half-life 3 years: the latest weighs 1, three years older 1/2, six years 1/4."""
    assert weights([2019.0, 2022.0, 2025.0], 3.0) == pytest.approx([0.25, 0.5, 1.0])


def test_worked_example() -> None:
    """Figures 10, 12, 13 at 2025.0, 2026.0, 2027.0; half-life one year, so weights 1/4, 1/2, 1.
    With u = t − 2025: W = 7/4; ū = (0 + 1/2 + 2) / (7/4) = 10/7; ȳ = (2.5 + 6 + 13) / (7/4)
    = 86/7.
    S_uu = 1/4 · (10/7)² + 1/2 · (3/7)² + 1 · (4/7)² = (25 + 4.5 + 16) / 49 = 13/14;
    S_uy = 1/4 · (−10/7)(−16/7) + 1/2 · (−3/7)(−2/7) + (4/7)(5/7) = (40 + 3 + 20) / 49 = 9/7;
    slope = (9/7) / (13/14) = 18/13 = 1.384615 a year.
    At the due date 2031.0 (u = 6): ŷ = 86/7 + 18/13 · (6 − 10/7) = 1694/91 = 18.615385.
    Residuals −4/13, +4/13, −1/13: σ̂² = (1/4 · 16 + 1/2 · 16 + 1) / 169 / (3 − 2) = 1/13.
    se² = σ̂² · (1 + 1/W + (6 − 10/7)² / S_uu) = 1/13 · (1 + 4/7 + 14336/637) = 313/169,
    se = √313 / 13 = 1.360908; t(0.975, 1 df) = 12.706205: ŷ ± 17.29198 = [1.3234, 35.9074].
    P(figure ≥ 20) = F₁((18.615385 − 20) / 1.360908) = 1/2 + atan(−1.017420) / π = 0.247251.
    """
    line = fit(THREE, half_life=1.0)
    assert line is not None
    assert line.slope == pytest.approx(18 / 13)
    assert line.weight_sum == pytest.approx(7 / 4)
    assert line.s_tt == pytest.approx(13 / 14)
    assert line.sigma == pytest.approx(math.sqrt(1 / 13))
    result = project(THREE, 2031.0, Region(low=20.0), half_life=1.0)
    assert result is not None
    assert result.value == pytest.approx(1694 / 91)
    se = math.sqrt(313) / 13
    assert result.low == pytest.approx(1694 / 91 - 12.706205 * se, abs=1e-5)
    assert result.high == pytest.approx(1694 / 91 + 12.706205 * se, abs=1e-5)
    assert result.low == pytest.approx(1.3234, abs=1e-4)
    assert result.high == pytest.approx(35.9074, abs=1e-4)
    assert result.probability == pytest.approx(0.247251, abs=1e-6)
    assert result.probability == pytest.approx(
        0.5 + math.atan((1694 / 91 - 20) / se) / math.pi, abs=1e-12
    )


def test_recent_figures_weigh_more() -> None:
    """Flat at 10 for four years, then 14 and 18: with a half-life of one year the line
    follows the recent rise more closely than an almost unweighted fit does."""
    points = [Point(2021.0 + i, v) for i, v in enumerate([10.0, 10.0, 10.0, 10.0, 14.0, 18.0])]
    recent = fit(points, half_life=1.0)
    even = fit(points, half_life=1e9)
    assert recent is not None
    assert even is not None
    assert recent.slope > even.slope
    # equal weights are ordinary least squares: t̄ = 2023.5, ȳ = 12, S_tt = 17.5,
    # S_ty = 2.5·2 + 1.5·2 + 0.5·2 − 0.5·2 + 1.5·2 + 2.5·6 = 26, slope = 26 / 17.5
    assert even.slope == pytest.approx(26 / 17.5)


def test_two_figures_give_a_line_but_no_interval() -> None:
    """Through (2025, 10) and (2026, 12): slope 2, 10 + 2 · 6 = 22 at 2031.0; no degree of
    freedom is left for an interval or a probability."""
    result = project([Point(2025.0, 10.0), Point(2026.0, 12.0)], 2031.0, Region(low=20.0))
    assert result is not None
    assert result.value == pytest.approx(22.0)
    assert result.low is None
    assert result.probability is None


def test_one_position_gives_nothing() -> None:
    assert project([Point(2025.0, 10.0)], 2031.0, Region(low=20.0)) is None


def test_a_perfect_line_is_certain() -> None:
    """10, 12, 14: σ̂ = 0, the interval shrinks to the point 22, and 22 ≥ 20 for sure."""
    points = [Point(2025.0, 10.0), Point(2026.0, 12.0), Point(2027.0, 14.0)]
    result = project(points, 2031.0, Region(low=20.0))
    assert result is not None
    assert result.value == pytest.approx(22.0)
    assert result.low == pytest.approx(22.0)
    assert result.probability == 1.0
    missed = project(points, 2031.0, Region(low=25.0))
    assert missed is not None
    assert missed.probability == 0.0


def test_probability_of_a_range_and_of_lower_is_better() -> None:
    """Centre 9, se 1, 3 df: P(8 ≤ Y ≤ 10) = F(1) − F(−1); P(Y ≤ 10) = F(1)."""
    both = probability_in(Region(low=8.0, high=10.0), 9.0, 1.0, 3)
    assert both == pytest.approx(student_t.cdf(1.0, 3) - student_t.cdf(-1.0, 3))
    assert probability_in(Region(high=10.0), 9.0, 1.0, 3) == pytest.approx(student_t.cdf(1.0, 3))


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
