"""The methods over many targets at once (chiso_scoring.methods.columns) give each target what
judging its state alone gives (state.judge_state_as_of), figure for figure, whatever the
targets beside it in the batch; they decline only what they do not judge."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Baseline, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.periods import year_end
from chiso_scoring.methods import columns, kinds
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.state import build, judge_state_as_of, story_of
from tests.unit.test_methods_state import cases

Case = tuple[Target, Direction, Cadence, Baseline | None, list[Point], date]


def request(case: Case, later: int = 0) -> columns.Request:
    """The case's target on its figures' state, as of its day and (`later` > 0) a later one."""
    target, direction, cadence, baseline, points, now = case
    state = build(points)
    assert state is not None
    nows = (now,) if not later else (now, now + timedelta(days=later))
    return columns.Request(target, direction, cadence, baseline, state, nows)


def judged_alone(r: columns.Request) -> object:
    try:
        return judge_state_as_of(r.target, r.direction, r.cadence, r.baseline, r.state, r.nows)
    except (ValueError, ArithmeticError) as e:
        return e


def on_a_path(r: columns.Request) -> bool:
    """Whether the columns judge the request: a kind on a path, with an aim."""
    if kinds.kind_of(r.target) not in kinds.ON_A_PATH:
        return False
    due_at = year_end(r.target.due_year)
    story = story_of(r.state, r.baseline, due_at, r.state.lookback)
    assert story is not None
    try:
        return kinds.aim(r.target, r.direction, story.base, due_at) is not None
    except (ValueError, ArithmeticError):
        return False


@settings(max_examples=600, deadline=None)
@given(cases(), st.integers(min_value=0, max_value=800))
def test_each_target_is_judged_as_alone(case: Case, later: int) -> None:
    r = request(case, later)
    [judged] = columns.judge([r])
    if on_a_path(r):
        assert judged == judged_alone(r)
    else:
        assert judged is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cases(), st.integers(min_value=0, max_value=800)), min_size=2))
def test_a_batch_judges_each_target_as_alone(batch: list[tuple[Case, int]]) -> None:
    """Targets of every kind side by side: each element of the columns is its own target's,
    and a declined target leaves the others' in place."""
    requests = [request(case, later) for case, later in batch]
    judged = columns.judge(requests)
    assert len(judged) == len(requests)
    for r, one in zip(requests, judged, strict=True):
        assert one == (judged_alone(r) if on_a_path(r) else None)


def test_a_batch_of_none_is_none() -> None:
    assert columns.judge([]) == []
