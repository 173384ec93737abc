"""Method 4, the projection to the due date (pure).

A straight line fitted by weighted least squares, the weights favouring recent figures: a
figure h years older than the latest counts half as much (w_i = 2^(−(t_last − t_i) / h), h the
half-life; the latest figure weighs 1). With W = Σ w_i, t̄ = Σ w_i t_i / W, ȳ = Σ w_i y_i / W,
S_tt = Σ w_i (t_i − t̄)², S_ty = Σ w_i (t_i − t̄)(y_i − ȳ):

    slope β = S_ty / S_tt,  ŷ(t) = ȳ + β · (t − t̄)
    σ̂² = Σ w_i (y_i − ŷ(t_i))² / (n − 2)                  (n − 2 degrees of freedom)
    se  = σ̂ · √(1 + 1/W + (t_due − t̄)² / S_tt)             (a new figure of weight 1)
    interval: ŷ(t_due) ± t_{n−2, (1+level)/2} · se

The weights are read as precisions (a figure of weight w has variance σ²/w), which makes this
the textbook weighted-least-squares prediction interval for a new figure as precise as the
latest. The probability of meeting the target is the t distribution's mass on the target's side
of the bound (between both bounds for a range). Two positions give a line but no interval (no
degree of freedom left); the interval and the probability need three.

The annual change needed from now on: (T − y_latest) / (t_due − t_latest) in the figure's units
per year, and the growth rate (T / y_latest)^(1 / (t_due − t_latest)) − 1 where it exists.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from chiso_scoring.methods import student_t
from chiso_scoring.methods.series import EPSILON, Point, finite

HALF_LIFE_YEARS = 3.0
LEVEL = 0.95


@dataclass(frozen=True)
class Fit:
    origin: float  # the latest position: times are taken from it, for precision
    slope: float
    t_mean: float  # from the origin
    y_mean: float
    weight_sum: float
    s_tt: float
    df: int
    sigma: float | None  # None without a degree of freedom

    def at(self, t: float) -> float:
        return self.y_mean + self.slope * ((t - self.origin) - self.t_mean)

    def distance(self, t: float) -> float:
        """t − t̄."""
        return (t - self.origin) - self.t_mean


@dataclass(frozen=True)
class Projection:
    at: float
    value: float
    slope: float  # units per year
    low: float | None
    high: float | None
    level: float
    probability: float | None  # of the figure at the due date meeting the target


@dataclass(frozen=True)
class Region:
    """Where a figure at the due date meets the target: above `low`, below `high`."""

    low: float | None = None
    high: float | None = None


def weights(ats: Sequence[float], half_life: float) -> list[float]:
    latest = max(ats)
    return [0.5 ** ((latest - t) / half_life) for t in ats]


def fit(points: Sequence[Point], half_life: float = HALF_LIFE_YEARS) -> Fit | None:
    """None with fewer than two positions."""
    if len(points) < 2 or max(p.at for p in points) - min(p.at for p in points) < EPSILON:
        return None
    origin = max(p.at for p in points)
    u = [p.at - origin for p in points]
    y = [p.value for p in points]
    w = weights([p.at for p in points], half_life)
    total = math.fsum(w)
    t_mean = math.fsum(wi * ui for wi, ui in zip(w, u, strict=True)) / total
    y_mean = math.fsum(wi * yi for wi, yi in zip(w, y, strict=True)) / total
    s_tt = math.fsum(wi * (ui - t_mean) * (ui - t_mean) for wi, ui in zip(w, u, strict=True))
    s_ty = math.fsum(wi * (ui - t_mean) * (yi - y_mean) for wi, ui, yi in zip(w, u, y, strict=True))
    slope = s_ty / s_tt
    df = len(points) - 2
    sigma: float | None = None
    if df > 0:
        # r · r, not r ** 2: pow() need not be correctly rounded, a product is (which keeps
        # the fit exactly proportional when the figures are scaled by a power of two)
        errors = [yi - (y_mean + slope * (ui - t_mean)) for ui, yi in zip(u, y, strict=True)]
        residuals = math.fsum(wi * r * r for wi, r in zip(w, errors, strict=True))
        sigma = math.sqrt(residuals / df)
    return Fit(
        origin=origin,
        slope=slope,
        t_mean=t_mean,
        y_mean=y_mean,
        weight_sum=total,
        s_tt=s_tt,
        df=df,
        sigma=sigma,
    )


def probability_in(region: Region, centre: float, se: float, df: int) -> float:
    """P(centre + se · T ∈ region), T with df degrees of freedom; a sure thing when se = 0."""
    if se == 0:
        inside = (region.low is None or centre >= region.low) and (
            region.high is None or centre <= region.high
        )
        return 1.0 if inside else 0.0
    if region.low is not None and region.high is not None:
        return student_t.cdf((region.high - centre) / se, df) - student_t.cdf(
            (region.low - centre) / se, df
        )
    if region.low is not None:
        return student_t.cdf((centre - region.low) / se, df)
    if region.high is not None:
        return student_t.cdf((region.high - centre) / se, df)
    return 1.0


def project(
    points: Sequence[Point],
    due_at: float,
    region: Region | None,
    *,
    half_life: float = HALF_LIFE_YEARS,
    level: float = LEVEL,
) -> Projection | None:
    line = fit(points, half_life)
    if line is None:
        return None
    value = line.at(due_at)
    low = high = probability = None
    if line.sigma is not None:
        se = line.sigma * math.sqrt(
            1 + 1 / line.weight_sum + line.distance(due_at) * line.distance(due_at) / line.s_tt
        )
        half_width = student_t.ppf((1 + level) / 2, line.df) * se
        low, high = value - half_width, value + half_width
        if region is not None:
            probability = probability_in(region, value, se, line.df)
    return Projection(
        at=due_at,
        value=value,
        slope=line.slope,
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
    return finite(lambda: float((aim / latest.value) ** (1 / (due_at - latest.at)) - 1))
