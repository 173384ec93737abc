"""Method 3, the UN Statistics Division progress chart: the observed growth carried on to the
due date, compared with the change the target asks for."""

import pytest

from chiso_core.catalog import Direction
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.unsd import UnsdCategory, category, progress_chart

UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER
DUE = 2031.0


def test_fair_progress_worked_example() -> None:
    """60 in 2024 (2025.0) → 67.5 in 2027 (2028.0), target 80 by 2030 (2031.0).
    CAGR = (67.5 / 60)^(1/3) − 1 = 1.125^(1/3) − 1 = 0.0400419;
    x̂ = 67.5 · (1 + CAGR)^3 = 67.5 · 1.125 = 75.9375;
    ratio = (75.9375 − 60) / (80 − 60) = 15.9375 / 20 = 0.796875: fair progress."""
    result = progress_chart(Point(2025.0, 60.0), Point(2028.0, 67.5), 80.0, DUE, UP)
    assert result is not None
    assert result.cagr == pytest.approx(0.0400419, abs=1e-7)
    assert result.expected_due == pytest.approx(75.9375)
    assert result.ratio == pytest.approx(0.796875)
    assert result.category is UnsdCategory.FAIR_PROGRESS


def test_the_issue_example_is_on_track() -> None:
    """60 → 63 in one year: CAGR = 0.05; x̂ = 63 · 1.05^5 = 63 · 1.2762816 = 80.40574;
    ratio = 20.40574 / 20 = 1.020287 ≥ 0.95: on track."""
    result = progress_chart(Point(2025.0, 60.0), Point(2026.0, 63.0), 80.0, DUE, UP)
    assert result is not None
    assert result.expected_due == pytest.approx(80.40574, abs=1e-5)
    assert result.ratio == pytest.approx(1.020287, abs=1e-6)
    assert result.category is UnsdCategory.ON_TRACK


def test_stagnation() -> None:
    """60 → 60.2: CAGR = 0.0033333; x̂ = 60.2 · 1.0033333^5 = 60.2 · 1.0167780 = 61.2100;
    ratio = 1.2100 / 20 = 0.0605 < 0.10: stagnation or regression."""
    result = progress_chart(Point(2025.0, 60.0), Point(2026.0, 60.2), 80.0, DUE, UP)
    assert result is not None
    assert result.ratio == pytest.approx(0.0605, abs=1e-4)
    assert result.category is UnsdCategory.STAGNATION_OR_REGRESSION


def test_regression() -> None:
    """60 → 57: CAGR = −0.05; x̂ = 57 · 0.95^5 = 57 · 0.7737809 = 44.1055;
    ratio = (44.1055 − 60) / 20 = −0.794724."""
    result = progress_chart(Point(2025.0, 60.0), Point(2026.0, 57.0), 80.0, DUE, UP)
    assert result is not None
    assert result.ratio == pytest.approx(-0.794724, abs=1e-6)
    assert result.category is UnsdCategory.STAGNATION_OR_REGRESSION


def test_lower_is_better_a_rank() -> None:
    """25th → 22nd, target 15th: CAGR = −0.12; x̂ = 22 · 0.88^5 = 22 · 0.5277319 = 11.6101;
    ratio = (11.6101 − 25) / (15 − 25) = 1.33899: on track."""
    result = progress_chart(Point(2025.0, 25.0), Point(2026.0, 22.0), 15.0, DUE, DOWN)
    assert result is not None
    assert result.expected_due == pytest.approx(11.6101, abs=1e-4)
    assert result.ratio == pytest.approx(1.33899, abs=1e-5)
    assert result.category is UnsdCategory.ON_TRACK


@pytest.mark.parametrize(
    ("base", "current", "target", "direction"),
    [
        (Point(2025.0, 60.0), Point(2025.5, 63.0), 80.0, UP),  # less than a year apart
        (Point(2025.0, 0.0), Point(2026.0, 3.0), 80.0, UP),  # no growth rate from 0
        (Point(2025.0, -5.0), Point(2026.0, 3.0), 80.0, UP),  # the sign changed
        (Point(2025.0, 90.0), Point(2026.0, 85.0), 80.0, UP),  # met at the base: no change asked
    ],
)
def test_not_available(base: Point, current: Point, target: float, direction: Direction) -> None:
    assert progress_chart(base, current, target, DUE, direction) is None


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.95, UnsdCategory.ON_TRACK),
        (0.9499, UnsdCategory.FAIR_PROGRESS),
        (0.10, UnsdCategory.FAIR_PROGRESS),
        (0.0999, UnsdCategory.STAGNATION_OR_REGRESSION),
    ],
)
def test_thresholds(ratio: float, expected: UnsdCategory) -> None:
    assert category(ratio) is expected
