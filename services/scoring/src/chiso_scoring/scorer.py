"""Scores for every plan target whose series a batch touched (pure): each due point is judged
by every method on the series up to that point."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

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
    a = row.assessment
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
        status=a.status.to_proto(),
        method=row.method,
        method_version=row.method_version,
        observation_revision=row.observation_revision,
        derived=row.derived,
        statcan_category=a.statcan_category or "",
        unsd_category=a.unsd_category or "",
    )
    for name, value in (
        ("expected", a.expected),
        ("target_value", a.aim),
        ("gap", a.gap),
        ("progress", a.progress),
        ("statcan_ratio", a.statcan_ratio),
        ("statcan_score", a.statcan_score),
        ("unsd_ratio", a.unsd_ratio),
        ("projected", a.projection),
        ("projected_low", a.projection_low),
        ("projected_high", a.projection_high),
        ("probability", a.probability),
        ("needed_annual_change", a.needed_annual_change),
    ):
        if value is not None:
            setattr(message, name, value)
    return message_key(province, row.indicator), message
