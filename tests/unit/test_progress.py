"""The linear-path progress measure: expected value on the way to a target, gap, status.

Worked examples share one plan line unless said otherwise: a baseline of 40 for 2024 (so at
2025.0 on the year axis) and a target of "> 80" due in 2030 (so at 2031.0): six years to cover 40
points, 6.667 points a year.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_core.catalog import Comparator, Direction, Target
from chiso_core.status import Status
from chiso_scoring.progress import Point, expected_at, linear_progress

BASE = Point(2025.0, 40.0)
DUE = 2031.0


def target(value: float = 80.0, comparator: Comparator = Comparator.GT) -> Target:
    return Target(
        id="t",
        indicator="online_public_service_usage",
        comparator=comparator,
        value=value,
        unit="percent",
        due_year=2030,
        quote="đạt trên 80%",
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (2025.0, 40.0),  # at the baseline: the baseline
        (2028.0, 60.0),  # halfway in time (3 of 6 years): halfway in value
        (2026.5, 50.0),  # a quarter of the way: 40 + 40 · 1.5/6
        (2031.0, 80.0),  # at the due date: the target
        (2033.0, 80.0),  # after the due date: held at the target, not extrapolated
        (2024.0, 40.0),  # before the baseline: held at the baseline, not extrapolated backwards
    ],
)
def test_expected_at_follows_the_straight_line(at: float, expected: float) -> None:
    """The expected path is the straight line base → target, flat outside it."""
    assert expected_at(at, BASE, 80.0, DUE) == pytest.approx(expected)


def test_expected_at_with_a_due_date_not_after_the_baseline_is_the_target() -> None:
    """A target due at (or before) its baseline leaves no path: it is expected at once."""
    assert expected_at(2025.0, BASE, 80.0, due_at=2025.0) == 80.0
    assert expected_at(2026.0, BASE, 80.0, due_at=2024.0) == 80.0


def test_above_the_path_is_on_track() -> None:
    """At 2028.0 expected is 60; 62 is 2 ahead, and 22 of the 40 points is 55 % of the way."""
    result = linear_progress(Point(2028.0, 62.0), BASE, target(), DUE, Direction.HIGHER_IS_BETTER)
    assert result.expected == pytest.approx(60.0)
    assert result.gap == pytest.approx(2.0)
    assert result.progress == pytest.approx(0.55)
    assert result.status is Status.ON_TRACK


def test_exactly_on_the_path_is_on_track() -> None:
    """A gap of zero is on the line, which is on track (gap >= 0)."""
    result = linear_progress(Point(2028.0, 60.0), BASE, target(), DUE, Direction.HIGHER_IS_BETTER)
    assert result.gap == pytest.approx(0.0)
    assert result.status is Status.ON_TRACK


def test_below_the_path_is_off_track() -> None:
    """At 2028.0 expected is 60; 55 is 5 behind, 15 of 40 points covered is 37.5 %."""
    result = linear_progress(Point(2028.0, 55.0), BASE, target(), DUE, Direction.HIGHER_IS_BETTER)
    assert result.gap == pytest.approx(-5.0)
    assert result.progress == pytest.approx(0.375)
    assert result.status is Status.OFF_TRACK


def test_meeting_the_target_early_is_achieved() -> None:
    """81 beats "> 80" already in 2026: achieved, with progress past 100 % (41 / 40)."""
    result = linear_progress(Point(2026.0, 81.0), BASE, target(), DUE, Direction.HIGHER_IS_BETTER)
    assert result.status is Status.ACHIEVED
    assert result.progress == pytest.approx(1.025)


@pytest.mark.parametrize(
    ("comparator", "status"),
    [(Comparator.GT, Status.OFF_TRACK), (Comparator.GTE, Status.ACHIEVED)],
)
def test_the_comparator_decides_whether_the_target_value_itself_is_met(
    comparator: Comparator, status: Status
) -> None:
    """80 meets ">= 80" but not "> 80". On the path (gap 0) at the due date is not enough:
    the time is up and "> 80" is missed, so off track."""
    result = linear_progress(
        Point(2031.0, 80.0), BASE, target(comparator=comparator), DUE, Direction.HIGHER_IS_BETTER
    )
    assert result.status is status


def test_past_the_due_date_short_of_the_target_is_off_track() -> None:
    """In 2032 the expected value stays 80; 70 is 10 short: 30 of 40 points is 75 %."""
    result = linear_progress(Point(2032.0, 70.0), BASE, target(), DUE, Direction.HIGHER_IS_BETTER)
    assert result.expected == pytest.approx(80.0)
    assert result.gap == pytest.approx(-10.0)
    assert result.progress == pytest.approx(0.75)
    assert result.status is Status.OFF_TRACK


class TestLowerIsBetter:
    """A falling indicator: baseline 50 for 2024, target "< 20" by 2030 (30 points down in 6
    years). At 2028.0 the path is at 50 − 30 · 3/6 = 35."""

    base = Point(2025.0, 50.0)

    def test_below_the_path_is_on_track(self) -> None:
        """33 is 2 under the expected 35: good, so the gap is +2; 17 of 30 points covered."""
        result = linear_progress(
            Point(2028.0, 33.0),
            self.base,
            target(20.0, Comparator.LT),
            DUE,
            Direction.LOWER_IS_BETTER,
        )
        assert result.expected == pytest.approx(35.0)
        assert result.gap == pytest.approx(2.0)
        assert result.progress == pytest.approx(17 / 30)
        assert result.status is Status.ON_TRACK

    def test_above_the_path_is_off_track(self) -> None:
        """38 is 3 over the expected 35: the gap is −3."""
        result = linear_progress(
            Point(2028.0, 38.0),
            self.base,
            target(20.0, Comparator.LT),
            DUE,
            Direction.LOWER_IS_BETTER,
        )
        assert result.gap == pytest.approx(-3.0)
        assert result.status is Status.OFF_TRACK

    def test_under_the_target_is_achieved(self) -> None:
        """19 is "< 20"."""
        result = linear_progress(
            Point(2027.0, 19.0),
            self.base,
            target(20.0, Comparator.LT),
            DUE,
            Direction.LOWER_IS_BETTER,
        )
        assert result.status is Status.ACHIEVED


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
years = st.floats(min_value=2020.0, max_value=2040.0, allow_nan=False)
RANK = {Status.OFF_TRACK: 0, Status.ON_TRACK: 1, Status.ACHIEVED: 2}


@given(
    a=finite,
    b=finite,
    base=finite,
    goal=finite,
    at=years,
    comparator=st.sampled_from([Comparator.GT, Comparator.GTE]),
)
def test_a_higher_actual_is_never_a_worse_status_when_higher_is_better(
    a: float, b: float, base: float, goal: float, at: float, comparator: Comparator
) -> None:
    """Monotonicity: reporting more of a good thing cannot move a target towards off track."""
    low, high = sorted((a, b))
    args = (Point(2025.0, base), target(goal, comparator), DUE, Direction.HIGHER_IS_BETTER)
    worse = linear_progress(Point(at, low), *args).status
    better = linear_progress(Point(at, high), *args).status
    assert RANK[worse] <= RANK[better]


@given(actual=finite, base=finite, goal=finite, at=years, strict=st.booleans())
def test_lower_is_better_mirrors_higher_is_better(
    actual: float, base: float, goal: float, at: float, strict: bool
) -> None:
    """Lower-is-better with "< t" is higher-is-better on negated figures with "> −t":
    same status, gap and progress."""
    down = linear_progress(
        Point(at, actual),
        Point(2025.0, base),
        target(goal, Comparator.LT if strict else Comparator.LTE),
        DUE,
        Direction.LOWER_IS_BETTER,
    )
    up = linear_progress(
        Point(at, -actual),
        Point(2025.0, -base),
        target(-goal, Comparator.GT if strict else Comparator.GTE),
        DUE,
        Direction.HIGHER_IS_BETTER,
    )
    assert down.status is up.status
    assert down.gap == pytest.approx(up.gap)
    assert down.progress == pytest.approx(up.progress)
    assert down.expected == pytest.approx(-up.expected)
