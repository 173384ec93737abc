"""Scores for every plan target whose series a batch touched (pure): each due point is judged
by every method on the series up to that point."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from chiso_core.catalog import Catalog
from chiso_core.contracts.v1 import score_pb2
from chiso_core.messaging import new_meta
from chiso_core.periods import Period
from chiso_core.topics import message_key
from chiso_scoring import methods
from chiso_scoring.intake import SeriesKey
from chiso_scoring.methods import METHOD, METHOD_VERSION, Assessment, assess
from chiso_scoring.methods.kinds import EVERY_YEAR, kind_of
from chiso_scoring.series import Series

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


def score_points(
    series: Iterable[Series], catalog: Catalog, today: date
) -> tuple[list[ScoreRow], list[str]]:
    """One score per (target, due point), and what could not be scored. A series' latest
    point is judged as of today (it may be stale); an earlier one as of the end of its own
    period, on the curve up to its position."""
    rows: list[ScoreRow] = []
    failures: list[str] = []
    for one in series:
        jurisdiction, indicator = one.key
        targets = catalog.targets_for(indicator, jurisdiction)
        if not targets:
            continue
        spec = catalog.indicators[indicator]
        for due in one.due:
            history = one.curve[: due.history]
            now = today if due.history == len(one.curve) else due.period.end
            for plan, target in targets:
                try:
                    assessment = assess(
                        target,
                        spec.direction,
                        spec.cadence,
                        plan.baseline_for(target),
                        history,
                        now,
                    )
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
