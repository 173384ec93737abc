"""The reporting calendar (pure): when each period's figure is due, whether it came on time,
late or not at all, and each agency's timeliness rate — DHIS2's reporting rates, per indicator.

A figure for a period can exist `publication_lag_days` after the period ends (earlier ones are
refused: chiso_core.checks); from then the agency has a reporting window by cadence, the same
allowance scoring gives a series before it calls it stale (a month for a monthly figure, two for
a quarterly one, six for a yearly one). The due date is the window's last day:

    due(period) = first day after the period + lag days + window months − 1 day

so July 2025's monthly figure, lag 0, is due on 31/08/2025; the year 2024's, lag 90 days, on
30/09/2025 (2025-01-01 + 90 days = 2025-04-01, + 6 months = 2025-10-01, − 1 day)."""

from calendar import monthrange
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from chiso_core.catalog.models import Cadence, Indicator, Plan
from chiso_core.periods import Grain, Period

WINDOW_MONTHS: Mapping[Cadence, int] = {Cadence.MONTH: 1, Cadence.QUARTER: 2, Cadence.YEAR: 6}
_STEP = {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.YEAR: 12}
_GRAIN = {Cadence.MONTH: Grain.MONTH, Cadence.QUARTER: Grain.QUARTER, Cadence.YEAR: Grain.YEAR}


class Timeliness(StrEnum):
    ON_TIME = "on_time"  # arrived by the due date
    LATE = "late"  # arrived after it
    MISSING = "missing"  # not arrived, and the due date has passed
    NOT_DUE = "not_due"  # not arrived, and still within its window: counts for nothing yet


def months_later(day: date, months: int) -> date:
    """The same day `months` later; where that month is too short for it, the 1st of the
    month after (31/05 + 1 month = 01/07), so that a window is never cut short."""
    count = day.year * 12 + day.month - 1 + months
    year, month = count // 12, count % 12 + 1
    if day.day <= monthrange(year, month)[1]:
        return date(year, month, day.day)
    return date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)


def due_date(period: Period, indicator: Indicator) -> date:
    """The last day a figure for `period` is on time."""
    opens = period.end + timedelta(days=indicator.publication_lag_days)
    return months_later(opens, WINDOW_MONTHS[indicator.cadence]) - timedelta(days=1)


def periods(cadence: Cadence, since: date, until: date) -> Iterator[Period]:
    """Every period of the cadence that begins on or after the period holding `since` and
    ends by `until` (inclusive: a period ending on `until` is in), oldest first."""
    step = _STEP[cadence]
    months = since.year * 12 + since.month - 1
    months -= months % step  # the period holding `since`
    while True:
        period = Period(months // 12, months % 12 + 1, _GRAIN[cadence])
        if period.end > until + timedelta(days=1):
            return
        yield period
        months += step


def judge(due: date, received: date | None, today: date) -> Timeliness:
    """A figure due on `due`, received on `received` (None: not yet), as of `today`."""
    if received is not None:
        return Timeliness.ON_TIME if received <= due else Timeliness.LATE
    return Timeliness.MISSING if today > due else Timeliness.NOT_DUE


@dataclass(frozen=True)
class Duty:
    """An agency answers for an indicator's figures in a jurisdiction."""

    agency: str
    indicator: str
    jurisdiction: str


def duties(plans: Iterable[Plan]) -> list[Duty]:
    """Who owes which figures: the lead agency of every target, for the target's indicator in
    its plan's jurisdiction (one duty however many targets share them)."""
    found = {
        Duty(owners.lead, t.indicator, plan.jurisdiction)
        for plan in plans
        for t in plan.targets
        if (owners := plan.owners_of(t)) is not None
    }
    return sorted(found, key=lambda d: (d.agency, d.indicator, d.jurisdiction))


@dataclass(frozen=True)
class Entry:
    duty: Duty
    period: Period
    due: date
    received: date | None
    timeliness: Timeliness


Received = Mapping[tuple[str, str, Period], date]


def calendar(
    owed: Iterable[Duty],
    indicators: Mapping[str, Indicator],
    received: Received,
    since: date,
    today: date,
) -> list[Entry]:
    """Every period each duty owes from `since` to today, judged: `received` maps (indicator,
    jurisdiction, period) to the day its first figure was reported. A period not yet over is
    left out; one still within its window is NOT_DUE."""
    entries = []
    for duty in owed:
        indicator = indicators[duty.indicator]
        for period in periods(indicator.cadence, since, today):
            due = due_date(period, indicator)
            came = received.get((duty.indicator, duty.jurisdiction, period))
            entries.append(Entry(duty, period, due, came, judge(due, came, today)))
    return entries


@dataclass(frozen=True)
class Rate:
    """An agency's timeliness over the periods already due (NOT_DUE ones count for nothing)."""

    agency: str
    on_time: int
    late: int
    missing: int

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        """On time / due; None when nothing was due yet."""
        return self.on_time / self.due if self.due else None

    @property
    def reporting_rate(self) -> float | None:
        """Arrived at all (on time or late) / due, DHIS2's reporting rate."""
        return (self.on_time + self.late) / self.due if self.due else None


def rates(entries: Iterable[Entry]) -> list[Rate]:
    """Per agency, by agency id."""
    counts: dict[str, Counter[Timeliness]] = {}
    for e in entries:
        counts.setdefault(e.duty.agency, Counter())[e.timeliness] += 1
    return [
        Rate(a, c[Timeliness.ON_TIME], c[Timeliness.LATE], c[Timeliness.MISSING])
        for a, c in sorted(counts.items())
    ]
