"""Properties of `assess` over generated plans and series (hypothesis).

- a better figure never gives a worse status, in the order of chiso_scoring.methods.status
  (worst to best: stale, insufficient_data, deteriorating, off_track, needs_acceleration,
  on_track, achieved);
- mirroring (negating every value and swapping the comparator and the direction) mirrors the
  result: the same status, gaps, ratios and probabilities, negated levels;
- no target is on_track while the projection gives it less than 10 %, and a status judged on
  the trend names the probability in its reason;
- scaling units (every value and target times k > 0) changes nothing but the levels, which
  scale by k. k is drawn among powers of two, whose products are exact in floating point, so
  "nothing" means bit for bit; other factors are checked on worked examples, approximately.

sdg-build's 0 → 0.001 stand-in is neither mirrored nor scaled (0.001 stays 0.001), so the
StatCan figures are compared only where it did not apply; the status never rests on them there.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Baseline, Comparator, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.status import Status
from chiso_scoring.methods import Assessment, Point, assess
from chiso_scoring.methods.series import PERIOD_YEARS
from chiso_scoring.methods.status import rank

UP = Direction.HIGHER_IS_BETTER
DOWN = Direction.LOWER_IS_BETTER
MIRRORED = {
    Comparator.GT: Comparator.LT,
    Comparator.GTE: Comparator.LTE,
    Comparator.LT: Comparator.GT,
    Comparator.LTE: Comparator.GTE,
    Comparator.BETWEEN: Comparator.BETWEEN,
}

# Quarters (exact, with 0 and negatives) and any floats of magnitude 0.001 to 1000: tinier
# ones make subnormal results, where scaling by a power of two is no longer exact.
values = st.one_of(
    st.integers(min_value=-400, max_value=400).map(lambda i: i / 4),
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).filter(
        lambda x: x == 0 or abs(x) >= 1e-3
    ),
)


@dataclass(frozen=True)
class Scenario:
    target: Target
    direction: Direction
    cadence: Cadence
    baseline: Baseline | None
    earlier: tuple[Point, ...]
    latest_at: float
    now: date

    def run(self, latest: float) -> Assessment:
        series = [*self.earlier, Point(self.latest_at, latest)]
        return assess(self.target, self.direction, self.cadence, self.baseline, series, self.now)


def on_date(position: float, days_later: int) -> date:
    year = math.floor(position)
    return date(year, 1, 1) + timedelta(days=round((position - year) * 365) + days_later)


@st.composite
def targets(draw: st.DrawFn, comparator: Comparator, due_year: int) -> Target:
    """A target of any kind: a range's edges, a growth rate, a milestone, or a level."""
    if comparator is Comparator.BETWEEN:
        low, high = sorted((draw(values), draw(values)))
        value, pair = None, (low, high)
    elif comparator is Comparator.MILESTONE:
        value, pair = None, None
    elif comparator is Comparator.GROWTH_GTE:
        value, pair = draw(st.integers(min_value=-20, max_value=40).map(float)), None
    else:
        value, pair = draw(values), None
    return Target(
        id="t",
        indicator="i",
        comparator=comparator,
        value=value,
        values=pair,
        unit="u",
        due_year=due_year,
        quote="q",
    )


@st.composite
def scenarios(draw: st.DrawFn, comparators: list[Comparator]) -> Scenario:
    comparator = draw(st.sampled_from(comparators))
    # the comparator agrees with the direction, as in the catalog ("≤ 15th" for a rank);
    # "> x" of a lower-is-better figure would make a better figure a miss
    if comparator is Comparator.BETWEEN:
        direction = draw(st.sampled_from([UP, DOWN]))
    else:
        direction = DOWN if comparator in (Comparator.LT, Comparator.LTE) else UP
    due_year = draw(st.integers(min_value=2025, max_value=2034))
    target = draw(targets(comparator, due_year))
    cadence = draw(st.sampled_from(list(Cadence)))
    step = PERIOD_YEARS[cadence]
    first = draw(st.integers(min_value=0, max_value=int(8 / step)))
    earlier_values = draw(st.lists(values, max_size=6))
    gaps = draw(st.lists(st.integers(min_value=1, max_value=3), min_size=len(earlier_values) + 1))
    index = first
    earlier: list[Point] = []
    for v, gap in zip(earlier_values, gaps, strict=False):
        earlier.append(Point(2021.0 + (index + 1) * step, v))
        index += gap
    latest_at = 2021.0 + (index + 1) * step
    baseline = None
    if draw(st.booleans()):
        year = draw(st.integers(min_value=2019, max_value=min(due_year - 1, 2030)))
        baseline = Baseline(indicator="i", value=draw(values), year=year, quote="q")
    now = on_date(latest_at, draw(st.integers(min_value=0, max_value=900)))
    return Scenario(target, direction, cadence, baseline, tuple(earlier), latest_at, now)


@settings(max_examples=400)
@given(scenario=scenarios(list(Comparator)), a=values, b=values)
def test_a_better_figure_never_gives_a_worse_status(scenario: Scenario, a: float, b: float) -> None:
    worse, better = sorted((a, b), key=lambda v: scenario.direction.sign * v)
    t = scenario.target
    if t.comparator is Comparator.BETWEEN and t.values is not None:
        # past the far edge of a range is a miss: "better" is closer from the near side
        low, high = t.values
        assume(better <= high if scenario.direction is UP else better >= low)
    worse_status = scenario.run(worse).status
    better_status = scenario.run(better).status
    assert rank(better_status) >= rank(worse_status), (worse_status, better_status)


@settings(max_examples=400)
@given(scenario=scenarios(list(Comparator)), latest=values)
def test_never_on_track_while_the_projection_doubts_it(scenario: Scenario, latest: float) -> None:
    """No target is on_track while its probability is below 10 %; where the status and the
    probability could seem to differ (any status judged on the trend), the reason names the
    probability beside the pace that decided."""
    r = scenario.run(latest)
    if r.probability is None:
        return
    assert not (r.status is Status.ON_TRACK and r.probability < 0.10), r.reason
    if r.pace is not None and r.reason.startswith("pace"):
        assert "pace" in r.reason
        assert "projection" in r.reason


def mirror(s: Scenario) -> Scenario:
    t = s.target
    return Scenario(
        target=t.model_copy(
            update={
                "comparator": MIRRORED[t.comparator],
                "value": None if t.value is None else -t.value,
                "values": None if t.values is None else (-t.values[1], -t.values[0]),
            }
        ),
        direction=DOWN if s.direction is UP else UP,
        cadence=s.cadence,
        baseline=None
        if s.baseline is None
        else s.baseline.model_copy(update={"value": -s.baseline.value}),
        earlier=tuple(Point(p.at, -p.value) for p in s.earlier),
        latest_at=s.latest_at,
        now=s.now,
    )


def negated(x: float | None) -> float | None:
    return None if x is None else -x


def stand_in_used(r: Assessment) -> bool:
    return r.base_value == 0 or r.aim == 0


@settings(max_examples=400)
@given(scenario=scenarios(list(MIRRORED)), latest=values)
def test_mirroring_the_direction_mirrors_the_result(scenario: Scenario, latest: float) -> None:
    r = scenario.run(latest)
    m = mirror(scenario).run(-latest)
    assert m.status is r.status
    assert m.reason == r.reason
    assert (m.gap, m.pace, m.progress) == (r.gap, r.pace, r.progress)
    assert (m.expected, m.aim, m.latest_value) == (
        negated(r.expected),
        negated(r.aim),
        negated(r.latest_value),
    )
    assert (m.unsd_ratio, m.unsd_category) == (r.unsd_ratio, r.unsd_category)
    assert m.unsd_expected_due == negated(r.unsd_expected_due)
    assert (m.projection, m.projection_low, m.projection_high) == (
        negated(r.projection),
        negated(r.projection_high),
        negated(r.projection_low),
    )
    assert m.needed_annual_change == negated(r.needed_annual_change)
    assert m.needed_annual_growth == r.needed_annual_growth
    if r.probability is None:
        assert m.probability is None
    else:
        assert m.probability == pytest.approx(r.probability, abs=1e-12)
    if not stand_in_used(r):
        assert (m.statcan_ratio, m.statcan_category, m.statcan_score) == (
            r.statcan_ratio,
            r.statcan_category,
            r.statcan_score,
        )


def scaled(s: Scenario, k: float) -> Scenario:
    t = s.target
    update: dict[str, object] = {
        "values": None if t.values is None else (t.values[0] * k, t.values[1] * k)
    }
    if t.value is not None and t.comparator is not Comparator.GROWTH_GTE:  # a rate has no unit
        update["value"] = t.value * k
    return Scenario(
        target=t.model_copy(update=update),
        direction=s.direction,
        cadence=s.cadence,
        baseline=None
        if s.baseline is None
        else s.baseline.model_copy(update={"value": s.baseline.value * k}),
        earlier=tuple(Point(p.at, p.value * k) for p in s.earlier),
        latest_at=s.latest_at,
        now=s.now,
    )


def times(x: float | None, k: float) -> float | None:
    return None if x is None else x * k


@settings(max_examples=400)
@given(
    # a milestone is done at 1: its unit is "done", nothing to scale
    scenario=scenarios([c for c in Comparator if c is not Comparator.MILESTONE]),
    latest=values,
    power=st.integers(min_value=-8, max_value=8),
)
def test_scaling_units_changes_nothing(scenario: Scenario, latest: float, power: int) -> None:
    k = 2.0**power
    r = scenario.run(latest)
    s = scaled(scenario, k).run(latest * k)
    assert s.status is r.status
    assert (s.pace, s.progress, s.probability) == (r.pace, r.progress, r.probability)
    assert (s.unsd_ratio, s.unsd_category) == (r.unsd_ratio, r.unsd_category)
    assert (s.needed_annual_growth, s.years_missed) == (r.needed_annual_growth, r.years_missed)
    assert (s.expected, s.gap, s.aim, s.projection, s.projection_low, s.needed_annual_change) == (
        times(r.expected, k),
        times(r.gap, k),
        times(r.aim, k),
        times(r.projection, k),
        times(r.projection_low, k),
        times(r.needed_annual_change, k),
    )
    if not stand_in_used(r):
        assert (s.statcan_ratio, s.statcan_category, s.statcan_score) == (
            r.statcan_ratio,
            r.statcan_category,
            r.statcan_score,
        )


@pytest.mark.parametrize("k", [0.01, 1000.0, 3.7])
def test_scaling_by_any_factor_on_the_worked_example(k: float) -> None:
    """Percent to a fraction (0.01), thousands to units (1000), anything (3.7): the issue's
    example keeps its ratios, score and status; levels scale."""
    t = Target(
        id="t",
        indicator="i",
        comparator=Comparator.GTE,
        value=80 * k,
        unit="u",
        due_year=2030,
        quote="q",
    )
    base = Baseline(indicator="i", value=60 * k, year=2024, quote="q")
    series = [(2026.0, 63 * k), (2027.0, 64 * k), (2028.0, 67.5 * k)]
    r = assess(t, UP, Cadence.YEAR, base, series, date(2028, 3, 1))
    assert r.status is Status.NEEDS_ACCELERATION
    assert r.statcan_ratio == pytest.approx(0.815267, abs=1e-6)
    assert r.unsd_ratio == pytest.approx(0.796875)
    assert r.gap == pytest.approx(-2.5 * k)
    assert r.probability is not None
    reference = assess(
        t.model_copy(update={"value": 80.0}),
        UP,
        Cadence.YEAR,
        base.model_copy(update={"value": 60.0}),
        [(at, v / k) for at, v in series],
        date(2028, 3, 1),
    )
    assert reference.probability is not None
    assert r.probability == pytest.approx(reference.probability, rel=1e-9)
