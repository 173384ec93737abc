"""Scores for every plan target whose series a batch touched (pure): each due point is judged
by every method on the series up to that point, read from the series' state folded up to it
(chiso_scoring.methods.state), so that judging a point costs the same whatever the length of
the history."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from chiso_core.catalog import Catalog, Indicator, Plan, Target
from chiso_core.contracts.v1 import score_pb2
from chiso_core.messaging import new_meta
from chiso_core.periods import Period, year_end
from chiso_core.topics import message_key
from chiso_scoring import methods
from chiso_scoring.intake import SeriesKey
from chiso_scoring.methods import METHOD, METHOD_VERSION, Assessment, Point, assess
from chiso_scoring.methods.kinds import EVERY_YEAR, kind_of
from chiso_scoring.methods.series import EPSILON
from chiso_scoring.methods.state import SeriesState, fold, judge_state
from chiso_scoring.series import Due, Series, position

# A score's judged figures, each with its one name: the same in the scores table, score.proto,
# the read API and the alerts' reader (tests/unit/test_contracts.py holds them to it), and how
# it is read from the methods' Assessment (whose names are the methods' own). A figure the
# methods leave out is None: NULL in the table, unset in the message, null in the API.
FIGURES: tuple[tuple[str, Callable[[Assessment], float | str | None]], ...] = (
    ("expected", attrgetter("expected")),
    ("target_value", attrgetter("aim")),
    ("gap", attrgetter("gap")),
    ("progress", attrgetter("progress")),
    ("statcan_ratio", attrgetter("statcan_ratio")),
    ("statcan_category", attrgetter("statcan_category")),
    ("statcan_score", attrgetter("statcan_score")),
    ("unsd_ratio", attrgetter("unsd_ratio")),
    ("unsd_category", attrgetter("unsd_category")),
    ("projected", attrgetter("projection")),
    ("projected_low", attrgetter("projection_low")),
    ("projected_high", attrgetter("projection_high")),
    ("probability", attrgetter("probability")),
    ("needed_annual_change", attrgetter("needed_annual_change")),
    ("reason", attrgetter("reason")),
)


@dataclass(frozen=True)
class ScoreRow:
    plan_id: str
    plan_revision: int
    target_id: str
    jurisdiction: str
    indicator: str
    period: Period
    due_year: int
    actual: float
    observation_revision: int
    derived: bool
    assessment: Assessment
    method: str = METHOD
    method_version: str = METHOD_VERSION


Targets = Sequence[tuple[Plan, Target]]


def _judge_due(
    one: SeriesKey,
    targets: Targets,
    spec: Indicator,
    due: Due,
    state: SeriesState,
    now: date,
    curve: Sequence[Point] | None,
) -> tuple[list[ScoreRow], list[str]]:
    """Every target's score at one point, from the state of the series up to it. A target past
    its due date at the point is judged on the history (`curve` up to the point): the state
    keeps the recent figures, a settled target reads those up to its due date."""
    rows: list[ScoreRow] = []
    failures: list[str] = []
    jurisdiction, indicator = one
    for plan, target in targets:
        baseline = plan.baseline_for(target)
        try:
            if settled(target, state.recent[-1].at):
                if curve is None:
                    raise ValueError("a settled target is judged on the history")
                assessment = assess(target, spec.direction, spec.cadence, baseline, curve, now)
            else:
                assessment = judge_state(target, spec.direction, spec.cadence, baseline, state, now)
        except (ValueError, ArithmeticError) as e:
            # One figure the methods cannot judge must not hold up the rest of the batch.
            failures.append(f"{plan.id}/{target.id} at {jurisdiction} {due.period}: {e!r}")
            continue
        rows.append(
            ScoreRow(
                plan_id=plan.id,
                plan_revision=plan.revision,
                target_id=target.id,
                jurisdiction=jurisdiction,
                indicator=indicator,
                period=due.period,
                due_year=target.due_year,
                actual=due.value,
                observation_revision=due.revision,
                derived=due.derived,
                assessment=assessment,
            )
        )
    return rows, failures


def settled(target: Target, latest: float) -> bool:
    """Past its due date at a figure at `latest`: judged on the figures up to the due date."""
    return latest > year_end(target.due_year) + EPSILON


@dataclass(frozen=True)
class Scored:
    """What judging a series gave: the scores, what could not be scored, and the series'
    state after its last figure (None: the series has no target)."""

    rows: list[ScoreRow]
    failures: list[str]
    state: SeriesState | None


def score_series(one: Series, catalog: Catalog, today: date) -> Scored:
    """One score per (target, due point). A series' latest point is judged as of today (it may
    be stale); an earlier one as of the end of its own period, on the figures up to its
    position: the state folded up to it."""
    jurisdiction, indicator = one.key
    targets = catalog.targets_for(indicator, jurisdiction)
    if not targets:
        return Scored([], [], None)
    spec = catalog.indicators[indicator]
    rows: list[ScoreRow] = []
    failures: list[str] = []
    state: SeriesState | None = None
    folded = 0
    for due in one.due:
        for figure in one.curve[folded : due.history]:
            state = fold(state, figure)
        folded = due.history
        assert state is not None  # a due point is on the curve
        now = today if due.history == len(one.curve) else due.period.end
        judged, failed = _judge_due(
            one.key, targets, spec, due, state, now, one.curve[: due.history]
        )
        rows += judged
        failures += failed
    for figure in one.curve[folded:]:
        state = fold(state, figure)
    return Scored(rows, failures, state)


def score_points(
    series: Iterable[Series], catalog: Catalog, today: date
) -> tuple[list[ScoreRow], list[str]]:
    """score_series over several series: the scores and what could not be scored."""
    rows: list[ScoreRow] = []
    failures: list[str] = []
    for one in series:
        scored = score_series(one, catalog, today)
        rows += scored.rows
        failures += scored.failures
    return rows, failures


def score_appended(
    key: SeriesKey,
    state: SeriesState,
    latest: Sequence[Due],
    figures: Sequence[Due],
    catalog: Catalog,
    today: date,
) -> Scored:
    """The scores a run of figures after a series' latest point gives, judged on its state
    alone: each figure folded in and judged (the last as of today, the others as of their
    period's end), and the points that were the latest judged again as of their period's end.
    The caller makes sure no target is settled by then (see `settled`)."""
    jurisdiction, indicator = key
    targets = catalog.targets_for(indicator, jurisdiction)
    spec = catalog.indicators[indicator]
    rows: list[ScoreRow] = []
    failures: list[str] = []
    steps = [(due, state, due.period.end) for due in latest]
    for k, due in enumerate(figures):
        state = fold(state, Point(position(due.period.end_month), due.value))
        steps.append((due, state, today if k == len(figures) - 1 else due.period.end))
    for due, at, now in steps:
        judged, failed = _judge_due(key, targets, spec, due, at, now, None)
        rows += judged
        failures += failed
    return Scored(rows, failures, state)


def reach(catalog: Catalog, key: SeriesKey) -> float | None:
    """How many months after a figure the judgements of a series' targets read it: the
    methods' look-back; None (every later point) when they read all, or when a target is
    judged every year (those read every year since the base)."""
    jurisdiction, indicator = key
    lookback = methods.LOOKBACK_YEARS
    if lookback is None or any(
        kind_of(target) in EVERY_YEAR for _, target in catalog.targets_for(indicator, jurisdiction)
    ):
        return None
    return 12 * lookback


def to_message(row: ScoreRow, catalog: Catalog) -> tuple[bytes, score_pb2.Score]:
    province = catalog.province_code(row.jurisdiction)
    message = score_pb2.Score(
        meta=new_meta("scoring"),
        plan_id=row.plan_id,
        plan_revision=row.plan_revision,
        target_id=row.target_id,
        indicator_code=row.indicator,
        jurisdiction_id=row.jurisdiction,
        province_code=province,
        period=row.period.to_proto(),
        actual=row.actual,
        due_year=row.due_year,
        status=row.assessment.status.to_proto(),
        method=row.method,
        method_version=row.method_version,
        observation_revision=row.observation_revision,
        derived=row.derived,
    )
    for name, read in FIGURES:
        value = read(row.assessment)
        if value is not None:
            setattr(message, name, value)
    return message_key(province, row.indicator), message
