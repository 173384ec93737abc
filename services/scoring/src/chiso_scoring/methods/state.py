"""A series' state: the fold of its figures that every judgement reads, small whatever the
length of the history (pure).

What a target's judgement reads of its series (docs/scoring.md, "4. Projection" and "5. Target
kinds"): the first figure (the base where the plan states none), the figures within the
lookback before the latest (the projection; the path, StatCan and UNSD read only the base and
the latest), and, for the every-year kinds, one summary per calendar year (its periods, total
and lowest figure). `judge` on the state equals `assess` on the whole history for every target
not yet past its due date (due at or after the latest figure) whose baseline is the plan's or
none: a target past its due date is settled, its judgement final.

Figures are folded in in order of position; one before the latest (a revision, a late
back-fill) means building the state again from the history.
"""

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from chiso_core.catalog import Baseline, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.periods import year_end
from chiso_scoring.methods import kinds
from chiso_scoring.methods.assess import (
    DEFAULT_SETTINGS,
    Assessment,
    Settings,
    judge_as_of,
)
from chiso_scoring.methods.kinds import YearSummary
from chiso_scoring.methods.path import PathShape
from chiso_scoring.methods.projection import LOOKBACK_YEARS, exact, rounded, square_step
from chiso_scoring.methods.series import EPSILON, History, Point, history


@dataclass(frozen=True)
class SeriesState:
    first: Point
    recent: tuple[Point, ...]  # the figures within the lookback before the latest, the latest last
    years: tuple[YearSummary, ...]
    lookback: float = LOOKBACK_YEARS
    # Σ Δy² / Δt over the increments between the recent figures, exactly (projection.exact):
    # the projection reads it instead of summing the window at each figure; None: not kept
    steps: int | None = None

    @property
    def points(self) -> tuple[Point, ...]:
        """The figures a judgement reads, by position."""
        return self.recent if self.recent[0] == self.first else (self.first, *self.recent)


def _at(p: Point) -> float:
    return p.at


def fold(state: SeriesState | None, figure: Point, lookback: float = LOOKBACK_YEARS) -> SeriesState:
    """The state with one more figure, later than the latest."""
    if state is None:
        return SeriesState(figure, (figure,), kinds.add((), figure), lookback, 0)
    if figure.at <= state.recent[-1].at + EPSILON:
        raise ValueError(
            f"figure at {figure.at} is not after the latest ({state.recent[-1].at}): "
            "build the state again from the history"
        )
    # the window is ordered: what leaves it is a prefix (bisect, not a scan of the window)
    start = bisect.bisect_left(state.recent, figure.at - state.lookback - EPSILON, key=_at)
    recent = (*state.recent[start:], figure)
    years = kinds.add(state.years, figure)
    return SeriesState(state.first, recent, years, state.lookback, _steps(state, start, figure))


def _steps(state: SeriesState, start: int, figure: Point) -> int | None:
    """The kept sum without the increments that left the window (those from its first `start`
    figures) and with the new one (unless the whole window left)."""
    old = state.recent
    if state.steps is None:
        return None
    left = _exact_steps(old[: start + 1])
    new = _exact_steps((old[-1], figure)) if start < len(old) else 0
    return None if left is None or new is None else state.steps - left + new


def _exact_steps(points: Sequence[Point]) -> int | None:
    """Σ Δy² / Δt over consecutive points, exactly (projection.exact); None: a step is not a
    finite float."""
    total = 0
    for a, b in pairwise(points):
        step = exact(square_step(a, b))
        if step is None:
            return None
        total += step
    return total


def _kept_squares(story: History, state: SeriesState, lookback: float) -> float | None:
    """The story's Σ Δy² / Δt over the projection's window, from the kept sum, where that
    window is the recent figures, after the base or from it (the base is the first figure or a
    stated baseline before them); None: the projection sums it."""
    recent, points = state.recent, story.points
    if state.steps is None or lookback != state.lookback:
        return None
    if points == recent:
        return rounded(state.steps)
    if len(points) > len(recent) and points[-len(recent) :] == recent:
        first = _exact_steps((points[0], recent[0]))
        return None if first is None else rounded(state.steps + first)
    return None


def build(figures: Iterable[Point], lookback: float = LOOKBACK_YEARS) -> SeriesState | None:
    state: SeriesState | None = None
    for figure in sorted(figures):
        state = fold(state, figure, lookback)
    return state


def judge_state(
    target: Target,
    direction: Direction,
    cadence: Cadence,
    baseline: Baseline | None,
    state: SeriesState | None,
    now: date,
    *,
    shape: PathShape | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Assessment:
    """`assess` from the state (its settings' lookback must be the state's)."""
    nows = (now,)
    return judge_state_as_of(
        target, direction, cadence, baseline, state, nows, shape=shape, settings=settings
    )[0]


def judge_state_as_of(
    target: Target,
    direction: Direction,
    cadence: Cadence,
    baseline: Baseline | None,
    state: SeriesState | None,
    nows: Sequence[date],
    *,
    shape: PathShape | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> tuple[Assessment, ...]:
    """`judge_state` as of each day of `nows`, sharing all but the staleness (judge_as_of)."""
    due_at = year_end(target.due_year)
    story = history(state.points, baseline, due_at) if state is not None else None
    if story is not None and state is not None:
        squares = _kept_squares(story, state, settings.lookback)
        story = History(
            story.base, story.base_stated, story.points, story.latest_observed_at, squares
        )
    summaries = state.years if state is not None else ()

    def years(after: float | None) -> kinds.Years:
        # a stated baseline is at a year's end: each year is wholly before or after it
        judged = [y for y in summaries if after is None or y.last.at > after + EPSILON]
        return kinds.judge_years(target, judged, cadence)

    return judge_as_of(
        target, direction, cadence, story, years, nows, shape=shape, settings=settings
    )
