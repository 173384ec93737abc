"""The checks every figure passes, whichever way it comes in (the ingest API, file uploads,
feeds, and scoring's intake for messages produced straight to the topic). Pure: each check
returns a value, `Checked` or `Rejected`; `plausible` turns a `Checked` into a `Held` when the
figure is an outlier against its own series."""

import functools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from chiso_core.catalog import Catalog, Indicator, Jurisdiction, Kind
from chiso_core.periods import Period
from chiso_core.words import problems as say
from chiso_core.words.problems import Lang, Text

PERCENT = "percent"
# Batches repeat their periods: read each text once.
_parse = functools.lru_cache(maxsize=4096)(Period.parse)
# A ratio's value may differ from numerator/denominator by rounding, not more.
# Read per figure: a member read from its enum class costs ~0.1 µs (Python 3.11).
_RATIO = Kind.RATIO
_RATIO_TOLERANCE = 0.01
# What agencies write for a unit, meaning the catalog's unit (compared case-insensitively).
UNIT_ALIASES: dict[str, frozenset[str]] = {
    "percent": frozenset({"percent", "%", "phần trăm", "phan tram", "pct"}),
    "count": frozenset({"count", "số lượng", "so luong", "cái", "number"}),
    "per_10k_population": frozenset(
        {"per_10k_population", "per 10k", "per 10,000", "/10.000 dân", "trên 10.000 dân"}
    ),
    "rank": frozenset({"rank", "hạng", "thứ hạng"}),
    "percent_per_year": frozenset({"percent_per_year", "%/year", "%/năm", "% mỗi năm"}),
}


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_vietnam() -> date:
    """Periods end at midnight in Vietnam, whatever the server's clock zone."""
    return datetime.now(VIETNAM).date()


class Reported(NamedTuple):
    """A figure as it came in: the jurisdiction as an id or an official code, the period as
    text or already read."""

    indicator: str
    jurisdiction: str
    period: str | Period
    value: float
    numerator: float | None = None
    denominator: float | None = None
    unit: str | None = None


class Sent(Protocol):
    """What the checks read of a figure: a `Reported`, or a model with its fields (ingest's
    parsed item, checked as it is: no copy per figure on ingest's hot path)."""

    @property
    def indicator(self) -> str: ...
    @property
    def jurisdiction(self) -> str: ...
    @property
    def period(self) -> str | Period: ...
    @property
    def value(self) -> float: ...
    @property
    def numerator(self) -> float | None: ...
    @property
    def denominator(self) -> float | None: ...
    @property
    def unit(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Issue:
    field: str  # within the figure: value, period, …; empty for the figure as a whole
    text: Text

    def line(self, lang: Lang = "vi") -> str:
        return f"{self.field}: {self.text.in_(lang)}"


class Checked(NamedTuple):
    """A figure that passed every check: its indicator and jurisdiction resolved."""

    indicator: Indicator
    jurisdiction: Jurisdiction
    period: Period
    value: float
    numerator: float | None
    denominator: float | None
    province_code: str  # what keys its messages
    point: tuple[str, str, str, date]  # jurisdiction id, indicator, grain, first day: its place
    resolved_from: Text | None = None  # how an official code was read, e.g. "code 82 in 2024 is …"


@dataclass(frozen=True, slots=True)
class Rejected:
    issues: tuple[Issue, ...]

    def reason(self, lang: Lang = "vi") -> str:
        """The one spelling of why, for the rejected topic and logs."""
        return "; ".join(i.line(lang) for i in self.issues)


@dataclass(frozen=True, slots=True)
class Held:
    """Valid, but an outlier against its series: kept until confirmed or corrected."""

    checked: Checked
    issue: Issue


def check(figure: Sent, catalog: Catalog, today: date) -> Checked | Rejected:
    """Every problem of one figure, each naming its field (value, period, …)."""
    issues: list[Issue] = []
    found = _found(figure, catalog, today, issues)
    if found is None:
        return Rejected(tuple(issues))
    indicator, jurisdiction, period, resolved = found
    return Checked(
        indicator,
        jurisdiction,
        period,
        figure.value,
        figure.numerator if figure.denominator is not None else None,
        figure.denominator if figure.numerator is not None else None,
        catalog.province_code(jurisdiction.id),
        (jurisdiction.id, indicator.code, period.grain, period.start),
        resolved,
    )


def refusal(figure: Sent, catalog: Catalog, today: date) -> Rejected | None:
    """The same checks as `check`, for a caller that needs only whether a figure fails them
    and why (scoring's intake: building the `Checked` it drops cost ~0.7 µs a figure)."""
    issues: list[Issue] = []
    if _found(figure, catalog, today, issues) is None:
        return Rejected(tuple(issues))
    return None


def _found(
    figure: Sent, catalog: Catalog, today: date, issues: list[Issue]
) -> tuple[Indicator, Jurisdiction, Period, Text | None] | None:
    """What the figure's codes name, or None with every problem in `issues`."""
    indicator = catalog.indicators.get(figure.indicator)
    if indicator is None:
        issues.append(Issue("indicator", say.unknown_indicator(figure.indicator)))
    period = _period(figure.period, issues)
    jurisdiction, resolved = _jurisdiction(figure.jurisdiction, period, catalog, issues)
    if period is not None and indicator is not None:
        _ended(period, indicator, today, issues)
    if indicator is not None:
        _value(figure, indicator, issues)
    if issues or indicator is None or period is None or jurisdiction is None:
        return None
    return indicator, jurisdiction, period, resolved


def _period(sent: str | Period, issues: list[Issue]) -> Period | None:
    if isinstance(sent, Period):
        return sent
    try:
        return _parse(sent)
    except ValueError as e:
        issues.append(Issue("period", say.bad_period(sent, str(e))))
        return None


def _jurisdiction(
    reference: str, period: Period | None, catalog: Catalog, issues: list[Issue]
) -> tuple[Jurisdiction | None, Text | None]:
    """The unit meant, valid during the period. An id names one unit whatever the period; an
    official code names the unit holding it on the period's first day. A unit that ceased
    before the period is refused naming its successors: its figures are not moved to them,
    because a successor's area (and so its figure) differs from the old unit's. Except where a
    plan is still tracked on the ceased unit (a provincial plan outlives the merger): figures
    reported by its old boundaries keep that plan's series going."""
    on = period.start if period is not None else date.today()
    unit = catalog.resolve(reference, on)
    field = "jurisdiction"
    if unit is None:
        label = str(period) if period is not None else "?"
        issues.append(Issue(field, say.unknown_jurisdiction(reference, label)))
        return None, None
    if period is None:
        return unit, None
    if unit.valid_to is not None and unit.valid_to < on and not _tracked(unit, catalog):
        after = [f"{catalog.jurisdictions[s].name_vi} ({s})" for s in unit.successors]
        issues.append(
            Issue(field, say.ceased(unit.name_vi, unit.name_en, unit.valid_to, str(period), after))
        )
    elif unit.valid_from is not None and unit.valid_from >= period.end:
        issues.append(
            Issue(
                field, say.not_yet_formed(unit.name_vi, unit.name_en, unit.valid_from, str(period))
            )
        )
    resolved = None
    if reference != unit.id:
        resolved = say.code_names(reference, str(period), unit.name_vi, unit.name_en, unit.id)
    return unit, resolved


def _tracked(unit: Jurisdiction, catalog: Catalog) -> bool:
    return any(plan.jurisdiction == unit.id for plan in catalog.plans.values())


def _ended(period: Period, indicator: Indicator, today: date, issues: list[Issue]) -> None:
    """A figure for a period that has not ended (plus the indicator's publication lag) cannot
    be final: on 2026-12-01 neither 2026 nor 2027-01 nor 2030 has a figure yet."""
    lag = indicator.publication_lag_days
    if period.end > _last_end(today, lag):
        issues.append(Issue("period", say.period_not_ended(str(period), period.end, lag, today)))


@functools.lru_cache(maxsize=256)
def _last_end(today: date, lag_days: int) -> date:
    """The latest end a period can have to have a figure today: the same for a whole batch."""
    return today - timedelta(days=lag_days)


def unit_means(sent: str, unit: str) -> bool:
    """Whether what an agency wrote for a unit means the catalog's unit."""
    written = sent.strip().casefold()
    return written == unit or written in UNIT_ALIASES.get(unit, ())


# No figure a plan measures comes near it (the country's GDP is ~10^16 đồng), and the sums of a
# roll-up over any number of units stay far inside the floating-point range: beyond it, the
# database's sum overflows, an error that fails the batch each time it is delivered.
LARGEST = 1e18


def _too_large(figure: Sent, issues: list[Issue]) -> bool:
    """Whether any of the figure's numbers is beyond LARGEST (each one named)."""
    value, numerator, denominator = figure.value, figure.numerator, figure.denominator
    if (
        abs(value) <= LARGEST
        and (numerator is None or abs(numerator) <= LARGEST)
        and (denominator is None or abs(denominator) <= LARGEST)
    ):
        return False  # the usual figure, without naming its numbers (NaN goes the long way)
    numbers = (
        ("value", value),
        ("numerator", numerator),
        ("denominator", denominator),
    )
    found = [
        Issue(name, say.too_large(x, LARGEST))
        for name, x in numbers
        if x is not None and abs(x) > LARGEST
    ]
    issues += found
    return bool(found)


def _value(figure: Sent, indicator: Indicator, issues: list[Issue]) -> None:
    if _too_large(figure, issues):
        return  # its range and parts say nothing more
    unit = indicator.unit
    if figure.unit is not None and not unit_means(figure.unit, unit):
        issues.append(
            Issue(
                "unit",
                say.wrong_unit(indicator.code, unit, figure.unit, unit == PERCENT),
            )
        )
        return
    lo, hi = indicator.valid_min, indicator.valid_max
    if unit == PERCENT and indicator.kind is _RATIO:
        # A share in percent lies in 0..100 whatever the catalog says; never divided by 100.
        lo = 0.0 if not lo or lo < 0.0 else lo
        hi = 100.0 if hi is None or hi > 100.0 else hi
    if (lo is not None and figure.value < lo) or (hi is not None and figure.value > hi):
        issues.append(Issue("value", say.out_of_range(figure.value, lo, hi, unit)))
    if ratio := _ratio(figure, indicator):
        issues.append(Issue("numerator", ratio))


def _ratio(figure: Sent, indicator: Indicator) -> Text | None:
    numerator, denominator = figure.numerator, figure.denominator
    if numerator is None and denominator is None:
        return None
    if indicator.kind is not _RATIO:
        return say.not_a_ratio(indicator.code, indicator.kind)
    if numerator is None or denominator is None:
        return say.parts_together()
    if denominator <= 0:
        return say.parts_together()
    ratio = numerator / denominator * (100 if indicator.unit == PERCENT else 1)
    if not math.isclose(ratio, figure.value, rel_tol=_RATIO_TOLERANCE, abs_tol=_RATIO_TOLERANCE):
        return say.ratio_mismatch(figure.value, ratio, indicator.unit)
    return None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a figure is an outlier against its series (DHIS2's outlier detection): beyond
    `z` standard deviations from the mean, beyond `modified_z` (0.6745 · |x − median| / MAD,
    Iglewicz and Hoaglin's 3.5 for ratios and levels), and outside the series' min..max
    widened by `margin` of the median's size (or by its whole range, when that is wider)."""

    z: float
    modified_z: float
    margin: float


# Flows and stocks move in larger steps (a new centre opens, a grant lands) than shares and
# levels; ranks and milestones jump by nature and are never held.
THRESHOLDS: dict[Kind, Thresholds] = {
    Kind.RATIO: Thresholds(z=3.0, modified_z=3.5, margin=0.5),
    Kind.LEVEL: Thresholds(z=3.0, modified_z=3.5, margin=0.5),
    Kind.FLOW: Thresholds(z=3.5, modified_z=5.0, margin=1.0),
    Kind.STOCK: Thresholds(z=3.5, modified_z=5.0, margin=1.0),
}
MIN_HISTORY = 4  # fewer earlier figures than this: no judgement


def plausible(checked: Checked, history: Sequence[float]) -> Checked | Held:
    """Held when every method that applies to the series calls the figure an outlier (a
    method whose spread is 0 does not apply; min..max always does): a ×100 slip is flagged
    by all three, a steady trend's next step by none."""
    limits = THRESHOLDS.get(checked.indicator.kind)
    if limits is None or len(history) < MIN_HISTORY:
        return checked
    x = checked.value
    low, high, median = min(history), max(history), statistics.median(history)
    span = max(high - low, limits.margin * abs(median))
    if low - span <= x <= high + span:
        return checked
    methods = ["min-max"]
    sd = statistics.stdev(history)
    if sd > 0:
        if abs(x - statistics.fmean(history)) / sd <= limits.z:
            return checked
        methods.append("z-score")
    mad = statistics.median([abs(h - median) for h in history])
    if mad > 0:
        if 0.6745 * abs(x - median) / mad <= limits.modified_z:
            return checked
        methods.append("modified z-score")
    return Held(checked, Issue("value", say.outlier(x, low, high, len(history), methods)))
