"""Scores for every plan target a batch touched (pure)."""

from collections.abc import Mapping
from dataclasses import dataclass

from chiso_core.catalog import Catalog, Comparator, Direction, Target
from chiso_core.contracts.v1 import score_pb2
from chiso_core.messaging import new_meta
from chiso_core.periods import Period, year_end
from chiso_core.status import Status
from chiso_core.topics import message_key
from chiso_scoring.intake import PointKey, SeriesKey
from chiso_scoring.progress import METHOD, METHOD_VERSION, Point, linear_progress
from chiso_scoring.revisions import Current

LEVEL_COMPARATORS = frozenset(
    {
        Comparator.GT,
        Comparator.GTE,
        Comparator.LT,
        Comparator.LTE,
        Comparator.MAINTAIN_GT,
        Comparator.MAINTAIN_GTE,
    }
)


@dataclass(frozen=True)
class ScoreRow:
    plan_id: str
    plan_revision: int
    target_id: str
    jurisdiction: str
    indicator: str
    period: Period
    actual: float
    expected: float
    target_value: float
    due_year: int
    gap: float
    progress: float
    status: Status
    observation_revision: int
    derived: bool = False
    method: str = METHOD
    method_version: str = METHOD_VERSION


def score_points(
    points: Mapping[PointKey, Current], earliest: Mapping[SeriesKey, Point], catalog: Catalog
) -> list[ScoreRow]:
    """One score per (target, point) for the targets judged on a level. Without a baseline in
    the plan, the series' earliest figure stands in for it."""
    rows: list[ScoreRow] = []
    for (jurisdiction, indicator, period), current in sorted(points.items(), key=lambda kv: kv[0]):
        direction = catalog.indicators[indicator].direction
        actual = Point(period.end_year_fraction, current.value)
        for plan, target in catalog.targets_for(indicator, jurisdiction):
            aim = path_end(target, direction)
            if aim is None:
                continue
            stated = plan.baseline_for(target)
            if stated is not None:
                base = Point(year_end(stated.year), stated.value)
            else:
                base = earliest.get((jurisdiction, indicator), actual)
            result = linear_progress(
                actual, base, target, year_end(target.due_year), direction, aim=aim
            )
            rows.append(
                ScoreRow(
                    plan_id=plan.id,
                    plan_revision=plan.revision,
                    target_id=target.id,
                    jurisdiction=jurisdiction,
                    indicator=indicator,
                    period=period,
                    actual=current.value,
                    expected=result.expected,
                    target_value=aim,
                    due_year=target.due_year,
                    gap=result.gap,
                    progress=result.progress,
                    status=result.status,
                    observation_revision=current.revision,
                    derived=current.derived,
                )
            )
    return rows


def path_end(target: Target, direction: Direction) -> float | None:
    """Where the straight path leads: the target's value; for a range, its near edge. Growth,
    count-per-year and milestone targets are not judged on a path (None)."""
    if target.comparator in LEVEL_COMPARATORS:
        return target.value
    if target.comparator is Comparator.BETWEEN and target.values is not None:
        low, high = target.values
        return low if direction is Direction.HIGHER_IS_BETTER else high
    return None


def to_message(row: ScoreRow, catalog: Catalog) -> tuple[bytes, score_pb2.Score]:
    province = catalog.province_code(row.jurisdiction)
    return message_key(province, row.indicator), score_pb2.Score(
        meta=new_meta("scoring"),
        plan_id=row.plan_id,
        plan_revision=row.plan_revision,
        target_id=row.target_id,
        indicator_code=row.indicator,
        jurisdiction_id=row.jurisdiction,
        province_code=province,
        period=row.period.to_proto(),
        actual=row.actual,
        expected=row.expected,
        target_value=row.target_value,
        due_year=row.due_year,
        gap=row.gap,
        progress=row.progress,
        status=row.status.to_proto(),
        method=row.method,
        method_version=row.method_version,
        observation_revision=row.observation_revision,
    )
