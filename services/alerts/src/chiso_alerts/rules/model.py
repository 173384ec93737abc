"""What the rules read (a series and its scored periods) and what they say (a verdict)."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from chiso_core.catalog.models import Catalog, Plan, Target, is_code, is_official_code
from chiso_core.contracts.v1 import score_pb2
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_core.words import vietnamese
from chiso_core.words.labels import TERM, VI


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    def raised(self, near_due: bool) -> "Severity":
        """One step worse when the target is near its due year (critical stays critical)."""
        if not near_due:
            return self
        order = list(Severity)
        return order[min(order.index(self) + 1, len(order) - 1)]


@dataclass(frozen=True)
class SeriesKey:
    """One plan target judged for one jurisdiction."""

    plan_id: str
    target_id: str
    jurisdiction: str
    indicator: str
    province: str
    due_year: int

    @classmethod
    def of(cls, catalog: Catalog, plan: Plan, target: Target) -> "SeriesKey":
        """The series a plan's target is judged on: its indicator in its plan's jurisdiction."""
        province = catalog.province_code(plan.jurisdiction)
        return cls(
            plan.id, target.id, plan.jurisdiction, target.indicator, province, target.due_year
        )


@dataclass(frozen=True)
class ScorePoint:
    """One scored period, as alerts keeps it."""

    period: Period
    status: Status
    actual: float
    expected: float | None
    gap: float | None
    target_value: float | None
    probability: float | None
    derived: bool


def _optional(s: score_pb2.Score, name: str) -> float | None:
    if not s.HasField(name):
        return None
    value = float(getattr(s, name))
    if not math.isfinite(value):
        raise ValueError(f"{name}: {value} không phải một số hữu hạn / is not a finite number")
    return value


def from_score(s: score_pb2.Score) -> tuple[SeriesKey, ScorePoint]:
    """The series and the scored period a chiso.v1.Score speaks of; ValueError naming the field
    when the message makes no sense (a missing identifier, period or status, a NaN). Its text is
    the reason on the rejected topic: "<field>: <Vietnamese> / <English>", as scoring's intake
    gives it."""
    # what names the series is stored: a catalog id, never any text (a NUL, or an id too long to
    # index, would fail the batch at every delivery)
    for name in ("plan_id", "target_id", "jurisdiction_id", "indicator_code", "province_code"):
        value = getattr(s, name)
        if not value:
            raise ValueError(f"{name}: trống / is empty")
        if not (is_code(value) or (name == "province_code" and is_official_code(value))):
            raise ValueError(
                f"{name}: {value[:80]!r} không phải mã trong danh mục / is not a catalog id"
            )
    if not 1900 <= s.due_year <= 2100:
        raise ValueError(f"due_year: {s.due_year} nằm ngoài 1900..2100 / is outside 1900..2100")
    if not math.isfinite(s.actual):
        raise ValueError(f"actual: {s.actual} không phải một số hữu hạn / is not a finite number")
    probability = _optional(s, "probability")
    if probability is not None and not 0 <= probability <= 1:
        raise ValueError(f"probability: {probability} nằm ngoài 0..1 / is outside 0..1")
    # chiso_core's errors are English only and name no field ("grain is unspecified"): framed
    # as scoring's intake frames them, so that one fault reads alike from either service
    try:
        period = Period.from_proto(s.period)
    except ValueError as e:
        raise ValueError(f"period: kỳ không hợp lệ / not a period: {e}") from e
    try:
        status = Status.from_proto(s.status)
    except ValueError as e:
        raise ValueError(f"status: trạng thái không hợp lệ / not a status: {e}") from e
    key = SeriesKey(
        plan_id=s.plan_id,
        target_id=s.target_id,
        jurisdiction=s.jurisdiction_id,
        indicator=s.indicator_code,
        province=s.province_code,
        due_year=s.due_year,
    )
    point = ScorePoint(
        period=period,
        status=status,
        actual=s.actual,
        expected=_optional(s, "expected"),
        gap=_optional(s, "gap"),
        target_value=_optional(s, "target_value"),
        probability=probability,
        derived=s.derived,
    )
    return key, point


@dataclass(frozen=True)
class Names:
    """How people call things (Vietnamese names from the catalog)."""

    indicator: str
    jurisdiction: str
    unit: str  # the catalog's unit code, said through chiso_core.words
    # the target, as vietnamese.target_by says it ("≥ 30% vào năm 2030"): one indicator can
    # carry two targets of a plan, whose alerts the indicator alone does not tell apart
    target: str


@dataclass(frozen=True)
class Verdict:
    """What one rule says about one series after its latest scored period."""

    # identity labels only: alertname, plan, target, jurisdiction, indicator, rule
    # (JurisdictionStale: alertname, jurisdiction, rule)
    labels: Mapping[str, str]
    severity: Severity
    # does the condition hold at each period of the window, oldest first
    active: tuple[bool, ...]
    # consecutive active scored periods before it fires (1 = at once)
    for_periods: int
    # consecutive inactive scored periods before it resolves (>= 1)
    keep_firing_for: int
    # at least "summary" (one line, Vietnamese) and "description"
    annotations: Mapping[str, str]
    # the latest period judged (None for the sweep's jurisdiction-wide stale)
    period: Period | None
    # the agency the alert is addressed to (dispatch/audience.py), None: everyone. Not part of
    # its identity: a target handed to another agency keeps its alert, addressed anew.
    audience: str | None = None


def series_labels(key: SeriesKey, alertname: str, rule: str) -> dict[str, str]:
    return {
        "alertname": alertname,
        "plan": key.plan_id,
        "target": key.target_id,
        "jurisdiction": key.jurisdiction,
        "indicator": key.indicator,
        "rule": rule,
    }


def name_annotations(names: Names) -> dict[str, str]:
    """The names every notification shows instead of codes."""
    return {
        "indicator_name": names.indicator,
        "jurisdiction_name": names.jurisdiction,
        "target_name": names.target,
    }


def subject(names: Names) -> str:
    """What an alert about one target is about, as every such summary opens (after its kind,
    "Quá hạn báo cáo: "): the indicator, where, and which target — "Tỷ trọng kinh tế số … tại
    Tỉnh Khánh Hòa (mục tiêu ≥ 30% vào năm 2030)". Without the target, a plan's 2030 and 2045
    targets of one indicator read alike on the live scorecard and in a notification grouped
    by plan, jurisdiction and indicator."""
    return (
        f"{names.indicator} tại {names.jurisdiction} ({TERM[VI]['target'].lower()} {names.target})"
    )


def amount(value: float, names: Names) -> str:
    """A figure with its unit, as the report writes it: "41,5%", "1.234.567"."""
    return vietnamese.with_unit(value, names.unit)


def judged_now(
    labels: Mapping[str, str],
    severity: Severity,
    active: bool,
    annotations: Mapping[str, str],
    period: Period | None,
    audience: str | None,
) -> Verdict:
    """The verdict of a condition judged as of now rather than over scored periods (the
    sweep's reminders): it fires at once and resolves at once."""
    return Verdict(labels, severity, (active,), 1, 1, annotations, period, audience)
