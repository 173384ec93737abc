"""Scores for every plan target whose series a batch touched (pure): each affected period is
judged by every method on the series up to that period."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from chiso_core.catalog import Catalog
from chiso_core.contracts.v1 import score_pb2
from chiso_core.messaging import new_meta
from chiso_core.periods import Grain, Period
from chiso_core.topics import message_key
from chiso_scoring.intake import PointKey, SeriesKey
from chiso_scoring.methods import METHOD, METHOD_VERSION, Assessment, Point, assess
from chiso_scoring.revisions import Current

_COARSENESS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}


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
    affected: Mapping[PointKey, Current],
    state: Mapping[PointKey, Current],
    catalog: Catalog,
    today: date,
) -> tuple[list[ScoreRow], list[str]]:
    """One score per (target, affected point), and what could not be scored. A series' latest
    point is judged as of today (it may be stale); an earlier one as of the end of its own
    period."""
    series: dict[SeriesKey, list[tuple[Period, Current]]] = defaultdict(list)
    for (jurisdiction, indicator, period), current in state.items():
        series[(jurisdiction, indicator)].append((period, current))
    # Each series once as points on the year axis; a period's history is a prefix of it. Where
    # periods end together (December, Q4 and the year) the coarser figure stands for them all:
    # a year's own figure is the official one.
    curves: dict[SeriesKey, list[Point]] = {}
    position: dict[PointKey, int] = {}
    for (jurisdiction, indicator), points in series.items():
        points.sort(key=lambda pc: (pc[0].end_year_fraction, -_COARSENESS[pc[0].grain]))
        curve: list[Point] = []
        for p, c in points:
            if not curve or curve[-1].at != p.end_year_fraction:
                curve.append(Point(p.end_year_fraction, c.value))
            position[(jurisdiction, indicator, p)] = len(curve) - 1
        curves[(jurisdiction, indicator)] = curve

    rows: list[ScoreRow] = []
    failures: list[str] = []
    for (jurisdiction, indicator, period), current in sorted(
        affected.items(), key=lambda kv: kv[0]
    ):
        targets = catalog.targets_for(indicator, jurisdiction)
        if not targets:
            continue
        spec = catalog.indicators[indicator]
        curve = curves[(jurisdiction, indicator)]
        end = position[(jurisdiction, indicator, period)] + 1
        history = curve[:end]
        now = today if end == len(curve) else period.end
        for plan, target in targets:
            try:
                assessment = assess(
                    target, spec.direction, spec.cadence, plan.baseline_for(target), history, now
                )
            except (ValueError, ArithmeticError) as e:
                # One figure the methods cannot judge must not hold up the rest of the batch.
                failures.append(f"{plan.id}/{target.id} at {jurisdiction} {period}: {e!r}")
                continue
            rows.append(
                ScoreRow(
                    plan_id=plan.id,
                    plan_revision=plan.revision,
                    target_id=target.id,
                    jurisdiction=jurisdiction,
                    indicator=indicator,
                    period=period,
                    due_year=target.due_year,
                    actual=current.value,
                    observation_revision=current.revision,
                    derived=current.derived,
                    assessment=assessment,
                )
            )
    return rows, failures


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
