"""Is the projection's probability honest? Rolling-origin backtests on real public long series,
the old method (main's weighted regression, kept here only) and the new side by side. Prints one
JSON line. Not part of the test run: `make bench-calibration`.

The series, as the statsmodels package ships them (no network):
- `statsmodels.datasets.fertility`: total fertility rate (births per woman), 1960–2013, yearly,
  for every country and aggregate the World Bank reports (World Development Indicators,
  SP.DYN.TFRT.IN; distributed under the World Bank's terms of use, CC BY 4.0);
- `statsmodels.datasets.macrodata`: twelve US quarterly series 1959–2009 (real GDP and its parts,
  prices, money, rates, unemployment, population), from FRED (Federal Reserve Bank of St. Louis)
  and the Bureau of Labor Statistics: public domain, as statsmodels states.

Each case is a plan as a province writes one: at an origin, the figures of the last `history`
years are in (the first is the base), and a target "≥ T" is due `horizon` years on. Origins
every 3 years (yearly series) or 2 years (quarterly), histories of 3, 6 and 10 years, horizons
of 1 to 5 years, and targets at seven levels set from what is known at the origin: the latest
figure plus k times the history's range, k ∈ {−1, −0.5, −0.2, 0, 0.2, 0.5, 1}, so the set holds
targets that are easily met, out of reach and everything between. The outcome is the figure
at the due date.

Figures, per method, over the cases where both give a probability:
- brier: mean (P − met)²; skill: 1 − brier / brier of the constant base rate (the share met);
- coverage: the share of outcomes inside the stated interval (95 %);
- confident_misses: the share of cases with P < 1 % and met, or P > 99 % and missed;
pooled, and by source (each source's skill against its own base rate).
The targets (issue 12): coverage within 10 points of 95 %, confident misses ≤ 1 %, skill not
below the old method's. The method's parameters are its documented ones, not tuned to this set.
"""

import json
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm  # type: ignore[import-untyped]
from scipy.special import stdtr, stdtrit

from chiso_scoring.methods import projection
from chiso_scoring.methods.projection import Region
from chiso_scoring.methods.series import Point

HISTORIES = (3.0, 6.0, 10.0)
HORIZONS = (1, 2, 3, 4, 5)
LEVELS = (-1.0, -0.5, -0.2, 0.0, 0.2, 0.5, 1.0)
LEVEL = 0.95


@dataclass(frozen=True)
class Forecast:
    low: float
    high: float
    probability: float  # of the figure at the due date being ≥ the target


Method = Callable[[Sequence[Point], float, float], Forecast | None]


def new(points: Sequence[Point], due_at: float, aim: float) -> Forecast | None:
    result = projection.project(points, due_at, Region(low=aim), level=LEVEL)
    if result is None or result.low is None or result.high is None or result.probability is None:
        return None
    return Forecast(result.low, result.high, result.probability)


def old(
    points: Sequence[Point], due_at: float, aim: float, half_life: float = 3.0
) -> Forecast | None:
    """Main's method 1 until issue 12: weighted least squares, weights 2^(−age / 3 years) read as
    precisions, the textbook prediction interval for a new figure of weight 1."""
    if len(points) < 3:
        return None
    t = np.array([p.at for p in points]) - points[-1].at
    y = np.array([p.value for p in points])
    w = 0.5 ** (-t / half_life)
    total = w.sum()
    t_mean, y_mean = (w * t).sum() / total, (w * y).sum() / total
    s_tt = (w * (t - t_mean) ** 2).sum()
    slope = (w * (t - t_mean) * (y - y_mean)).sum() / s_tt
    df = len(points) - 2
    sigma = math.sqrt((w * (y - y_mean - slope * (t - t_mean)) ** 2).sum() / df)
    distance = due_at - points[-1].at - t_mean
    centre = y_mean + slope * distance
    se = sigma * math.sqrt(1 + 1 / total + distance * distance / s_tt)
    half = float(stdtrit(df, (1 + LEVEL) / 2)) * se
    if se == 0:
        return Forecast(centre, centre, 1.0 if centre >= aim else 0.0)
    return Forecast(centre - half, centre + half, float(stdtr(df, (centre - aim) / se)))


def fertility() -> Iterator[list[Point]]:
    data = sm.datasets.fertility.load_pandas().data
    years = [c for c in data.columns if c.isdigit()]
    for _, row in data.iterrows():
        yield [Point(int(y) + 1.0, float(row[y])) for y in years if not math.isnan(row[y])]


def macro() -> Iterator[list[Point]]:
    data = sm.datasets.macrodata.load_pandas().data
    at = [float(y) + q / 4 for y, q in zip(data["year"], data["quarter"], strict=True)]
    for column in data.columns.drop(["year", "quarter"]):
        yield [Point(a, float(v)) for a, v in zip(at, data[column], strict=True)]


@dataclass(frozen=True)
class Case:
    points: tuple[Point, ...]  # the base, then the figures to the origin
    due_at: float
    aim: float
    outcome: float


def cases(series: list[Point], step: float) -> Iterator[Case]:
    if not series:
        return
    by_at = {round(p.at, 6): p.value for p in series}
    origin = series[0].at + max(HISTORIES)
    while origin + max(HORIZONS) <= series[-1].at + 1e-9:
        for history in HISTORIES:
            points = tuple(p for p in series if origin - history - 1e-9 <= p.at <= origin + 1e-9)
            if len(points) < 3:
                continue
            spread = max(p.value for p in points) - min(p.value for p in points)
            for horizon in HORIZONS:
                outcome = by_at.get(round(origin + horizon, 6))
                if outcome is None:
                    continue
                for k in LEVELS:
                    aim = points[-1].value + k * spread
                    yield Case(points, origin + horizon, aim, outcome)
        origin += step


@dataclass
class Tally:
    n: int = 0
    brier: float = 0.0
    covered: int = 0
    confident_misses: int = 0
    met: int = 0

    def add(self, f: Forecast, case: Case) -> None:
        met = case.outcome >= case.aim
        self.n += 1
        self.met += met
        self.brier += (f.probability - met) ** 2
        self.covered += f.low <= case.outcome <= f.high
        self.confident_misses += (f.probability < 0.01 and met) or (
            f.probability > 0.99 and not met
        )

    def merge(self, other: "Tally") -> None:
        self.n += other.n
        self.brier += other.brier
        self.covered += other.covered
        self.confident_misses += other.confident_misses
        self.met += other.met

    def summary(self) -> dict[str, float]:
        rate = self.met / self.n
        brier = self.brier / self.n
        return {
            "brier": round(brier, 4),
            "skill": round(1 - brier / (rate * (1 - rate)), 4),
            "coverage": round(self.covered / self.n, 4),
            "confident_misses": round(self.confident_misses / self.n, 4),
        }


def main() -> None:
    started = time.perf_counter()
    methods: dict[str, Method] = {"old": old, "new": new}
    sources = {"fertility": (fertility(), 3.0), "us_quarterly": (macro(), 2.0)}
    tallies = {(src, name): Tally() for src in sources for name in methods}
    series_count = 0
    for src, (source, step) in sources.items():
        for series in source:
            series_count += 1
            for case in cases(series, step):
                forecasts = {
                    name: m(case.points, case.due_at, case.aim) for name, m in methods.items()
                }
                for name, f in forecasts.items():
                    if all(g is not None for g in forecasts.values()):
                        assert f is not None
                        tallies[src, name].add(f, case)
    pooled = {name: Tally() for name in methods}
    for (_, name), t in tallies.items():
        pooled[name].merge(t)
    result = {
        "benchmark": "calibration",
        "series": series_count,
        "cases": pooled["new"].n,
        "base_rate": round(pooled["new"].met / pooled["new"].n, 4),
        "level": LEVEL,
        **{name: t.summary() for name, t in pooled.items()},
        "by_source": {
            src: {name: tallies[src, name].summary() for name in methods} for src in sources
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
