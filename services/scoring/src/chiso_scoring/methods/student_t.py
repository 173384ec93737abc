"""Student's t distribution: CDF and quantile, without scipy (pure).

The CDF is exact up to rounding: F(t) = 1 − ½ · I_x(ν/2, ½) for t > 0, x = ν / (ν + t²), and
near the centre (t² < ν) F(t) = ½ + ½ · I_y(½, ν/2), y = t² / (ν + t²), which keeps the
precision of small t. I is the regularized incomplete beta function, evaluated by its continued
fraction (modified Lentz, as in Numerical Recipes §6.4). The quantile inverts the CDF by
Newton's method kept inside a bisection bracket, with exact closed forms for ν = 1 (Cauchy) and
ν = 2. Above NORMAL_ABOVE degrees of freedom the normal distribution (statistics.NormalDist)
stands in: the difference is below 1e-6 there.
"""

import math
from functools import lru_cache
from statistics import NormalDist

NORMAL_ABOVE = 1_000_000
_STANDARD_NORMAL = NormalDist()
_MAX_ITERATIONS = 500
_TINY = 1e-300
_TOLERANCE = 1e-15


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_ITERATIONS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _TOLERANCE:
            return h
    raise ArithmeticError(f"incomplete beta ({a}, {b}, {x}) did not converge")


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def cdf(t: float, df: float) -> float:
    """P(T ≤ t) for T with `df` degrees of freedom; cdf(−t) = 1 − cdf(t) by construction."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if math.isnan(t):
        raise ValueError("t is not a number")
    if df > NORMAL_ABOVE:
        return _STANDARD_NORMAL.cdf(t)
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    t2 = t * t
    if t2 < df:  # near the centre: the mass between 0 and |t|, by I_y(½, ν/2), y = t²/(ν + t²)
        half = 0.5 * regularized_beta(0.5, df / 2.0, t2 / (df + t2))
        return 0.5 + half if t > 0 else 0.5 - half
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t2))
    return 1.0 - tail if t > 0 else tail


def pdf(t: float, df: float) -> float:
    return math.exp(
        math.lgamma((df + 1) / 2)
        - math.lgamma(df / 2)
        - 0.5 * math.log(df * math.pi)
        - (df + 1) / 2 * math.log1p(t * t / df)
    )


@lru_cache(maxsize=256)
def ppf(p: float, df: float) -> float:
    """The quantile: the t with cdf(t, df) = p, for 0 < p < 1."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must lie strictly between 0 and 1")
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if df > NORMAL_ABOVE:
        return _STANDARD_NORMAL.inv_cdf(p)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    if p < 0.5:
        return -ppf(1.0 - p, df)
    if p == 0.5:
        return 0.0
    # Bracket [0, high] with cdf(high) ≥ p, then Newton steps that stay inside the bracket.
    low, high = 0.0, 1.0
    while cdf(high, df) < p:
        low, high = high, high * 2
    t = min(max(_STANDARD_NORMAL.inv_cdf(p), low), high)
    for _ in range(200):
        f = cdf(t, df) - p
        if f > 0:
            high = t
        else:
            low = t
        step = f / pdf(t, df)
        candidate = t - step
        if not low < candidate < high:
            candidate = (low + high) / 2
        if abs(candidate - t) <= 1e-14 * max(1.0, abs(t)):
            return candidate
        t = candidate
    return t
