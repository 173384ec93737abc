"""Method 1, the expected path: where the figure should be now on the way from the baseline to
the target (pure).

With s = (t − t_b) / (t_d − t_b), the share of the time elapsed, held within [0, 1]:

- straight line:      E(t) = b + (T − b) · s
- constant growth:    E(t) = b · (T / b)^s      (b and T of one sign, b ≠ 0)

gap = d · (actual − E(t)), d = +1 when higher is better and −1 when lower is better, so a
positive gap is good; progress = (actual − b) / (T − b), the share of the way covered;
pace = (actual − b) / (E(t) − b), the progress made over the progress expected by now
(pace ≥ 1 exactly when gap ≥ 0).
"""

import math
from dataclasses import dataclass
from enum import StrEnum

from chiso_core.catalog import Direction
from chiso_scoring.methods.series import EPSILON, Point


class PathShape(StrEnum):
    LINEAR = "linear"
    CONSTANT_GROWTH = "constant_growth"


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class PathResult:
    shape: PathShape
    expected: float
    gap: float
    progress: float | None  # None when the target equals the base (no way to cover)
    pace: float | None  # None when nothing was expected yet (E(t) = b)


def time_share(at: float, base_at: float, due_at: float) -> float:
    """s, held within [0, 1]; a target due at or before its base is due at once (s = 1)."""
    if due_at <= base_at + EPSILON:
        return 1.0
    return min(1.0, max(0.0, (at - base_at) / (due_at - base_at)))


def grows(base_value: float, aim: float) -> bool:
    """Whether a constant-growth path exists from the base to the aim."""
    return base_value != 0 and aim / base_value > 0 and math.isfinite(aim / base_value)


def expected_at(
    at: float, base: Point, aim: float, due_at: float, shape: PathShape = PathShape.LINEAR
) -> float:
    s = time_share(at, base.at, due_at)
    if s >= 1.0:
        return aim
    if shape is PathShape.CONSTANT_GROWTH:
        if not grows(base.value, aim):
            raise ValueError(f"no constant-growth path from {base.value} to {aim}")
        return float(base.value * (aim / base.value) ** s)
    return base.value + (aim - base.value) * s


def follow(
    actual: Point,
    base: Point,
    aim: float,
    due_at: float,
    direction: Direction,
    shape: PathShape = PathShape.LINEAR,
) -> PathResult:
    expected = expected_at(actual.at, base, aim, due_at, shape)
    gap = direction.sign * (actual.value - expected)
    progress = None if aim == base.value else (actual.value - base.value) / (aim - base.value)
    pace = None if expected == base.value else (actual.value - base.value) / (expected - base.value)
    return PathResult(shape=shape, expected=expected, gap=gap, progress=progress, pace=pace)


def flat(actual: Point, threshold: float, direction: Direction) -> PathResult:
    """The 'path' of a threshold that holds every year (maintain, count per year): the
    threshold itself."""
    return PathResult(
        shape=PathShape.LINEAR,
        expected=threshold,
        gap=direction.sign * (actual.value - threshold),
        progress=None,
        pace=None,
    )
