"""What the scorecard says: every target of one plan, as of a period, with its chart. Pure:
the catalog and the scores read back in, the page's content out."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from markupsafe import Markup

from chiso_core.catalog import Catalog, Indicator, Jurisdiction, Plan, Target
from chiso_core.periods import Period, year_end
from chiso_core.timeliness import Rate, Received, calendar, duties, rates
from chiso_core.words import vietnamese
from chiso_core.words.probability import chance
from chiso_core.words.vietnamese import STATUS_ORDER
from chiso_scoring.methods import Point, kinds
from chiso_scoring.reads import ExplanationOut, ScoreOut, TargetCard, scorecard
from chiso_scoring.report import chart


@dataclass(frozen=True)
class FiringAlert:
    """A firing alert as the dash_alerts view gives it."""

    severity: str
    summary: str
    target_id: str | None
    fired_at: datetime | None


@dataclass(frozen=True)
class Live:
    """What the live page shows beyond the printed one."""

    alerts: list[FiringAlert]
    index_url: str


@dataclass(frozen=True)
class Section:
    card: TargetCard
    indicator: Indicator
    chart: Markup | None  # None without a figure
    chance: str  # the probability of meeting the target as shown ("—": nothing to show)
    missed: tuple[int, ...] = ()  # the years an every-year target missed


@dataclass(frozen=True)
class Punctuality:
    """How timely the lead agencies' figures are, from `since` to the report's day."""

    since: date
    rates: list[tuple[str, Rate]]  # (agency's name, its rate), by agency id


@dataclass(frozen=True)
class Report:
    plan: Plan
    jurisdiction: Jurisdiction
    as_of: Period | None  # None: the latest scores
    sections: list[Section]
    counts: list[tuple[str, int]]  # statuses present, worst first
    printed_on: date
    punctuality: Punctuality | None = None


def _punctuality(
    catalog: Catalog, plan: Plan, received: Received, as_of: Period | None, printed_on: date
) -> Punctuality:
    """The plan's lead agencies' timeliness over the previous and the current year (to the end
    of `as_of` when the report is as of a period)."""
    today = printed_on if as_of is None else min(printed_on, as_of.end - timedelta(days=1))
    since = date(today.year - 1, 1, 1)
    entries = calendar(duties([plan]), catalog.indicators, received, since, today)
    named = [
        (catalog.agencies[r.agency].name_vi if r.agency in catalog.agencies else r.agency, r)
        for r in rates(entries)
    ]
    return Punctuality(since, named)


def _within(score: ScoreOut, as_of: Period | None) -> bool:
    """Whether a score's period is over by the end of `as_of` (a year's figure is not in by
    June)."""
    return as_of is None or Period.parse(score.period).end_month <= as_of.end_month


def _chart(card: TargetCard, indicator: Indicator, history: list[ScoreOut]) -> Markup:
    latest = history[-1]
    projection = None
    if latest.projected is not None:
        projection = chart.Projection(
            at=year_end(card.due_year),
            value=latest.projected,
            low=latest.projected_low,
            high=latest.projected_high,
        )
    at = [Period.parse(s.period).end_year_fraction for s in history]
    expected = [(x, s.expected) for x, s in zip(at, history, strict=True) if s.expected is not None]
    if expected and latest.target_value is not None:
        expected.append((year_end(card.due_year), latest.target_value))  # the path ends at the aim
    data = chart.ChartData(
        actual=[(x, s.actual) for x, s in zip(at, history, strict=True)],
        expected=expected,
        target=latest.target_value,
        projection=projection,
        floor=indicator.valid_min,
        ceiling=indicator.valid_max,
    )
    return chart.render(data, key=card.target_id, label=card.quote)


def _missed(
    plan: Plan, target: Target, indicator: Indicator, history: list[ScoreOut]
) -> tuple[int, ...]:
    """The years a count-per-year or maintain target missed, judged as scoring judges them."""
    if kinds.kind_of(target) not in kinds.EVERY_YEAR:
        return ()
    due_at = year_end(target.due_year)
    points = [Point(Period.parse(s.period).end_year_fraction, s.actual) for s in history]
    base = plan.baseline_for(target)
    judge_after = year_end(base.year) if base is not None else None
    inside = [p for p in points if p.at <= due_at]
    return kinds.every_year(target, inside, indicator.cadence, judge_after).missed


def _chance(card: TargetCard, as_of: Period | None, printed_on: date) -> str:
    latest = card.latest
    if latest is None:
        return "—"
    now_year = as_of.year if as_of is not None else printed_on.year
    shown = chance(
        latest.probability,
        card.status,
        past_due=now_year > card.due_year,
        as_of=vietnamese.period(latest.period),
    )
    return shown or "—"


def build(
    catalog: Catalog,
    plan_id: str,
    scores: list[ScoreOut],
    as_of: Period | None,
    printed_on: date,
    explained: Mapping[str, ExplanationOut] | None = None,
    received: Received | None = None,
) -> Report:
    """The report of `plan_id` (at its current revision, for its own jurisdiction) from that
    plan revision's scores, oldest first, of the plan's jurisdiction, with each target's latest
    explanation as printed (`explained`, by target id) and, given the days figures were first
    reported (`received`), the lead agencies' timeliness."""
    plan = catalog.plans[plan_id]
    scores = [s for s in scores if _within(s, as_of)]
    by_target: dict[str, list[ScoreOut]] = {t.id: [] for t in plan.targets}
    for s in scores:
        by_target.setdefault(s.target_id, []).append(s)
    card = scorecard(
        plan,
        plan.jurisdiction,
        {t: h[-1] for t, h in by_target.items() if h},
        catalog.agencies,
        explained or {},
    )
    targets = {t.id: t for t in plan.targets}
    sections = [
        Section(
            c,
            catalog.indicators[c.indicator],
            _chart(c, catalog.indicators[c.indicator], by_target[c.target_id])
            if by_target[c.target_id]
            else None,
            _chance(c, as_of, printed_on),
            _missed(
                plan, targets[c.target_id], catalog.indicators[c.indicator], by_target[c.target_id]
            ),
        )
        for c in card.targets
    ]
    counts = Counter(c.status for c in card.targets)
    return Report(
        plan=plan,
        jurisdiction=catalog.jurisdictions[plan.jurisdiction],
        as_of=as_of,
        sections=sections,
        counts=[(s, counts[s]) for s in STATUS_ORDER if counts[s]],
        printed_on=printed_on,
        punctuality=None
        if received is None
        else _punctuality(catalog, plan, received, as_of, printed_on),
    )
