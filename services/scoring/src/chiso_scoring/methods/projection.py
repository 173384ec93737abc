"""Method 4, the projection to the due date: a random walk with drift whose trend is itself
uncertain (pure; docs/scoring.md has the formulas with a worked example).

The figures are read as a random walk with drift observed at their positions t_0 < … < t_n
(Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd ed., §5.5, "drift
method", written for unequal spacing): over Δt years a figure moves by μ·Δt plus a random step
of variance σ²·Δt. With the span S = t_n − t_0 and the increments Δy_i over Δt_i:

    drift      μ̂  = (y_n − y_0) / S
    step       σ̂² = (Σ Δy_i² / Δt_i − (y_n − y_0)² / S) / (n − 1)        (n − 1 degrees of freedom)
    centre     ŷ  = y_n + μ̂ · H,   H = t_due − t_n
    variance   V  = σ̂² · (H + H² / S)  +  (κ · μ̂ · H)²

The first term is the drift method's: the steps still to come (σ̂²·H) and the drift's own
sampling error carried over the horizon (σ̂²·H²/S). The second is the trend's own uncertainty
beyond its sampling error: the pace of the coming years is not the pace of the past ones
(growth rates persist little from one period to the next: Easterly, Kremer, Pritchett &
Summers 1993), so the drift over the horizon is taken as μ̂·(1 + κ·Z), κ = TREND_SPREAD. A
smooth series is therefore not a certain one: without it, 18 months of a near-perfect line
would make a five-year extrapolation sure.

The interval is ŷ ± t_{n−1, (1+L)/2} · √V and the probability of meeting the target is the
t distribution's mass on the target's side (between the edges for a range). Three positions
are needed (two increments, one degree of freedom); two give the centre only.

Only the figures within LOOKBACK_YEARS before the latest are read, and the base: what a
judgement depends on does not grow with the history.
"""

import bisect
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

# scipy.special's Student t, not scipy.stats': the same functions without the per-call
# argument handling that costs a hundred times more on the scoring path
from scipy.special import stdtr, stdtrit

from chiso_scoring.methods.series import EPSILON, Point, growth

LEVEL = 0.95
# The drift over the horizon is μ̂·(1 + κ·Z): about ±50 % of the recent pace at 95 %.
TREND_SPREAD = 0.25
# The figures older than this before the latest one are not read (the base always is).
LOOKBACK_YEARS: float = 10.0


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Drift:
    """What the projection reads from the figures: a state of five numbers."""

    first: Point
    last: Point
    increments: int  # n
    squares: float  # Σ Δy_i² / Δt_i

    @property
    def span(self) -> float:
        return self.last.at - self.first.at

    @property
    def slope(self) -> float:
        return (self.last.value - self.first.value) / self.span

    @property
    def step_variance(self) -> float | None:
        """σ̂² per year; None without a degree of freedom."""
        if self.increments < 2:
            return None
        rise = self.last.value - self.first.value
        return max(self.squares - rise * rise / self.span, 0.0) / (self.increments - 1)


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Projection:
    at: float
    value: float
    slope: float  # units per year
    low: float | None
    high: float | None
    level: float
    probability: float | None  # of the figure at the due date meeting the target


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Region:
    """Where a figure at the due date meets the target: above `low`, below `high`."""

    low: float | None = None
    high: float | None = None


def _at(p: Point) -> float:
    return p.at


def window(points: Sequence[Point], lookback: float = LOOKBACK_YEARS) -> tuple[Point, ...]:
    """The base (the first point) and the figures within `lookback` years before the latest."""
    if not points:
        return ()
    # by position: the figures within the lookback are a suffix (bisect, not a scan)
    start = bisect.bisect_left(points, points[-1].at - lookback - EPSILON, lo=1, key=_at)
    return (points[0], *points[start:])


def square_step(a: Point, b: Point) -> float:
    """One increment's Δy² / Δt."""
    # r · r, not r ** 2: pow() need not be correctly rounded, a product is (which keeps the
    # result exactly proportional when the figures are scaled by a power of two)
    return (b.value - a.value) * (b.value - a.value) / (b.at - a.at)


def drift(points: Sequence[Point], squares: float | None = None) -> Drift | None:
    """None with fewer than two positions (points by position, one per position). `squares`:
    Σ Δy_i² / Δt_i over the points when the caller kept it (see exact), else summed here."""
    if len(points) < 2 or points[-1].at - points[0].at < EPSILON:
        return None
    if squares is None:
        squares = math.fsum(square_step(a, b) for a, b in pairwise(points))
    return Drift(first=points[0], last=points[-1], increments=len(points) - 1, squares=squares)


# Σ Δy²/Δt kept from figure to figure (chiso_scoring.methods.state) rather than summed over the
# window at each: every finite float is a whole multiple of 2^-1074, so terms added and taken
# out as whole numbers of that unit give the exact sum, and its float (an int divided by an
# int is correctly rounded) is math.fsum's of the same terms, itself correctly rounded.
_UNIT_BITS = 1074
_UNIT = 1 << _UNIT_BITS
_LARGEST = 1 << (1074 + 1000)  # beyond, the float sum may overflow: summed as math.fsum does


def exact(term: float) -> int | None:
    """The term in units of 2^-1074; None for an infinite one (summed as math.fsum does)."""
    if not math.isfinite(term):
        return None
    numerator, denominator = term.as_integer_ratio()
    # the denominator is 2^k (k ≤ 1074): a shift, where a product with a quotient of
    # thousand-bit numbers was half of a fold's cost
    return numerator << (_UNIT_BITS + 1 - denominator.bit_length())


def rounded(total: int) -> float | None:
    """An exact sum of terms as math.fsum gives it; None where it might overflow."""
    return total / _UNIT if abs(total) < _LARGEST else None


def spread(state: Drift, horizon: float) -> float | None:
    """√V at `horizon` years after the latest figure; None without a degree of freedom."""
    step = state.step_variance
    if step is None:
        return None
    trend = TREND_SPREAD * state.slope * horizon
    return math.sqrt(step * (horizon + horizon * horizon / state.span) + trend * trend)


# Kept per (df, p): the windows give a few hundred degrees of freedom at most, and the inverse
# of the t distribution is the dearest step of a projection.
@functools.lru_cache(maxsize=4096)
def quantile(df: int, p: float) -> float:
    """The t distribution's p-quantile with df degrees of freedom."""
    return float(stdtrit(df, p))


def probability_in(region: Region, centre: float, sd: float, df: int) -> float:
    """P(centre + sd · T ∈ region), T with df degrees of freedom; a sure thing when sd = 0."""
    if sd == 0:
        inside = (region.low is None or centre >= region.low) and (
            region.high is None or centre <= region.high
        )
        return 1.0 if inside else 0.0
    if region.low is not None and region.high is not None:
        return float(stdtr(df, (region.high - centre) / sd) - stdtr(df, (region.low - centre) / sd))
    if region.low is not None:
        # the upper tail as the lower tail of the mirror image, not 1 − cdf: no precision lost
        return float(stdtr(df, (centre - region.low) / sd))
    if region.high is not None:
        return float(stdtr(df, (region.high - centre) / sd))
    return 1.0


def project(
    points: Sequence[Point],
    due_at: float,
    region: Region | None,
    *,
    level: float = LEVEL,
    lookback: float = LOOKBACK_YEARS,
    squares: float | None = None,
) -> Projection | None:
    """`points`: the base, then the figures after it, by position; `squares`: the window's
    Σ Δy² / Δt when the caller kept it (see drift)."""
    return extrapolate(drift(window(points, lookback), squares), due_at, region, level=level)


def extrapolate(
    state: Drift | None, due_at: float, region: Region | None, *, level: float = LEVEL
) -> Projection | None:
    """The projection from what it reads of the figures (`drift` of the window; None: fewer
    than two positions, no projection)."""
    if state is None:
        return None
    horizon = max(due_at - state.last.at, 0.0)
    value = state.last.value + state.slope * horizon
    sd = spread(state, horizon)
    low = high = probability = None
    if sd is not None:
        df = state.increments - 1
        half_width = quantile(df, (1 + level) / 2) * sd
        low, high = value - half_width, value + half_width
        if region is not None:
            probability = probability_in(region, value, sd, df)
    return Projection(
        at=due_at,
        value=value,
        slope=state.slope,
        low=low,
        high=high,
        level=level,
        probability=probability,
    )


def needed_annual_change(latest: Point, aim: float, due_at: float) -> float | None:
    """Units per year from the latest figure to the aim; None once the due date is reached."""
    if due_at <= latest.at + EPSILON:
        return None
    return (aim - latest.value) / (due_at - latest.at)


def needed_annual_growth(latest: Point, aim: float, due_at: float) -> float | None:
    """The yearly growth rate from the latest figure to the aim, where one exists."""
    if due_at <= latest.at + EPSILON or latest.value == 0 or aim / latest.value <= 0:
        return None
    return growth(aim, latest.value, due_at, latest.at)
