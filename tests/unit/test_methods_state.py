"""The per-series state: folding the figures one by one and judging the state gives exactly
what `assess` gives on the whole history (hypothesis), while the state keeps only the first
figure, the lookback window and one summary per year."""

import itertools
import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Baseline, Comparator, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.periods import year_end
from chiso_scoring.methods import assess, projection
from chiso_scoring.methods.series import PERIOD_YEARS, Point
from chiso_scoring.methods.state import build, fold, judge_state, story_of
from chiso_scoring.methods.story import history
from tests.unit.test_methods_properties import targets, values


@st.composite
def cases(draw: st.DrawFn) -> tuple[Target, Direction, Cadence, Baseline | None, list[Point], date]:
    cadence = draw(st.sampled_from(list(Cadence)))
    step = PERIOD_YEARS[cadence]
    gaps = draw(st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=40))
    start = 1995 + draw(st.integers(min_value=1, max_value=int(6 / step))) * step
    at, points = start, []
    for gap in gaps:
        points.append(Point(round(at, 9), draw(values)))
        at += gap * step
    latest_year = int(points[-1].at - 1e-9)
    first_due = max(latest_year, 2025)
    due_year = draw(st.integers(min_value=first_due, max_value=first_due + 10))
    target = draw(targets(draw(st.sampled_from(list(Comparator))), due_year))
    direction = draw(st.sampled_from(list(Direction)))
    baseline = None
    if draw(st.booleans()):
        year = draw(st.integers(min_value=2000, max_value=min(due_year - 1, 2030)))
        baseline = Baseline(indicator="i", value=draw(values), year=year, quote="q")
    now = date(latest_year + 1, 1, 1) + timedelta(days=draw(st.integers(0, 900)))
    return target, direction, cadence, baseline, points, now


@settings(max_examples=500, deadline=None)
@given(cases())
def test_judging_the_state_equals_assessing_the_history(
    case: tuple[Target, Direction, Cadence, Baseline | None, list[Point], date],
) -> None:
    target, direction, cadence, baseline, points, now = case
    state = build(points)
    assert judge_state(target, direction, cadence, baseline, state, now) == assess(
        target, direction, cadence, baseline, points, now
    )
    assert state is not None
    # small: the window and one summary per year, whatever the history's length
    assert len(state.recent) <= 12 * 10 + 1
    assert len(state.years) <= int(points[-1].at - points[0].at) + 2


@settings(max_examples=300, deadline=None)
@given(cases())
def test_what_a_judgement_reads_of_the_state_is_what_it_reads_of_the_figures(
    case: tuple[Target, Direction, Cadence, Baseline | None, list[Point], date],
) -> None:
    """The base, the latest figure and the projection's walk (its sum of squared steps to the
    last bit) read off the packed window and the kept sum equal those read from the figures,
    whether the base is the first figure in the window, before it or a stated one within it."""
    target, _, _, baseline, points, _ = case
    state = build(points)
    assert state is not None
    due_at = year_end(target.due_year)
    assert story_of(state, baseline, due_at, 10.0) == history(points, baseline, due_at, 10.0)


def test_no_figure_is_no_state() -> None:
    t = Target(
        id="t",
        indicator="i",
        comparator=Comparator.GTE,
        value=1.0,
        unit="u",
        due_year=2030,
        quote="q",
    )
    up = Direction.HIGHER_IS_BETTER
    today = date(2026, 1, 1)
    assert judge_state(t, up, Cadence.YEAR, None, None, today) == assess(
        t, up, Cadence.YEAR, None, [], today
    )


def test_a_figure_before_the_latest_is_refused() -> None:
    """A revision or a back-fill: the state is built again from the history."""
    state = build([Point(2025.0, 1.0), Point(2026.0, 2.0)])
    with pytest.raises(ValueError, match="not after the latest"):
        fold(state, Point(2025.0, 3.0))


def test_the_window_keeps_the_lookback() -> None:
    """Yearly figures 2000–2030 with a 10-year lookback: the first (2000.0), then 2020–2030."""
    state = build([Point(2000.0 + i, float(i)) for i in range(31)])
    assert state is not None
    assert state.points == (
        Point(2000.0, 0.0),
        *(Point(2000.0 + i, float(i)) for i in range(20, 31)),
    )
    assert len(state.years) == 31


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.floats(-1e160, 1e160) | st.floats(-1e-160, 1e-160) | st.integers(0, 900).map(float),
        min_size=1,
        max_size=60,
    ),
    gaps=st.lists(st.integers(1, 5), min_size=60, max_size=60),
    lookback=st.sampled_from([0.25, 2.0, 10.0]),
)
def test_the_kept_sum_of_squared_steps_is_the_windows_own(
    values: list[float], gaps: list[int], lookback: float
) -> None:
    """Kept from figure to figure (what leaves the window taken out, the new step added), the
    sum is what math.fsum gives over the window's steps, to the last bit, whatever the
    magnitudes; a step beyond the floats, or a sum that might overflow, is left to math.fsum."""
    state = None
    at = 2000.0
    for value, gap in zip(values, gaps, strict=False):
        at += gap / 12
        state = fold(state, Point(at, value), lookback)
        steps = [projection.square_step(a, b) for a, b in itertools.pairwise(state.recent)]
        if not all(math.isfinite(s) for s in steps):
            assert state.steps is None
            return
        assert state.steps is not None
        kept = projection.rounded(state.steps)
        if kept is not None:
            assert kept == math.fsum(steps)
