"""Method 1, the expected path: straight line or constant growth from the base to the target.

Unless said otherwise: base 40 for 2024 (at 2025.0), target 80 due in 2030 (at 2031.0).
"""

import pytest

from chiso_core.catalog import Direction
from chiso_scoring.methods.path import PathShape, expected_at, flat, follow, grows, time_share
from chiso_scoring.methods.series import Point

BASE = Point(2025.0, 40.0)
DUE = 2031.0
UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER


def test_straight_line_worked_example() -> None:
    """At 2028.0, half the time (3 of 6 years): E = 40 + (80 − 40) · 3/6 = 60.
    Actual 55: gap = +1 · (55 − 60) = −5; progress = (55 − 40) / 40 = 0.375;
    pace = (55 − 40) / (60 − 40) = 0.75 (three quarters of the progress expected by now)."""
    result = follow(Point(2028.0, 55.0), BASE, 80.0, DUE, UP)
    assert result.shape is PathShape.LINEAR
    assert result.expected == pytest.approx(60.0)
    assert result.gap == pytest.approx(-5.0)
    assert result.progress == pytest.approx(0.375)
    assert result.pace == pytest.approx(0.75)


def test_constant_growth_worked_example() -> None:
    """Base 50, target 200 (four times as much) in six years: at 2028.0, s = 1/2,
    E = 50 · (200 / 50)^(1/2) = 50 · 2 = 100 (a straight line would say 125).
    Actual 90: gap = −10, progress = 40 / 150 = 0.2667, pace = 40 / 50 = 0.8."""
    result = follow(
        Point(2028.0, 90.0), Point(2025.0, 50.0), 200.0, DUE, UP, PathShape.CONSTANT_GROWTH
    )
    assert result.expected == pytest.approx(100.0)
    assert result.gap == pytest.approx(-10.0)
    assert result.progress == pytest.approx(40 / 150)
    assert result.pace == pytest.approx(0.8)


def test_constant_growth_at_ten_percent_a_year() -> None:
    """Publications +10 %/year from 100 in 2024: the path to 100 · 1.1^6 = 177.1561 in 2030
    passes 100 · 1.1^2 = 121 at 2027.0."""
    base = Point(2025.0, 100.0)
    assert expected_at(2027.0, base, 100 * 1.1**6, DUE, PathShape.CONSTANT_GROWTH) == (
        pytest.approx(121.0)
    )


def test_lower_is_better_gap_is_positive_below_the_path() -> None:
    """Base 50 → target 20: at 2028.0 E = 50 − 30 · 3/6 = 35; 33 is 2 under: gap +2,
    pace = (33 − 50) / (35 − 50) = 17/15 = 1.1333."""
    result = follow(Point(2028.0, 33.0), Point(2025.0, 50.0), 20.0, DUE, DOWN)
    assert result.expected == pytest.approx(35.0)
    assert result.gap == pytest.approx(2.0)
    assert result.pace == pytest.approx(17 / 15)


@pytest.mark.parametrize(
    ("at", "share"), [(2024.0, 0.0), (2025.0, 0.0), (2026.5, 0.25), (2031.0, 1.0), (2035.0, 1.0)]
)
def test_the_time_share_is_held_within_zero_and_one(at: float, share: float) -> None:
    assert time_share(at, 2025.0, DUE) == pytest.approx(share)


def test_a_target_due_at_its_base_is_expected_at_once() -> None:
    assert expected_at(2025.0, BASE, 80.0, due_at=2025.0) == 80.0
    assert expected_at(2025.0, BASE, 80.0, DUE, PathShape.CONSTANT_GROWTH) == 40.0


def test_at_the_base_nothing_is_expected_yet() -> None:
    """E = b at the base: no pace (0/0), gap = 0."""
    result = follow(BASE, BASE, 80.0, DUE, UP)
    assert result.gap == 0.0
    assert result.pace is None


def test_constant_growth_needs_a_base_and_target_of_one_sign() -> None:
    assert grows(40.0, 80.0)
    assert grows(-40.0, -80.0)
    assert not grows(0.0, 80.0)
    assert not grows(-5.0, 5.0)
    with pytest.raises(ValueError, match="no constant-growth path"):
        expected_at(2028.0, Point(2025.0, 0.0), 80.0, DUE, PathShape.CONSTANT_GROWTH)


def test_a_threshold_held_every_year_is_a_flat_path() -> None:
    """HDI > 0.7 every year: 0.72 is 0.02 above the threshold."""
    result = flat(Point(2026.0, 0.72), 0.7, UP)
    assert result.expected == 0.7
    assert result.gap == pytest.approx(0.02)
