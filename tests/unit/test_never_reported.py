"""The reporting calendar for a plan target that never had a figure (pure): the period it owes
(after the plan's baseline, else the latest one already past its due date, no later than the
target's due year) for every cadence, the reminders `calendar` gives from it, saying that
nothing was ever received, and which of the catalog's targets are judged so (those with no
series scored); a reminder that nothing judges any more resolves."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.lifecycle import transitions
from chiso_alerts.lifecycle.context import BatchContext
from chiso_alerts.lifecycle.orphans import orphaned
from chiso_alerts.lifecycle.unreported import unreported, unreported_verdicts
from chiso_alerts.rules.calendar import calendar, first_owed, owed
from chiso_alerts.rules.lifecycle import State, advance
from chiso_alerts.rules.model import SeriesKey, Verdict
from chiso_alerts.rules.params import load_params
from chiso_core.catalog.models import (
    Baseline,
    Cadence,
    Catalog,
    Indicator,
    Jurisdiction,
    Owners,
    Plan,
    Target,
)
from chiso_core.periods import Period
from chiso_core.timeliness import due_date
from tests.unit.test_alert_rules import KEY, NAMES, SUBJECT
from tests.unit.test_owner_alerts import LEAD, SEVERITY, WEEK
from tests.unit.test_timeliness import indicator


def target(id_: str = "usage_2030", owners: Owners | None = None, due_year: int = 2030) -> Target:
    return Target(
        id=id_,
        indicator="x",
        comparator="gt",
        value=80,
        unit="percent",
        due_year=due_year,
        quote="đạt trên 80%",
        owners=owners,
    )


ONE, LEADS = (target(),), Owners(lead=LEAD)


def plan(
    baseline_year: int | None = None,
    targets: tuple[Target, ...] = ONE,
    owners: Owners | None = LEADS,
) -> Plan:
    baselines = (
        ()
        if baseline_year is None
        else (Baseline(indicator="x", value=40, year=baseline_year, quote="đạt 40%"),)
    )
    return Plan(
        id="tam_duong_nq57",
        title="Kế hoạch",
        issuing_body="Huyện ủy",
        jurisdiction="tam_duong",
        source_file="plan.txt",
        owners=owners,
        targets=targets,
        baselines=baselines,
    )


def reminders(p: Plan, ind: Indicator, today: date) -> tuple[Verdict, Verdict]:
    """ReportDue and ReportOverdue of the plan's first target, never reported, as of `today`."""
    goal = p.targets[0]
    key = replace(KEY, due_year=goal.due_year)  # the calendar reads the target's due year
    start = first_owed(p, goal, ind, today)
    soon, late = calendar(key, LEAD, start, ind, today, WEEK, SEVERITY, NAMES, never_reported=True)
    return soon, late


# --- the period owed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "owed_", "due"),
    [
        # the plan gives 2024's figure: January, Q1 or the year 2025 is the first owed
        (Cadence.MONTH, "2025-01", date(2025, 2, 28)),
        (Cadence.QUARTER, "2025-Q1", date(2025, 5, 31)),
        (Cadence.YEAR, "2025", date(2026, 6, 30)),
    ],
)
def test_after_the_plans_baseline_the_next_years_first_period_is_owed(
    cadence: Cadence, owed_: str, due: date
) -> None:
    ind, today = indicator(cadence), date(2026, 12, 4)
    start = first_owed(plan(2024), target(), ind, today)
    assert start == date(2025, 1, 1)  # the end of the baseline's year
    assert owed(start, ind) == Period.parse(owed_)
    assert due_date(Period.parse(owed_), ind) == due
    soon, late = reminders(plan(2024), ind, today)
    assert late.period == Period.parse(owed_)
    assert (soon.active, late.active) == ((False,), (True,))  # long overdue: nothing ever came


@pytest.mark.parametrize(
    ("cadence", "lag", "today", "owed_", "due"),
    [
        (Cadence.MONTH, 0, date(2025, 6, 10), "2025-04", date(2025, 5, 31)),
        (Cadence.MONTH, 0, date(2025, 6, 1), "2025-04", date(2025, 5, 31)),
        # April is due this very day, not yet late: March is the latest overdue
        (Cadence.MONTH, 0, date(2025, 5, 31), "2025-03", date(2025, 4, 30)),
        (Cadence.MONTH, 30, date(2025, 6, 10), "2025-03", date(2025, 5, 31)),
        (Cadence.QUARTER, 15, date(2026, 3, 16), "2025-Q4", date(2026, 3, 15)),
        (Cadence.QUARTER, 15, date(2026, 3, 15), "2025-Q3", date(2025, 12, 15)),
        (Cadence.YEAR, 90, date(2025, 10, 1), "2024", date(2025, 9, 30)),
        (Cadence.YEAR, 90, date(2025, 9, 30), "2023", date(2024, 9, 30)),
    ],
)
def test_without_a_baseline_the_latest_period_past_its_due_date_is_owed(
    cadence: Cadence, lag: int, today: date, owed_: str, due: date
) -> None:
    ind = indicator(cadence, lag)
    assert owed(first_owed(plan(), target(), ind, today), ind) == Period.parse(owed_)
    assert due_date(Period.parse(owed_), ind) == due
    soon, late = reminders(plan(), ind, today)
    assert late.period == soon.period == Period.parse(owed_)
    assert (soon.active, late.active) == ((False,), (True,))
    assert late.audience == LEAD


@given(
    today=st.dates(date(2024, 1, 1), date(2031, 12, 31)),
    cadence=st.sampled_from(Cadence),
    lag=st.integers(0, 366),
    due_year=st.integers(2025, 2031),
)
def test_without_a_baseline_something_is_always_overdue_and_nothing_later_is(
    today: date, cadence: Cadence, lag: int, due_year: int
) -> None:
    """Not the latest period ended, which is always still within its window: the series would
    never be overdue although nothing ever came. Nothing later is overdue but what falls after
    the target's due year, which does not judge it."""
    ind, goal = indicator(cadence, lag), target(due_year=due_year)
    p = plan(targets=(goal,))
    period = owed(first_owed(p, goal, ind, today), ind)
    assert period is not None
    assert due_date(period, ind) < today
    assert period.year <= due_year
    after = owed(period.end, ind)
    assert after is not None
    assert due_date(after, ind) >= today or after.year > due_year
    _, late = reminders(p, ind, today)
    assert late.active == (True,)


@pytest.mark.parametrize(
    ("cadence", "lag", "today", "owed_by_due_year"),
    [
        # 04/12/2026: October 2026 (due 30/11) is the latest monthly figure due
        (Cadence.MONTH, 0, date(2026, 12, 4), {2025: "2025-12", 2026: "2026-10", 2027: "2026-10"}),
        # 15/01/2026: December 2025 is not due yet (31/01), November is (31/12)
        (Cadence.MONTH, 0, date(2026, 1, 15), {2025: "2025-11", 2026: "2025-11", 2027: "2025-11"}),
        (Cadence.MONTH, 30, date(2026, 12, 4), {2025: "2025-12", 2026: "2026-09", 2027: "2026-09"}),
        # Q3 2026 is due 30/11/2026 (a quarter's window: two months)
        (
            Cadence.QUARTER,
            0,
            date(2026, 12, 4),
            {2025: "2025-Q4", 2026: "2026-Q3", 2027: "2026-Q3"},
        ),
        (
            Cadence.QUARTER,
            15,
            date(2026, 3, 16),
            {2025: "2025-Q4", 2026: "2025-Q4", 2027: "2025-Q4"},
        ),
        # the year 2025 is due 30/06/2026, with a lag of 90 days 30/09/2026
        (Cadence.YEAR, 0, date(2026, 12, 4), {2025: "2025", 2026: "2025", 2027: "2025"}),
        (Cadence.YEAR, 90, date(2026, 9, 30), {2025: "2024", 2026: "2024", 2027: "2024"}),
        (Cadence.YEAR, 0, date(2027, 7, 1), {2025: "2025", 2026: "2026", 2027: "2026"}),
    ],
)
def test_without_a_baseline_a_target_past_its_due_year_owes_that_years_last_period(
    cadence: Cadence, lag: int, today: date, owed_by_due_year: dict[int, str]
) -> None:
    """A figure for a year after the target's due year does not judge the target: once the due
    year's last period is due, that period is owed and stays so; before, the latest due."""
    ind = indicator(cadence, lag)
    for due_year, owed_ in owed_by_due_year.items():
        goal = target(due_year=due_year)
        period = owed(first_owed(plan(targets=(goal,)), goal, ind, today), ind)
        assert period == Period.parse(owed_), due_year
        _, late = reminders(plan(targets=(goal,)), ind, today)
        assert late.period == period
        assert late.active == (True,)


@pytest.mark.parametrize(
    ("cadence", "owed_"),
    [(Cadence.MONTH, "2025-01"), (Cadence.QUARTER, "2025-Q1"), (Cadence.YEAR, "2025")],
)
@pytest.mark.parametrize("due_year", [2025, 2026, 2027])
def test_with_a_baseline_the_due_year_changes_nothing(
    cadence: Cadence, owed_: str, due_year: int
) -> None:
    """The plan's baseline is before the due year (Plan.baseline_for), so the year after it is
    at most the due year: after 2024's figure January, Q1 or the year 2025 is owed whether the
    target is due last year, this year or next (on 04/12/2026), and is long overdue."""
    ind, goal = indicator(cadence), target(due_year=due_year)
    p = plan(2024, targets=(goal,))
    assert owed(first_owed(p, goal, ind, date(2026, 12, 4)), ind) == Period.parse(owed_)
    _, late = reminders(p, ind, date(2026, 12, 4))
    assert (late.period, late.active) == (Period.parse(owed_), (True,))


@pytest.mark.parametrize(
    ("cadence", "today", "due", "overdue"),
    [
        # 2026's baseline: January 2027 is owed, due 28/02/2027
        (Cadence.MONTH, date(2026, 12, 4), False, False),
        (Cadence.MONTH, date(2027, 2, 20), False, False),
        (Cadence.MONTH, date(2027, 2, 21), True, False),  # a week before its due date
        (Cadence.MONTH, date(2027, 3, 1), False, True),
        # the year 2027, due 30/06/2028: not even over
        (Cadence.YEAR, date(2027, 12, 31), False, False),
        (Cadence.YEAR, date(2028, 6, 23), True, False),
        (Cadence.YEAR, date(2028, 7, 1), False, True),
    ],
)
def test_a_baseline_whose_next_period_is_ahead_waits_for_its_due_date(
    cadence: Cadence, today: date, due: bool, overdue: bool
) -> None:
    soon, late = reminders(plan(2026), indicator(cadence), today)
    assert (soon.active, late.active) == ((due,), (overdue,))


# --- what the reminders say -----------------------------------------------------------------


def test_the_reminders_say_no_figure_was_ever_received_which_period_and_by_when() -> None:
    """The same alert as a series scored has (its labels: test_owner_alerts.py), told more."""
    soon, late = reminders(plan(), indicator(Cadence.MONTH), date(2025, 6, 10))
    assert late.annotations["summary"] == (
        f"Quá hạn báo cáo: {SUBJECT}, số liệu"
        " tháng 4/2025 (hạn ngày 31/05/2025); chưa nhận được số liệu nào"
    )
    description = late.annotations["description"]
    assert description.startswith(
        "Từ trước đến nay chưa nhận được số liệu nào của chỉ tiêu này tại Tam Đường. "
    )
    assert "POST /v1/observations" in description
    assert soon.annotations["summary"] == (
        f"{SUBJECT}: số liệu tháng 4/2025 đến hạn ngày 31/05/2025 (chưa nhận được số liệu nào)"
    )
    # a series scored says nothing of the kind
    _, scored = calendar(
        KEY,
        LEAD,
        Period.parse("2025-03").end,
        indicator(Cadence.MONTH),
        date(2025, 6, 10),
        WEEK,
        SEVERITY,
        NAMES,
    )
    assert scored.annotations["summary"] == late.annotations["summary"].split(";")[0]
    assert "chưa nhận được" not in scored.annotations["description"]


# --- which targets ----------------------------------------------------------------------------


def catalog(*plans: Plan) -> Catalog:
    def unit(id_: str, level: str, parent: str | None, code: str) -> Jurisdiction:
        return Jurisdiction(
            id=id_, code=code, name_vi=id_, name_en=id_, level=level, parent=parent, source="s"
        )

    return Catalog(
        indicators={"x": indicator(Cadence.MONTH)},
        jurisdictions={
            "lai_chau": unit("lai_chau", "province", None, "12"),
            "tam_duong": unit("tam_duong", "district", "lai_chau", "106"),
        },
        plans={p.id: p for p in plans},
    )


def key(target_id: str, jurisdiction: str = "tam_duong") -> SeriesKey:
    return SeriesKey("tam_duong_nq57", target_id, jurisdiction, "x", "12", 2030)


TWO = (target("usage_2030"), target("other_2030"))


def test_the_targets_with_no_series_scored_are_the_ones_never_reported() -> None:
    found = unreported(catalog(plan(targets=TWO)), [key("usage_2030")])
    assert [(k, t.id) for k, _, t in found] == [(key("other_2030"), "other_2030")]
    assert found[0][0].province == "12"  # the province's code, as scoring keys its messages
    # a series is the target in its plan's jurisdiction: scored elsewhere, it is still owed
    assert len(unreported(catalog(plan(targets=TWO)), [key("usage_2030", "lai_chau")])) == 2
    assert unreported(catalog(plan(targets=TWO)), [key("usage_2030"), key("other_2030")]) == []


def context(c: Catalog, today: date) -> BatchContext:
    return BatchContext(
        c, load_params(None), today, transitions.Context((), lambda _a, _b: False, "", False)
    )


def test_only_the_series_never_reported_are_reminded_and_only_by_their_lead() -> None:
    scored, never = key("usage_2030"), key("other_2030")
    ctx = context(catalog(plan(targets=TWO)), date(2025, 6, 10))
    judged = unreported_verdicts([(scored, Period.parse("2025-05").end)], ctx, WEEK)
    assert {(j.verdict.labels["target"], j.verdict.labels["alertname"]) for j in judged} == {
        ("other_2030", "ReportDue"),
        ("other_2030", "ReportOverdue"),
    }
    late = next(j for j in judged if j.verdict.labels["alertname"] == "ReportOverdue")
    assert (late.verdict.active, late.verdict.audience, late.province) == ((True,), LEAD, "12")
    assert late.verdict.labels["indicator"] == never.indicator

    handed = plan(targets=(target("other_2030", Owners(lead="nhnn_lai_chau")),))
    judged = unreported_verdicts([], context(catalog(handed), date(2025, 6, 10)), WEEK)
    assert {j.verdict.audience for j in judged} == {"nhnn_lai_chau"}  # the target's own lead

    nobody = plan(targets=TWO, owners=None)
    judged = unreported_verdicts([], context(catalog(nobody), date(2025, 6, 10)), WEEK)
    assert len(judged) == 4
    assert not any(j.verdict.active[-1] for j in judged)  # nobody to remind


def test_while_nothing_comes_the_period_owed_follows_the_calendar() -> None:
    """Without a baseline: the alert stays firing, its period the latest overdue."""
    periods = []
    for days in (0, 30, 61):
        day = date(2025, 6, 10) + timedelta(days=days)
        ctx = context(catalog(plan()), day)
        [_, late] = [j.verdict for j in unreported_verdicts([], ctx, WEEK)]
        assert late.active == (True,)
        periods.append(str(late.period))
    assert periods == ["2025-04", "2025-05", "2025-06"]


# --- reminders nothing judges any more --------------------------------------------------------


def test_a_reminder_no_verdict_speaks_of_resolves_as_it_was_addressed() -> None:
    """A target reminded of, then dropped from the catalog: nothing judges it again."""
    day = date(2025, 6, 10)
    [_, late] = unreported_verdicts([], context(catalog(plan()), day), WEEK)
    firing, _ = advance(None, late.verdict, datetime(2025, 6, 10, tzinfo=UTC))
    assert firing is not None
    dropped = catalog(plan(targets=()))
    spoken = {j.fingerprint for j in unreported_verdicts([], context(dropped, day), WEEK)}
    [resolving] = orphaned([firing], spoken, dropped)
    assert resolving.verdict.labels == late.verdict.labels  # the same alert
    assert resolving.verdict.active == (False,)
    assert resolving.verdict.audience == LEAD
    assert resolving.province == "12"
    resolved, changed = advance(firing, resolving.verdict, datetime(2025, 6, 11, tzinfo=UTC))
    assert changed
    assert resolved is not None
    assert resolved.state is State.RESOLVED
    # judged this round (still in the catalog): left to its verdict
    assert list(orphaned([firing], {late.fingerprint}, catalog(plan()))) == []
    # the catalog no longer knows its unit either: keyed by the unit's id
    nowhere = Catalog(indicators={}, jurisdictions={}, plans={})
    assert [j.province for j in orphaned([firing], set(), nowhere)] == ["tam_duong"]
