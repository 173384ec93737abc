"""The Statistics Canada / Open SDG progress measure, as open-sdg/sdg-build computes it.

Positions are on chiso's year axis (a figure for year Y at Y + 1.0): differences of positions
are sdg-build's differences of years, so "60 in 2024, 63 in 2025, 80 by 2030" is base at
2025.0, current at 2026.0, due at 2031.0: one year observed, six years required.
"""

import inspect

import pytest

from chiso_core.catalog import Direction
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.statcan import (
    StatCanCategory,
    category,
    progress_measure,
    score,
)

UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER


def test_the_issue_example_is_substantial_progress() -> None:
    """60 % in 2024 → 63 % in 2025, target 80 % by 2030, higher is better.

    CAGR_o = (63 / 60)^(1/1) − 1 = 0.05
    CAGR_r = (80 / 60)^(1/6) − 1 = e^(ln(4/3) / 6) − 1 = e^(0.287682 / 6) − 1
           = e^0.0479470 − 1 = 0.0491151
    ratio  = (+1) · (+1) · 0.05 / 0.0491151 = 1.01802        ≥ 0.95: substantial progress
    score  = min(7.1429 · 1.01802 − 4.2857, 5) = 7.27162 − 4.2857 = 2.98592 ≈ 2.99
    """
    result = progress_measure(Point(2025.0, 60.0), Point(2026.0, 63.0), 80.0, 2031.0, UP)
    assert result.cagr_observed == pytest.approx(0.05)
    assert result.cagr_required == pytest.approx(0.0491151, abs=1e-7)
    assert result.ratio == pytest.approx(1.018, abs=5e-4)
    assert result.ratio == pytest.approx(1.01802, abs=1e-5)
    assert result.category is StatCanCategory.SUBSTANTIAL_PROGRESS
    assert result.score == pytest.approx(2.99, abs=5e-3)
    assert result.score == pytest.approx(2.98592, abs=1e-4)
    assert not result.target_achieved


def test_moderate_progress() -> None:
    """60 in 2024 → 67.5 in 2027 (three years), target 80 by 2030.

    CAGR_o = (67.5 / 60)^(1/3) − 1 = 1.125^(1/3) − 1 = 0.0400419
    ratio  = 0.0400419 / 0.0491151 = 0.815267                0.6 ≤ ratio < 0.95: moderate
    score  = 7.1429 · 0.815267 − 4.2857 = 5.82338 − 4.2857 = 1.53768
    """
    result = progress_measure(Point(2025.0, 60.0), Point(2028.0, 67.5), 80.0, 2031.0, UP)
    assert result.ratio == pytest.approx(0.815267, abs=1e-6)
    assert result.category is StatCanCategory.MODERATE_PROGRESS
    assert result.score == pytest.approx(1.53768, abs=1e-4)


def test_limited_progress() -> None:
    """60 → 61 in one year, target 80 by 2030.

    CAGR_o = 61 / 60 − 1 = 0.0166667;  ratio = 0.0166667 / 0.0491151 = 0.339339  (limited)
    score  = max(4.1667 · 0.339339 − 2.5, −5) = 1.41393 − 2.5 = −1.08607
    """
    result = progress_measure(Point(2025.0, 60.0), Point(2026.0, 61.0), 80.0, 2031.0, UP)
    assert result.ratio == pytest.approx(0.339339, abs=1e-6)
    assert result.category is StatCanCategory.LIMITED_PROGRESS
    assert result.score == pytest.approx(-1.08607, abs=1e-4)


def test_deterioration_is_scored_down_to_minus_five() -> None:
    """60 → 57 in one year: CAGR_o = −0.05, ratio = −0.05 / 0.0491151 = −1.01802 < 0.
    score = max(4.1667 · (−1.01802) − 2.5, −5) = max(−6.7418, −5) = −5."""
    result = progress_measure(Point(2025.0, 60.0), Point(2026.0, 57.0), 80.0, 2031.0, UP)
    assert result.ratio == pytest.approx(-1.01802, abs=1e-5)
    assert result.category is StatCanCategory.DETERIORATION
    assert result.score == -5.0


def test_lower_is_better_a_rank() -> None:
    """A rank, lower is better: 25th in 2024 → 22nd in 2025, target "top 15" (≤ 15) by 2030.

    CAGR_o = 22 / 25 − 1 = −0.12
    CAGR_r = (15 / 25)^(1/6) − 1 = e^(ln 0.6 / 6) − 1 = e^(−0.0851376) − 1 = −0.0816136
    ratio  = sign (+1) · direction (−1) · (−0.12) / |−0.0816136| = 1.47034   (substantial)
    score  = min(7.1429 · 1.47034 − 4.2857, 5) = min(6.2168, 5) = 5
    """
    result = progress_measure(Point(2025.0, 25.0), Point(2026.0, 22.0), 15.0, 2031.0, DOWN)
    assert result.ratio == pytest.approx(1.47034, abs=1e-5)
    assert result.category is StatCanCategory.SUBSTANTIAL_PROGRESS
    assert result.score == 5.0


def test_target_achieved_scores_five_and_is_not_strict() -> None:
    """sdg-build's is_target_achieved: current ≥ target when direction is positive, so 80
    meets a target of 80; the score is then 5 whatever the ratio (here 80/60 − 1 = 0.3333 /
    0.0491151 = 6.79)."""
    result = progress_measure(Point(2025.0, 60.0), Point(2026.0, 80.0), 80.0, 2031.0, UP)
    assert result.target_achieved
    assert result.category is StatCanCategory.TARGET_ACHIEVED
    assert result.score == 5.0
    assert result.ratio == pytest.approx((80 / 60 - 1) / 0.0491151, rel=1e-5)


def test_target_achieved_even_without_a_ratio() -> None:
    """One figure (the base is the current figure): no ratio, but a current value meeting the
    target is target_achieved with score 5, as in sdg-build (is_target_achieved and get_score
    look at the current value before the progress value)."""
    lone = Point(2025.0, 12.0)
    result = progress_measure(lone, lone, 10.0, 2031.0, DOWN)
    assert result.ratio is None
    assert not result.target_achieved
    assert result.category is StatCanCategory.NOT_AVAILABLE
    assert result.score is None
    met = progress_measure(Point(2025.0, 9.0), Point(2025.0, 9.0), 10.0, 2031.0, DOWN)
    assert met.ratio is None
    assert met.category is StatCanCategory.TARGET_ACHIEVED
    assert met.score == 5.0


def test_fewer_than_two_distinct_years_is_not_available() -> None:
    """sdg-build: `if self.current_year - self.base_year < 1: ... return None` — half a year
    of monthly figures (2025.0 → 2025.5) is not enough; exactly one year is."""
    half = progress_measure(Point(2025.0, 60.0), Point(2025.5, 62.0), 80.0, 2031.0, UP)
    assert half.ratio is None
    assert half.category is StatCanCategory.NOT_AVAILABLE
    assert half.score is None
    one = progress_measure(Point(2025.0, 60.0), Point(2026.0, 62.0), 80.0, 2031.0, UP)
    assert one.ratio is not None


def test_a_base_of_zero_is_replaced_by_0_001() -> None:
    """No enterprise in 2024, none in 2025, target ≥ 1 by 2030. sdg-build replaces the base 0
    by 0.001:
    CAGR_o = (0 / 0.001)^1 − 1 = −1;  CAGR_r = (1 / 0.001)^(1/6) − 1 = 10^(1/2) − 1 = 2.16228
    ratio = −1 / 2.16228 = −0.462475: deterioration, though nothing moved;
    score = 4.1667 · (−0.462475) − 2.5 = −4.42699.
    (This is why the status does not rest on a ratio computed with the stand-in.)"""
    result = progress_measure(Point(2025.0, 0.0), Point(2026.0, 0.0), 1.0, 2031.0, UP)
    assert result.substituted
    assert result.ratio == pytest.approx(-0.462475, abs=1e-6)
    assert result.category is StatCanCategory.DETERIORATION
    assert result.score == pytest.approx(-4.42699, abs=1e-4)


def test_a_target_of_zero_is_replaced_by_0_001() -> None:
    """Lower is better, 10 in 2024 → 5 in 2025, target 0 by 2030 → 0.001:
    CAGR_o = 5/10 − 1 = −0.5;  CAGR_r = (0.001/10)^(1/6) − 1 = 10^(−2/3) − 1 = −0.784557
    ratio = (+1)(−1)(−0.5) / 0.784557 = 0.637302 (moderate);
    score = 7.1429 · 0.637302 − 4.2857 = 0.26648."""
    result = progress_measure(Point(2025.0, 10.0), Point(2026.0, 5.0), 0.0, 2031.0, DOWN)
    assert result.substituted
    assert result.ratio == pytest.approx(0.637302, abs=1e-6)
    assert result.category is StatCanCategory.MODERATE_PROGRESS
    assert result.score == pytest.approx(0.26648, abs=1e-4)


def test_negative_values_take_the_sign_of_the_base() -> None:
    """A net balance, higher is better: −10 in 2024 → −8 in 2025, target −2 by 2030.
    sign = −1 (base < 0); CAGR_o = (−8 / −10) − 1 = −0.2;
    CAGR_r = (−2 / −10)^(1/6) − 1 = e^(ln 0.2 / 6) − 1 = e^(−0.268240) − 1 = −0.235276;
    ratio = (−1)(+1)(−0.2) / 0.235276 = 0.850067 (moderate)."""
    result = progress_measure(Point(2025.0, -10.0), Point(2026.0, -8.0), -2.0, 2031.0, UP)
    assert result.ratio == pytest.approx(0.850067, abs=1e-6)
    assert result.category is StatCanCategory.MODERATE_PROGRESS


def test_base_and_current_of_opposite_signs_are_not_available() -> None:
    """sdg-build: "Base value and current value must both be positive or both negative"."""
    result = progress_measure(Point(2025.0, -5.0), Point(2026.0, 3.0), 10.0, 2031.0, UP)
    assert result.ratio is None
    assert result.category is StatCanCategory.NOT_AVAILABLE


@pytest.mark.parametrize(
    ("base", "target"),
    [
        (5.0, -2.0),  # target and base of opposite signs: sdg-build gets NaN or a complex number
        (60.0, 60.0),  # target = base: CAGR_r = 0, a division by zero in sdg-build
    ],
)
def test_cases_sdg_build_leaves_undefined_are_not_available(base: float, target: float) -> None:
    result = progress_measure(Point(2025.0, base), Point(2026.0, 4.0), target, 2031.0, DOWN)
    assert result.ratio is None
    assert result.category in (StatCanCategory.NOT_AVAILABLE, StatCanCategory.TARGET_ACHIEVED)


def test_the_direction_has_no_default() -> None:
    """sdg-build defaults to "negative"; here the catalog must always say."""
    parameter = inspect.signature(progress_measure).parameters["direction"]
    assert parameter.default is inspect.Parameter.empty


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.95, StatCanCategory.SUBSTANTIAL_PROGRESS),
        (0.9499, StatCanCategory.MODERATE_PROGRESS),
        (0.6, StatCanCategory.MODERATE_PROGRESS),
        (0.5999, StatCanCategory.LIMITED_PROGRESS),
        (0.0, StatCanCategory.LIMITED_PROGRESS),
        (-0.0001, StatCanCategory.DETERIORATION),
    ],
)
def test_thresholds(ratio: float, expected: StatCanCategory) -> None:
    """get_progress_status: value ≥ 0.95, 0.6 ≤ value < 0.95, 0 ≤ value < 0.6, value < 0."""
    assert category(ratio, achieved=False) is expected


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.95, 7.1429 * 0.95 - 4.2857),  # 2.50006: the top of "moderate" meets 2.5
        (0.6, 7.1429 * 0.6 - 4.2857),  # 0.00004
        (0.0, -2.5),
        (-0.6, -5.0),  # 4.1667 · (−0.6) − 2.5 = −5.00002 → held at −5
        (2.0, 5.0),  # 7.1429 · 2 − 4.2857 = 10 → held at 5
    ],
)
def test_score_pieces(ratio: float, expected: float) -> None:
    assert score(ratio, achieved=False) == pytest.approx(expected)
    assert score(ratio, achieved=True) == 5.0
    assert score(None, achieved=False) is None
