"""What a target is judged on (pure): its base, its latest figure and the projection's reading
of the figures between — from the whole history here, from a series' state in
chiso_scoring.methods.state (the same, without reading the history).
"""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from chiso_core.catalog import Baseline
from chiso_core.periods import year_end
from chiso_scoring.methods import projection
from chiso_scoring.methods.projection import LOOKBACK_YEARS, Drift
from chiso_scoring.methods.series import EPSILON, Point


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class History:
    """The base, then the figures after it up to the due date, as the methods read them: the
    path, StatCan and UNSD read the base and the latest; the projection the random walk over
    its window (projection.drift: the base, then the figures within the look-back)."""

    base: Point
    base_stated: bool  # from the plan (True) or the first figure standing in for it (False)
    latest: Point  # the latest figure up to the due date; the base when none is after it
    latest_observed_at: float  # the last figure received (staleness), even before the base
    walk: Drift | None  # None: fewer than two positions

    @property
    def has_trend(self) -> bool:
        """At least two positions: the base and a later figure."""
        return self.latest.at > self.base.at + EPSILON


def base_of(baseline: Baseline | Point | None, first: Point) -> Point:
    """The plan's baseline (at its year's end), else the first figure."""
    if isinstance(baseline, Baseline):
        return Point(year_end(baseline.year), baseline.value)
    return first if baseline is None else baseline


def _at(p: Point) -> float:
    return p.at


def history(
    series: Sequence[Point],
    baseline: Baseline | Point | None,
    due_at: float,
    lookback: float = LOOKBACK_YEARS,
) -> History | None:
    """The base (the plan's baseline, else the first figure) and the figures after it, up to the
    due date: a target 'by 2030' is judged on the 2030 figure, later ones do not change it.
    None when there is no figure at all."""
    if not series:
        return None
    base = base_of(baseline, series[0])
    # by position: the figures after the base up to the due date are a slice (bisect, not a
    # scan of the series)
    first = bisect.bisect_right(series, base.at + EPSILON, key=_at)
    points = (base, *series[first : bisect.bisect_right(series, due_at + EPSILON, key=_at)])
    return History(
        base=base,
        base_stated=baseline is not None,
        latest=points[-1],
        latest_observed_at=series[-1].at,
        walk=projection.drift(projection.window(points, lookback)),
    )
