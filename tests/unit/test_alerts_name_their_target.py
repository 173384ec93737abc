"""A plan can hold two targets of one indicator (Khánh Hòa's and Tiền Giang's digital economy
for 2030 and 2045): every alert about a target says which one, so two alerts of one kind about
one indicator never read alike — on the live scorecard, in the notification grouping them by
plan, jurisdiction and indicator, on a Grafana annotation. For every rule, the catalog's own
pairs and any two targets the catalog accepts."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.lifecycle import transitions
from chiso_alerts.lifecycle.context import BatchContext
from chiso_alerts.rules.calendar import calendar
from chiso_alerts.rules.evaluate import evaluate
from chiso_alerts.rules.explanation import Asked, explanation
from chiso_alerts.rules.model import ScorePoint, SeriesKey, Verdict
from chiso_alerts.rules.params import SeverityParams, load_params
from chiso_core.catalog import Catalog, Comparator, Plan, Target
from chiso_core.catalog.loader import load_catalog
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_core.words import vietnamese
from tests.unit.test_alert_rules import ROOT

CATALOG = load_catalog(ROOT / "catalog")
TODAY = date(2027, 9, 15)
WEEK = timedelta(days=7)


def context(catalog: Catalog) -> BatchContext:
    return BatchContext(
        catalog, load_params(None), TODAY, transitions.Context((), lambda _a, _b: False, "", False)
    )


def window(target: Target) -> tuple[ScorePoint, ...]:
    """Three years off track and falling behind, a low chance: every scored rule fires."""
    return tuple(
        ScorePoint(
            period=Period.parse(str(year)),
            status=Status.OFF_TRACK,
            actual=10.0 + i,
            expected=14.0 + 3 * i,
            gap=-4.0 - 2 * i,
            target_value=target.value,
            probability=0.1,
            derived=False,
        )
        for i, year in enumerate(range(2023, 2026))
    )


def verdicts(catalog: Catalog, plan: Plan, target: Target) -> Iterator[Verdict]:
    """Every rule's verdicts about one target: the scored rules, the calendar (scored and never
    reported) and the request to explain with its reminder."""
    ctx = context(catalog)
    k, names = (
        SeriesKey.of(catalog, plan, target),
        ctx.rule_names(SeriesKey.of(catalog, plan, target)),
    )
    indicator = catalog.indicators[target.indicator]
    scored = window(target)
    yield from evaluate(k, scored, ctx.params.for_indicator(k.indicator), indicator.cadence,
                        TODAY, names)  # fmt: skip
    for never in (False, True):
        yield from calendar(
            k, "lead", scored[-1].period.end, indicator, TODAY, WEEK, SeverityParams(), names,
            never_reported=never,
        )  # fmt: skip
    asked_at = datetime(2027, 9, 1, tzinfo=UTC)
    asked = Asked("lead", scored[-1].period, (), asked_at)
    yield from explanation(k, asked, asked_at + WEEK, timedelta(days=3), SeverityParams(), names)


def summaries(catalog: Catalog, plan: Plan, targets: list[Target]) -> dict[str, list[str]]:
    """Each alert's summary, by alert name and `never`, one per target, in the targets' order."""
    found: dict[str, list[str]] = {}
    for target in targets:
        for i, v in enumerate(verdicts(catalog, plan, target)):
            found.setdefault(f"{i}:{v.labels['alertname']}", []).append(v.annotations["summary"])
    return found


def sharing(plan: Plan) -> dict[str, list[Target]]:
    """The plan's indicators that carry more than one target, with those targets."""
    by: dict[str, list[Target]] = {}
    for t in plan.targets:
        by.setdefault(t.indicator, []).append(t)
    return {i: ts for i, ts in by.items() if len(ts) > 1}


def said(target: Target) -> str:
    return vietnamese.target_by(
        target.comparator, target.value, target.values, target.unit, target.due_year
    )


def test_the_catalog_holds_plans_with_two_targets_of_one_indicator() -> None:
    """What this file is about is not hypothetical: Khánh Hòa's digital economy, 2030 and 2045."""
    pairs = {(p.id, i) for p in CATALOG.plans.values() for i in sharing(p)}
    assert ("khanh_hoa_nq57", "digital_economy_share_grdp") in pairs
    assert len(pairs) >= 4


def test_every_alert_about_one_of_the_catalogs_targets_names_it() -> None:
    for plan in CATALOG.plans.values():
        for targets in sharing(plan).values():
            for name, texts in summaries(CATALOG, plan, targets).items():
                assert len(set(texts)) == len(targets), (plan.id, name, texts)
                for target, text in zip(targets, texts, strict=True):
                    assert f"(mục tiêu {said(target)})" in text, (name, text)


def test_the_target_is_named_beside_the_codes_for_notifications() -> None:
    plan = CATALOG.plans["khanh_hoa_nq57"]
    early, late = sharing(plan)["digital_economy_share_grdp"]
    ctx = context(CATALOG)
    for target in (early, late):
        for v in verdicts(CATALOG, plan, target):
            assert v.annotations["target_name"] == said(target)
            assert v.labels["target"] == target.id
    assert ctx.rule_names(SeriesKey.of(CATALOG, plan, early)).target == "≥ 30% vào năm 2030"
    # a target the catalog no longer knows: its code, and the year the score gave
    gone = SeriesKey(plan.id, "gone_2040", plan.jurisdiction, early.indicator, "56", 2040)
    assert ctx.rule_names(gone).target == "gone_2040 vào năm 2040"


@st.composite
def aims(draw: st.DrawFn, id_: str) -> Target:
    comparator = draw(st.sampled_from(list(Comparator)))
    value: float | None = None
    values: tuple[float, float] | None = None
    if comparator is Comparator.BETWEEN:
        low = draw(st.integers(0, 90))
        values = (float(low), float(low + draw(st.integers(0, 10))))
    elif comparator is not Comparator.MILESTONE:
        value = float(draw(st.integers(1, 100)))
    return Target(
        id=id_,
        indicator="digital_economy_share_grdp",
        comparator=comparator,
        value=value,
        values=values,
        unit="percent",
        due_year=draw(st.integers(2025, 2050)),
        quote="…",
    )


@given(aims("first"), aims("second"))
def test_any_two_targets_the_catalog_accepts_have_alerts_told_apart(
    first: Target, second: Target
) -> None:
    """The catalog refuses a second target of one indicator asking the same by the same year
    (test_catalog_loader.py); any other two are told apart by every rule's summary."""
    if said(first) == said(second):
        return
    base = CATALOG.plans["khanh_hoa_nq57"]
    plan = base.model_copy(update={"targets": [first, second], "baselines": []})
    catalog = Catalog(
        indicators=CATALOG.indicators,
        jurisdictions=CATALOG.jurisdictions,
        plans={plan.id: plan},
        agencies=CATALOG.agencies,
    )
    for name, texts in summaries(catalog, plan, [first, second]).items():
        assert texts[0] != texts[1], (name, texts)
