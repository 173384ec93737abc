"""Method 3, the UN Statistics Division SDG progress chart, trend assessment of a target with an
explicit number (pure).

The observed compound annual growth rate, from the base to the latest figure, is carried on to
the due date; the ratio compares the change that would bring with the change the target asks:

    CAGR       = (x_cur / x_base)^(1 / (t_cur − t_base)) − 1
    x̂_due      = x_cur · (1 + CAGR)^(t_due − t_cur)
    ratio      = (x̂_due − x_base) / (target − x_base)

ratio ≥ 0.95: on track; 0.10 ≤ ratio < 0.95: fair progress but acceleration needed;
ratio < 0.10: stagnation or regression.

Not available when the figures are less than a year apart (as for the StatCan measure), when
the base is 0 or the latest figure has the other sign (no growth rate), when the target asks
for no change in the good direction (d · (target − x_base) ≤ 0: it was met at the base), or
when the figures leave the floating-point range.
"""

from dataclasses import dataclass
from enum import StrEnum

from chiso_core.catalog import Direction
from chiso_scoring.methods.series import Point, finite, growth, power

ON_TRACK_AT = 0.95
FAIR_PROGRESS_AT = 0.10
MIN_SPAN_YEARS = 1.0


class UnsdCategory(StrEnum):
    ON_TRACK = "on_track"
    FAIR_PROGRESS = "fair_progress_acceleration_needed"
    STAGNATION_OR_REGRESSION = "stagnation_or_regression"


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class UnsdResult:
    cagr: float
    expected_due: float
    ratio: float
    category: UnsdCategory


def category(ratio: float) -> UnsdCategory:
    if ratio >= ON_TRACK_AT:
        return UnsdCategory.ON_TRACK
    if ratio >= FAIR_PROGRESS_AT:
        return UnsdCategory.FAIR_PROGRESS
    return UnsdCategory.STAGNATION_OR_REGRESSION


def progress_chart(
    base: Point, current: Point, target: float, due_at: float, direction: Direction
) -> UnsdResult | None:
    span = current.at - base.at
    if span < MIN_SPAN_YEARS or base.value == 0 or current.value / base.value < 0:
        return None
    if direction.sign * (target - base.value) <= 0:
        return None
    cagr = growth(current.value, base.value, current.at, base.at)
    if cagr is None:
        return None
    carried = power(1 + cagr, due_at - current.at)
    expected_due = None if carried is None else finite(current.value * carried)
    if expected_due is None:
        return None
    ratio = finite((expected_due - base.value) / (target - base.value))
    if ratio is None:
        return None
    return UnsdResult(cagr=cagr, expected_due=expected_due, ratio=ratio, category=category(ratio))
