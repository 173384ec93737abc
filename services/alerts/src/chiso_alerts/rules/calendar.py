"""ReportDue and ReportOverdue (pure), addressed to the agency that owes a target's figures (its
lead): the reporting calendar's reminders, as DHIS2 reminds reporters before and after the due
date. The figure owed is the period after the latest one scored; its due date is the calendar's
(chiso_core.timeliness: the period's end, the indicator's publication lag, then its reporting
window). ReportDue holds from `lead` before the due date (not before the figure can exist) to
the due date; ReportOverdue from the day after until the figure arrives. A firing ReportOverdue
inhibits the target's own alerts to leaders (inhibit/): the gap is the owner's to close first.
A series that never had a figure owes from `first_owed`, judged by the same `calendar`."""

from datetime import date, timedelta

from chiso_alerts.rules.model import (
    Names,
    SeriesKey,
    Severity,
    Verdict,
    judged_now,
    name_annotations,
    series_labels,
    subject,
)
from chiso_alerts.rules.params import SeverityParams
from chiso_alerts.rules.severity import graded
from chiso_core.catalog.models import Indicator, Plan, Target
from chiso_core.periods import Grain, Period
from chiso_core.timeliness import due_date, periods
from chiso_core.words import vietnamese

DUE_ALERTNAME = "ReportDue"
OVERDUE_ALERTNAME = "ReportOverdue"
RULE = "calendar"
NEVER_REPORTED = "chưa nhận được số liệu nào"


def owed(last_period_end: date, indicator: Indicator) -> Period | None:
    """The period after the latest one scored (which ended on `last_period_end`); None when
    that day starts no period of the indicator's cadence (its cadence changed since)."""
    try:
        return Period.of(str(Grain(indicator.cadence.value)), last_period_end)
    except ValueError:
        return None


def first_owed(plan: Plan, target: Target, indicator: Indicator, today: date) -> date:
    """For a series that never had a figure, what stands for the end of its latest scored
    period (the day `owed` starts from): the start of the year after the plan's baseline for
    the target, whose figure the plan itself gives (so January, Q1 or the year after it is
    owed; a baseline is always before the due year); without one, the start of the latest
    period already past its due date and not after the target's due year — once that year's
    last period is due, it is the one owed, whatever came due since: a later figure does not
    judge the target. Not the latest period ended: that one is always within its window, so
    nothing would ever be overdue although nothing ever came."""
    baseline = plan.baseline_for(target)
    if baseline is not None:
        return date(baseline.year + 1, 1, 1)
    until = min(today, date(target.due_year, 12, 31))
    # a period's due date is at most its length (a year), its lag and its window (six months)
    # after its start: the period holding the day two years and the lag before `until` (today
    # or earlier) is always due
    since = until - timedelta(days=indicator.publication_lag_days + 2 * 366)
    due = [p for p in periods(indicator.cadence, since, until) if due_date(p, indicator) < today]
    return due[-1].start


def _annotations(
    names: Names, period: Period, due: date, active: bool, never: bool
) -> dict[str, str]:
    where = subject(names)
    when, by = vietnamese.period(period), vietnamese.day(due)
    annotations = name_annotations(names)
    annotations["summary"] = f"{where}: số liệu {when} đến hạn ngày {by}"
    annotations["description"] = (
        f"Đơn vị chủ trì gửi số liệu {when} qua API POST /v1/observations hoặc tải tệp lên"
        f" POST /v1/observations/file, hạn ngày {by}."
        if active
        else f"Số liệu {when} đến hạn ngày {by}."
    )
    if never:
        annotations["summary"] += f" ({NEVER_REPORTED})"
        annotations["description"] = (
            f"Từ trước đến nay {NEVER_REPORTED} của chỉ tiêu này tại {names.jurisdiction}. "
            + annotations["description"]
        )
    return annotations


def calendar(
    key: SeriesKey,
    owner: str | None,
    last_period_end: date,
    indicator: Indicator,
    today: date,
    lead: timedelta,
    severity: SeverityParams,
    names: Names,
    never_reported: bool = False,
) -> tuple[Verdict, ...]:
    """The reminder before the due date (info) and the overdue alert after it (warning,
    critical near the target's due year), both addressed to `owner`; neither active without
    one, nor once the period owed is after the target's due year (its figures up to that year
    settle it: later ones do not judge it), and none at all for a series whose last period is
    not of the indicator's cadence. `never_reported`: no figure ever came (`last_period_end`
    from `first_owed`), as the annotations say."""
    period = owed(last_period_end, indicator)
    if period is None:
        return ()
    due = due_date(period, indicator)
    opens = period.end + timedelta(days=indicator.publication_lag_days)
    reminds = owner is not None and period.start.year <= key.due_year
    soon = reminds and max(opens, due - lead) <= today <= due
    late = reminds and today > due
    reminder = _annotations(names, period, due, soon, never_reported)
    overdue = _annotations(names, period, due, late, never_reported)
    if late:
        overdue["summary"] = (
            f"Quá hạn báo cáo: {subject(names)}, số liệu"
            f" {vietnamese.period(period)} (hạn ngày {vietnamese.day(due)})"
            + (f"; {NEVER_REPORTED}" if never_reported else "")
        )
    return (
        judged_now(
            series_labels(key, DUE_ALERTNAME, RULE), Severity.INFO, soon, reminder, period, owner
        ),
        judged_now(
            series_labels(key, OVERDUE_ALERTNAME, RULE),
            graded(Severity.WARNING, key.due_year, today.year, severity),
            late,
            overdue,
            period,
            owner,
        ),
    )
