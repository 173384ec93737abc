"""A series' state: the fold of its figures that every judgement reads, small whatever the
length of the history (pure).

What a target's judgement reads of its series (docs/scoring.md, "4. Projection" and "5. Target
kinds"): the first figure (the base where the plan states none), the figures within the
lookback before the latest (the projection; the path, StatCan and UNSD read only the base and
the latest), and, for the every-year kinds, one summary per calendar year (its periods, total
and lowest figure). `judge` on the state equals `assess` on the whole history for every target
not yet past its due date (due at or after the latest figure) whose baseline is the plan's or
none: a target past its due date is settled, its judgement final.

Folding a figure in and judging on the state read a few of the kept numbers (the window's
head and latest, the figures leaving it, the current year), not every figure of the window nor
every year: a figure costs the same after ten years of history as after two.

Figures are folded in in order of position; one before the latest (a revision, a late
back-fill) means building the state again from the history.
"""

import bisect
import itertools
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from chiso_core.catalog import Baseline, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.periods import year_end
from chiso_scoring.methods import kinds, projection
from chiso_scoring.methods.assess import (
    DEFAULT_SETTINGS,
    Assessment,
    Settings,
    judge_as_of,
)
from chiso_scoring.methods.kinds import YearSummary
from chiso_scoring.methods.path import PathShape
from chiso_scoring.methods.projection import (
    LOOKBACK_YEARS,
    Drift,
    exact,
    rounded,
    square_step,
)
from chiso_scoring.methods.series import EPSILON, Point
from chiso_scoring.methods.story import History, base_of, history

# A figure packed as two doubles (position, value), a year's summary as six (year, periods,
# total, lowest, the last figure): the window and the years before the latest figure's are kept
# packed and read only where a step needs them — a fold reads the figures leaving the window and
# the latest; a judgement the window's head and the latest (the every-year kinds the years) — so
# that neither costs a Python object a figure or a year at every batch (chiso_scoring.states).
_PAIR = struct.Struct("=2d")
_YEAR = struct.Struct("=6d")
_point = tuple.__new__  # a namedtuple's own constructors are Python (see chiso_scoring.states)


def _point_at(packed: bytes, offset: int) -> Point:
    return _point(Point, _PAIR.unpack_from(packed, offset))


def _points(packed: bytes) -> tuple[Point, ...]:
    return tuple(map(_point, itertools.repeat(Point), _PAIR.iter_unpack(packed)))


def _positions(window: bytes) -> Sequence[float]:
    """The window's positions, read in place (bisected, never unpacked)."""
    return memoryview(window).cast("d")[::2]


def _pack_years(years: Iterable[YearSummary]) -> bytes:
    return b"".join(_YEAR.pack(y.year, y.periods, y.total, y.lowest, *y.last) for y in years)


def _year(fields: tuple[float, ...]) -> YearSummary:
    year, periods, total, lowest, at, value = fields
    return YearSummary(int(year), int(periods), total, lowest, _point(Point, (at, value)))


# not frozen, never assigned once built: one a fold (see methods.assess.Assessment); a fold
# makes a new one
@dataclass(slots=True, unsafe_hash=True)
class SeriesState:
    first: Point
    # the figures within the lookback before the latest, the latest last (_PAIR each)
    window: bytes
    # one summary a calendar year: the years before the latest figure's (_YEAR each), and its
    # own, which each fold in the same year replaces
    summaries: bytes
    year: YearSummary
    lookback: float = LOOKBACK_YEARS
    # Σ Δy² / Δt over the increments between the window's figures, exactly (projection.exact):
    # the projection reads it instead of summing the window at each figure; None: not kept
    steps: int | None = None

    @property
    def size(self) -> int:
        return len(self.window) // _PAIR.size

    @property
    def head(self) -> Point:
        return _point_at(self.window, 0)

    @property
    def latest(self) -> Point:
        return _point_at(self.window, len(self.window) - _PAIR.size)

    @property
    def recent(self) -> tuple[Point, ...]:
        """The window's figures."""
        return _points(self.window)

    @property
    def years(self) -> tuple[YearSummary, ...]:
        return (*map(_year, _YEAR.iter_unpack(self.summaries)), self.year)

    @property
    def points(self) -> tuple[Point, ...]:
        """The figures a judgement reads, by position."""
        recent = self.recent
        return recent if recent[0] == self.first else (self.first, *recent)


def fold(state: SeriesState | None, figure: Point, lookback: float = LOOKBACK_YEARS) -> SeriesState:
    """The state with one more figure, later than the latest."""
    if state is None:
        [year] = kinds.add((), figure)
        return SeriesState(figure, _PAIR.pack(*figure), b"", year, lookback, 0)
    latest = state.latest
    if figure.at <= latest.at + EPSILON:
        raise ValueError(
            f"figure at {figure.at} is not after the latest ({latest.at}): "
            "build the state again from the history"
        )
    # the window is ordered: what leaves it is a prefix (bisect, not a scan of the window)
    start = bisect.bisect_left(_positions(state.window), figure.at - state.lookback - EPSILON)
    window = state.window[start * _PAIR.size :] + _PAIR.pack(*figure)
    *ended, year = kinds.add((state.year,), figure)
    # a year that ended is packed with those before it
    summaries = state.summaries + _pack_years(ended) if ended else state.summaries
    steps = _steps(state, start, latest, figure)
    return SeriesState(state.first, window, summaries, year, state.lookback, steps)


def _steps(state: SeriesState, start: int, latest: Point, figure: Point) -> int | None:
    """The kept sum without the increments that left the window (those from its first `start`
    figures) and with the new one (unless the whole window left)."""
    if state.steps is None:
        return None
    left = _exact_steps(_points(state.window[: (start + 1) * _PAIR.size])) if start else 0
    new = _exact_steps((latest, figure)) if start < state.size else 0
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


def story_of(
    state: SeriesState, baseline: Baseline | None, due_at: float, lookback: float
) -> History | None:
    """story.history of the state's figures, reading the window's figures after the base only
    where the kept sum does not give their walk (see _kept_walk); from all of them for another
    lookback or a figure past the due date."""
    base, latest, head = base_of(baseline, state.first), state.latest, state.head
    if lookback != state.lookback or latest.at > due_at + EPSILON:
        return history(state.points, baseline, due_at, lookback)
    after = 1 if base == head else _after(state.window, base)
    walk = _kept_walk(state, base, head, latest, after)
    if walk is None:
        walk = projection.drift((base, *_points(state.window[after * _PAIR.size :])))
    return History(
        base, baseline is not None, latest if after < state.size else base, latest.at, walk
    )


def _after(window: bytes, base: Point) -> int:
    """Where the figures after the base begin in the window: an earlier figure is outside the
    look-back (a stated baseline may be within it). The base is most often the window's head
    (1: no bisect)."""
    return bisect.bisect_right(_positions(window), base.at + EPSILON)


def _kept_walk(
    state: SeriesState, base: Point, head: Point, latest: Point, after: int
) -> Drift | None:
    """The projection's walk off the kept sum, the base and the latest figure, whatever the
    window's length, where its window is the kept one: from the base (the first figure, still
    in it) or after it (the first figure or a stated baseline before it). None: summed."""
    if state.steps is None:
        return None
    if after == 0:
        increments, step = state.size, exact(square_step(base, head))
    elif after == 1 and base == head:
        increments, step = state.size - 1, 0
    else:
        return None
    squares = None if step is None else rounded(state.steps + step)
    return None if squares is None or not increments else Drift(base, latest, increments, squares)


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
    story = None if state is None else story_of(state, baseline, due_at, settings.lookback)

    def years(after: float | None) -> kinds.Years:
        # read only by the every-year kinds
        summaries = state.years if state is not None else ()
        # a stated baseline is at a year's end: each year is wholly before or after it
        judged = [y for y in summaries if after is None or y.last.at > after + EPSILON]
        return kinds.judge_years(target, judged, cadence)

    return judge_as_of(
        target, direction, cadence, story, years, nows, shape=shape, settings=settings
    )
