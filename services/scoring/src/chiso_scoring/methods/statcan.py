"""Method 2, the Statistics Canada / Open SDG progress measure, as open-sdg/sdg-build implements
it in `sdg/ProgressMeasure.py` (SeriesProgress, methodology 2: a quantitative target) (pure).

    CAGR_o = (v_cur / v_base)^(1 / (t_cur − t_base)) − 1        observed growth
    CAGR_r = (target / v_base)^(1 / (t_due − t_base)) − 1       required growth
    ratio  = sign · direction · CAGR_o / |CAGR_r|                sign = −1 when v_base < 0

- `target_achieved` when the current value already meets the target, not strictly:
  current ≥ target (direction +1) or current ≤ target (direction −1);
- a target or a base value of 0 is replaced by 0.001 (sdg-build warns and goes on);
- not available when base and current values have opposite signs, when the base is after the
  current figure, or when they are less than one year apart ("at least 2 data points");
- category: target_achieved, else ratio ≥ 0.95 substantial, ≥ 0.6 moderate, ≥ 0 limited
  progress, < 0 deterioration; not_available when there is no ratio;
- score on [−5, 5]: 5 when the target is achieved, else 7.1429 · ratio − 4.2857 (at most 5)
  from ratio 0.6 up, 4.1667 · ratio − 2.5 (at least −5) below.

Cases sdg-build leaves undefined are reported as not available here: a target and a base of
opposite signs (a negative number to a fractional power: NaN or a complex number there), a
target equal to the base (CAGR_r = 0: a division by zero), a due date not after the base, and
growth rates beyond the floating-point range (NaN or infinity there).

The direction always comes from the catalog: sdg-build defaults to "negative" (lower is
better) when none is configured; here there is no default.
"""

from dataclasses import dataclass
from enum import StrEnum

from chiso_core.catalog import Direction
from chiso_scoring.methods.series import Point, finite, growth

HIGH = 0.95  # sdg-build progress_thresholds['high'] for methodology 2
MED = 0.6  # ['med']
LOW = 0.0  # ['low']
ZERO_SUBSTITUTE = 0.001
MIN_SPAN_YEARS = 1.0  # `if self.current_year - self.base_year < 1: ... return None`


class StatCanCategory(StrEnum):
    TARGET_ACHIEVED = "target_achieved"
    SUBSTANTIAL_PROGRESS = "substantial_progress"
    MODERATE_PROGRESS = "moderate_progress"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NOT_AVAILABLE = "not_available"


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class StatCanResult:
    target_achieved: bool
    ratio: float | None  # sdg-build's progress_value
    category: StatCanCategory
    score: float | None
    cagr_observed: float | None
    cagr_required: float | None
    substituted: bool  # a base or target of 0 was replaced by 0.001


def target_achieved(current: float, target: float, direction: Direction) -> bool:
    """sdg-build's is_target_achieved (after the target's 0 → 0.001 replacement)."""
    d = direction.sign
    return (d == -1 and current <= target) or (d == 1 and current >= target)


def category(ratio: float | None, achieved: bool) -> StatCanCategory:
    """sdg-build's get_progress_status with the default methodology-2 thresholds."""
    if achieved:
        return StatCanCategory.TARGET_ACHIEVED
    if ratio is None:
        return StatCanCategory.NOT_AVAILABLE
    if ratio >= HIGH:
        return StatCanCategory.SUBSTANTIAL_PROGRESS
    if ratio >= MED:
        return StatCanCategory.MODERATE_PROGRESS
    if ratio >= LOW:
        return StatCanCategory.LIMITED_PROGRESS
    return StatCanCategory.DETERIORATION


def score(ratio: float | None, achieved: bool) -> float | None:
    """sdg-build's get_score for methodology 2. Its four branches pair up: the 'high' and 'med'
    branches share one line, the 'low' and below-'low' branches the other."""
    if achieved:
        return 5.0
    if ratio is None:
        return None
    if ratio >= MED:
        return min((7.1429 * ratio) - 4.2857, 5.0)
    return max((4.1667 * ratio) - 2.5, -5.0)


def progress_measure(
    base: Point, current: Point, target: float, due_at: float, direction: Direction
) -> StatCanResult:
    substituted = target == 0 or base.value == 0
    if target == 0:
        target = ZERO_SUBSTITUTE
    sign = -1 if base.value < 0 else 1  # taken before the base's own 0 → 0.001
    achieved = target_achieved(current.value, target, direction)
    base_value = ZERO_SUBSTITUTE if base.value == 0 else base.value
    cagr_o: float | None = None
    cagr_r: float | None = None
    ratio: float | None = None
    if (
        not ((base_value > 0 and current.value < 0) or (base_value < 0 and current.value > 0))
        and base.at <= current.at
        and current.at - base.at >= MIN_SPAN_YEARS
    ):
        cagr_o = growth(current.value, base_value, current.at, base.at)
        if target / base_value > 0 and due_at > base.at:
            cagr_r = growth(target, base_value, due_at, base.at)
            if cagr_o is not None and cagr_r is not None and cagr_r != 0:
                ratio = finite(sign * direction.sign * cagr_o / abs(cagr_r))
    return StatCanResult(
        target_achieved=achieved,
        ratio=ratio,
        category=category(ratio, achieved),
        score=score(ratio, achieved),
        cagr_observed=cagr_o,
        cagr_required=cagr_r,
        substituted=substituted,
    )
