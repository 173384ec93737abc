"""IndicatorStale: no new scored period by the end of the next one plus grace; and
JurisdictionStale: every series of a jurisdiction is stale (it inhibits their own alerts)."""

from collections.abc import Sequence
from datetime import date, timedelta

from chiso_alerts.rules.model import (
    Names,
    SeriesKey,
    Severity,
    Verdict,
    name_annotations,
    series_labels,
    subject,
)
from chiso_alerts.rules.params import RuleParams
from chiso_alerts.rules.severity import graded
from chiso_core.catalog.models import Cadence
from chiso_core.periods import Grain, Period
from chiso_core.status import Status
from chiso_core.timeliness import WINDOW_MONTHS
from chiso_core.words import labels, vietnamese

ALERTNAME = "IndicatorStale"
JURISDICTION_ALERTNAME = "JurisdictionStale"
RULE = "stale"

MONTHS = {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.YEAR: 12}


def _add_months(day: date, months: int) -> date:
    if day.day != 1:
        raise ValueError(f"last_period_end {day} is not a period's end (a month's first day)")
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def due(last_period_end: date, cadence: Cadence, params: RuleParams) -> date:
    """The last day the next figure may arrive: the last period's end (its first day after),
    one cadence more, then the grace (grace_days, else the calendar's reporting window, which
    scoring allows too)."""
    next_end = _add_months(last_period_end, MONTHS[cadence])
    if params.stale.grace_days is None:
        return _add_months(next_end, WINDOW_MONTHS[cadence])
    return next_end + timedelta(days=params.stale.grace_days)


def _period_ending(end: date, cadence: Cadence) -> Period | None:
    n = end.year * 12 + end.month - 1 - MONTHS[cadence]
    try:
        return Period(n // 12, n % 12 + 1, Grain(cadence.value))
    except ValueError:
        return None


def stale(
    key: SeriesKey,
    last_period_end: date | None,
    cadence: Cadence,
    params: RuleParams,
    today: date,
    names: Names,
) -> Verdict:
    """Active once `today` is after the due day (a series never scored is not judged).
    Severity warning, critical near the due year."""
    deadline = due(last_period_end, cadence, params) if last_period_end is not None else None
    active = deadline is not None and today > deadline
    period = _period_ending(last_period_end, cadence) if last_period_end is not None else None
    annotations = name_annotations(names)
    annotations["summary"] = f"{subject(names)}: " + (
        f"chưa có số liệu mới sau {vietnamese.period(period)}"
        if period is not None
        else "chưa có số liệu"
    )
    annotations["description"] = (
        f"Số liệu kỳ tiếp theo đến hạn ngày {vietnamese.day(deadline)}"
        " (chu kỳ và thời gian ân hạn)."
        if deadline is not None
        else "Chưa có kỳ nào được chấm điểm."
    )
    return Verdict(
        labels=series_labels(key, ALERTNAME, RULE),
        severity=graded(Severity.WARNING, key.due_year, today.year, params.severity),
        active=(active,),
        for_periods=1,
        keep_firing_for=1,
        annotations=annotations,
        period=period,
    )


def jurisdiction_stale(jurisdiction: str, name: str, series_verdicts: Sequence[Verdict]) -> Verdict:
    """Active when the jurisdiction has series and every one of them is stale: nothing at all
    arrives from it, which one alert says better than one per indicator. Severity: the worst of
    its series'."""
    for v in series_verdicts:
        if v.labels.get("rule") != RULE or v.labels.get("jurisdiction") != jurisdiction:
            raise ValueError(f"not a stale verdict of {jurisdiction}: {dict(v.labels)}")
    silent = [v for v in series_verdicts if v.active and v.active[-1]]
    active = bool(series_verdicts) and len(silent) == len(series_verdicts)
    order = list(Severity)
    severity = max((v.severity for v in series_verdicts), key=order.index, default=Severity.WARNING)
    indicators = sorted({v.labels["indicator"] for v in silent})
    return Verdict(
        labels={"alertname": JURISDICTION_ALERTNAME, "jurisdiction": jurisdiction, "rule": RULE},
        severity=severity,
        active=(active,),
        for_periods=1,
        keep_firing_for=1,
        annotations={
            "jurisdiction_name": name,
            "summary": f"{name}: không có số liệu mới cho chỉ tiêu nào",
            "description": (
                f"{len(silent)}/{len(series_verdicts)} chuỗi {labels.status(Status.STALE).lower()}"
                + (f": {', '.join(indicators)}." if indicators else ".")
            ),
        },
        period=None,
    )
