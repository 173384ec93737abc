"""The entry point: every method's figures and one status for a plan target in one
jurisdiction, from its figures so far (pure).

The caller passes the figures up to the period being scored; the figures after the due date do
not change a target's judgement (a target 'by 2030' is judged on the 2030 figure).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from chiso_core.catalog import Baseline, Comparator, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_core.periods import year_end
from chiso_core.status import Status
from chiso_scoring.methods import kinds, path, projection, statcan, status, unsd
from chiso_scoring.methods.kinds import TargetKind
from chiso_scoring.methods.path import PathResult, PathShape
from chiso_scoring.methods.series import EPSILON, Point, axis_position, ordered
from chiso_scoring.methods.statcan import StatCanCategory, StatCanResult
from chiso_scoring.methods.story import History, history
from chiso_scoring.methods.unsd import UnsdCategory, UnsdResult

METHOD = "published_methods"
METHOD_VERSION = "2"

# The kinds the trend methods (StatCan, UNSD, projection) apply to: the figure at the due date
# decides them. Counts per year are judged year by year; milestones are done or not.
TREND_KINDS = kinds.ON_A_PATH | {TargetKind.MAINTAIN}


@dataclass(frozen=True)
class Settings:
    lookback: float = projection.LOOKBACK_YEARS
    level: float = projection.LEVEL
    grace: Mapping[Cadence, float] = field(default_factory=lambda: dict(status.GRACE_YEARS))


DEFAULT_SETTINGS = Settings()


# Not frozen, though never assigned once built: judging builds two a figure, and a frozen
# dataclass's __init__ sets each field through object.__setattr__ (13 µs for these 40 fields,
# against 3). Equal and hashable by value as a frozen one is. The other objects a judgement
# builds (its facts and verdict, its case, standing and trends, the methods' results) and the
# score rows likewise; what is kept from batch to batch (states, years, points) stays frozen.
@dataclass(slots=True, unsafe_hash=True)
class Assessment:
    target_id: str
    kind: TargetKind
    comparator: Comparator
    direction: Direction
    status: Status
    reason: str
    due_at: float
    # the base and the latest figure judged (a year's total for counts per year)
    base_at: float | None = None
    base_value: float | None = None
    base_stated: bool = False
    latest_at: float | None = None
    latest_value: float | None = None
    aim: float | None = None  # the level the path leads to (see kinds)
    # 1. expected path
    path_shape: PathShape | None = None
    expected: float | None = None
    gap: float | None = None
    progress: float | None = None
    pace: float | None = None  # the figure rule 12 of the status used
    pace_source: str | None = None  # "statcan" or "path"
    # 2. Statistics Canada / Open SDG
    statcan_ratio: float | None = None
    statcan_category: StatCanCategory | None = None
    statcan_score: float | None = None
    statcan_target_achieved: bool | None = None
    cagr_observed: float | None = None
    cagr_required: float | None = None
    # 3. UNSD progress chart
    unsd_ratio: float | None = None
    unsd_category: UnsdCategory | None = None
    unsd_expected_due: float | None = None
    # 4. projection
    projection: float | None = None
    projection_low: float | None = None
    projection_high: float | None = None
    projection_level: float | None = None
    probability: float | None = None
    slope: float | None = None
    needed_annual_change: float | None = None
    needed_annual_growth: float | None = None
    # 5. every-year kinds
    years_judged: tuple[int, ...] = ()
    years_missed: tuple[int, ...] = ()


def default_shape(target: Target) -> PathShape:
    """Growth targets follow the constant-growth path; the others the straight line."""
    if kinds.kind_of(target) is TargetKind.GROWTH:
        return PathShape.CONSTANT_GROWTH
    return PathShape.LINEAR


def assess(
    target: Target,
    direction: Direction,
    cadence: Cadence,
    baseline: Baseline | Point | None,
    series: Iterable[Point | tuple[float, float]],
    now: date,
    *,
    shape: PathShape | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Assessment:
    """`baseline`: Plan.baseline_for(target), or None to let the first figure stand in;
    `series`: (position on the year axis, value) for the target's indicator and jurisdiction;
    `now`: today, for staleness; `shape`: the expected path's shape when the target's own is
    not the default (see default_shape)."""
    due_at = year_end(target.due_year)
    points = ordered(series)
    story = history(points, baseline, due_at, settings.lookback)

    def years(after: float | None) -> kinds.Years:
        inside = [p for p in points if p.at <= due_at + EPSILON]
        return kinds.every_year(target, inside, cadence, after)

    return judge(target, direction, cadence, story, years, now, shape=shape, settings=settings)


# The every-year judgement of a target's figures after a position (None: all of them).
YearsAfter = Callable[[float | None], kinds.Years]


def judge(
    target: Target,
    direction: Direction,
    cadence: Cadence,
    story: History | None,
    years: YearsAfter,
    now: date,
    *,
    shape: PathShape | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Assessment:
    """`assess` from what it reads of the figures: the history (None: no figure) and the
    every-year judgement (chiso_scoring.methods.state gives both from a small state)."""
    nows = (now,)
    return judge_as_of(
        target, direction, cadence, story, years, nows, shape=shape, settings=settings
    )[0]


def judge_as_of(
    target: Target,
    direction: Direction,
    cadence: Cadence,
    story: History | None,
    years: YearsAfter,
    nows: Sequence[date],
    *,
    shape: PathShape | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> tuple[Assessment, ...]:
    """`judge` as of each day of `nows`. Today only decides whether the figures are stale
    (status rule 2), so everything else is worked out once, and one assessment is built per
    staleness: judgements as of days that agree on it are the same object."""
    kind = kinds.kind_of(target)
    due_at = year_end(target.due_year)
    if story is None:
        verdict = status.decide(
            status.Facts(kind=kind, has_figures=False, stale=False, settled=False, achieved=False)
        )
        alone = Assessment(
            target_id=target.id,
            kind=kind,
            comparator=target.comparator,
            direction=direction,
            due_at=due_at,
            status=verdict.status,
            reason=verdict.reason,
        )
        return tuple(alone for _ in nows)
    aim = kinds.aim(target, direction, story.base, due_at)
    case = Case(target, kind, direction, story, aim, due_at)
    if kind in kinds.EVERY_YEAR:
        stand = every_year(case, years)
    elif kind is TargetKind.MILESTONE:
        stand = milestone(case)
    else:
        stand = on_a_path(case, shape)
    trend = trends(case, stand, settings)
    grace = dict(settings.grace)
    staleness = [
        status.is_stale(story.latest_observed_at, axis_position(now), cadence, grace)
        for now in nows
    ]
    verdicts = {stale: status.decide(facts(case, stand, trend, stale)) for stale in staleness}
    # one assessment per verdict, each built whole: dataclasses.replace of the 40 fields costs
    # more than building them again (judging builds two per figure)
    built = {stale: assessment(case, stand, trend, v) for stale, v in verdicts.items()}
    return tuple(built[stale] for stale in staleness)


NO_YEARS = kinds.Years(judged=(), missed=(), latest=None)


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Case:
    """What every step of a judgement reads: the target, its figures, its aim."""

    target: Target
    kind: TargetKind
    direction: Direction
    story: History
    aim: float | None
    due_at: float


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Standing:
    """Where a target stands by its kind: the figure judged, whether it is settled or met."""

    latest: Point
    settled: bool
    achieved: bool
    years: kinds.Years = NO_YEARS
    trail: PathResult | None = None
    shape: PathShape | None = None


# not frozen, never assigned once built: one or more a judgement (see assess.Assessment)
@dataclass(unsafe_hash=True)
class Trends:
    """Methods 2 to 4, for the kinds the figure at the due date decides."""

    measure: StatCanResult | None = None
    chart: UnsdResult | None = None
    ahead: projection.Projection | None = None
    pace: float | None = None  # the figure rule 12 of the status uses
    pace_source: str | None = None


def every_year(case: Case, years_after: YearsAfter) -> Standing:
    """Count per year, maintain: each year judged against the threshold, from after a stated
    baseline (all years without one) to the due year."""
    story, aim, due_at = case.story, case.aim, case.due_at
    assert aim is not None  # every-year kinds always have their threshold
    years = years_after(story.base.at if story.base_stated else None)
    settled = years.latest is not None and years.latest.at >= due_at - EPSILON
    trail = path.flat(years.latest, aim, case.direction) if years.latest is not None else None
    return Standing(
        latest=years.latest or story.latest,
        settled=settled,
        achieved=settled and not years.missed,
        years=years,
        trail=trail,
        shape=trail.shape if trail else None,
    )


def milestone(case: Case) -> Standing:
    latest = case.story.latest
    achieved = kinds.meets(case.target, latest.value, None)
    return Standing(
        latest=latest,
        settled=achieved or latest.at >= case.due_at - EPSILON,
        achieved=achieved,
    )


def on_a_path(case: Case, shape: PathShape | None) -> Standing:
    """Level, range, growth: the latest figure against the expected path to the aim."""
    target, story, aim, due_at = case.target, case.story, case.aim, case.due_at
    latest = story.latest
    trail: PathResult | None = None
    used: PathShape | None = None
    if aim is not None:
        used = shape or default_shape(target)
        if used is PathShape.CONSTANT_GROWTH and not path.grows(story.base.value, aim):
            used = PathShape.LINEAR
        trail = path.follow(latest, story.base, aim, due_at, case.direction, used)
    return Standing(
        latest=latest,
        settled=latest.at >= due_at - EPSILON,
        achieved=kinds.meets(target, latest.value, aim),
        trail=trail,
        shape=used,
    )


def trends(case: Case, stand: Standing, settings: Settings) -> Trends:
    target, kind, direction, story = case.target, case.kind, case.direction, case.story
    aim, due_at = case.aim, case.due_at
    measure = chart = ahead = None
    if kind in TREND_KINDS and aim is not None:
        measure = statcan.progress_measure(story.base, stand.latest, aim, due_at, direction)
        chart = unsd.progress_chart(story.base, stand.latest, aim, due_at, direction)
        if not stand.settled:
            region = kinds.region(target, aim)
            ahead = projection.extrapolate(story.walk, due_at, region, level=settings.level)
    # the StatCan ratio where sdg-build's 0 → 0.001 stand-in was not needed, else the path's
    if measure is not None and measure.ratio is not None and not measure.substituted:
        return Trends(measure, chart, ahead, measure.ratio, "statcan")
    if stand.trail is not None and stand.trail.pace is not None and kind in kinds.ON_A_PATH:
        return Trends(measure, chart, ahead, stand.trail.pace, "path")
    return Trends(measure, chart, ahead)


def facts(case: Case, stand: Standing, trend: Trends, stale: bool) -> status.Facts:
    kind, direction, story, aim = case.kind, case.direction, case.story, case.aim
    d = direction.sign
    return status.Facts(
        kind=kind,
        has_figures=True,
        stale=stale,
        settled=stand.settled,
        achieved=stand.achieved,
        years_judged=len(stand.years.judged),
        years_missed=stand.years.missed,
        beyond_range=kind is TargetKind.RANGE
        and kinds.beyond_range(case.target, stand.latest.value, direction),
        has_aim=aim is not None,
        has_trend=story.has_trend,
        progress_required=aim is not None and d * (aim - story.base.value) > 0,
        moved=d * (stand.latest.value - story.base.value),
        pace=trend.pace,
        pace_source=trend.pace_source,
        unsd=trend.chart.category if trend.chart else None,
        probability=trend.ahead.probability if trend.ahead else None,
    )


def assessment(case: Case, stand: Standing, trend: Trends, verdict: status.Verdict) -> Assessment:
    story, aim, due_at = case.story, case.aim, case.due_at
    measure, chart, ahead, latest, trail = (
        trend.measure,
        trend.chart,
        trend.ahead,
        stand.latest,
        stand.trail,
    )
    needs = aim is not None and case.kind is not TargetKind.COUNT_PER_YEAR
    needed = aim if needs and not stand.settled else None
    return Assessment(
        target_id=case.target.id,
        kind=case.kind,
        comparator=case.target.comparator,
        direction=case.direction,
        due_at=due_at,
        status=verdict.status,
        reason=verdict.reason,
        base_at=story.base.at,
        base_value=story.base.value,
        base_stated=story.base_stated,
        latest_at=latest.at,
        latest_value=latest.value,
        aim=aim,
        path_shape=stand.shape,
        expected=trail.expected if trail else None,
        gap=trail.gap if trail else None,
        progress=trail.progress if trail else None,
        pace=trend.pace,
        pace_source=trend.pace_source,
        statcan_ratio=measure.ratio if measure else None,
        statcan_category=measure.category if measure else None,
        statcan_score=measure.score if measure else None,
        statcan_target_achieved=measure.target_achieved if measure else None,
        cagr_observed=measure.cagr_observed if measure else None,
        cagr_required=measure.cagr_required if measure else None,
        unsd_ratio=chart.ratio if chart else None,
        unsd_category=chart.category if chart else None,
        unsd_expected_due=chart.expected_due if chart else None,
        projection=ahead.value if ahead else None,
        projection_low=ahead.low if ahead else None,
        projection_high=ahead.high if ahead else None,
        projection_level=ahead.level if ahead and ahead.low is not None else None,
        probability=ahead.probability if ahead else None,
        slope=ahead.slope if ahead else None,
        needed_annual_change=projection.needed_annual_change(latest, needed, due_at)
        if needed is not None
        else None,
        needed_annual_growth=projection.needed_annual_growth(latest, needed, due_at)
        if needed is not None
        else None,
        years_judged=stand.years.judged,
        years_missed=stand.years.missed,
    )
