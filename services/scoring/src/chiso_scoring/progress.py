"""Progress along the straight line from the baseline to the target (pure).

expected(t) = base + (target − base) · (t − t_base) / (t_due − t_base), held at the target after
t_due; gap = direction · (actual − expected), so a positive gap is good;
progress = (actual − base) / (target − base), the share of the way covered.
Past the due date a target not met is off track, whatever the gap.
"""

from dataclasses import dataclass

from chiso_core.catalog import Direction, Target
from chiso_core.status import Status

METHOD = "linear_path"
METHOD_VERSION = "1"


@dataclass(frozen=True)
class Point:
    at: float  # position on the year axis (see chiso_core.periods)
    value: float


@dataclass(frozen=True)
class LinearProgress:
    expected: float
    gap: float
    progress: float
    status: Status


def expected_at(at: float, base: Point, target_value: float, due_at: float) -> float:
    if due_at <= base.at or at >= due_at:
        return target_value
    share = max(0.0, (at - base.at) / (due_at - base.at))
    return base.value + (target_value - base.value) * share


def linear_progress(
    actual: Point,
    base: Point,
    target: Target,
    due_at: float,
    direction: Direction,
    aim: float | None = None,
) -> LinearProgress:
    """`aim` is the value the path leads to: the target's value unless given (a range's edge)."""
    aim = target.value if aim is None else aim
    assert aim is not None, "a target judged on a path has a value"
    expected = expected_at(actual.at, base, aim, due_at)
    gap = direction.sign * (actual.value - expected)
    span = aim - base.value
    progress = 1.0 if span == 0 else (actual.value - base.value) / span
    if target.met_by(actual.value):
        status = Status.ACHIEVED
    elif gap >= 0 and actual.at < due_at:
        status = Status.ON_TRACK
    else:
        status = Status.OFF_TRACK
    return LinearProgress(expected=expected, gap=gap, progress=progress, status=status)
