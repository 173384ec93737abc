"""The reporting calendar: due dates by cadence and publication lag, on time / late / missing,
and the rates per agency; worked examples and properties over every period and lag."""

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.catalog.models import Cadence, Indicator
from chiso_core.periods import Period
from chiso_core.timeliness import (
    WINDOW_MONTHS,
    Duty,
    Entry,
    Rate,
    Timeliness,
    calendar,
    due_date,
    duties,
    judge,
    periods,
    rates,
)


def indicator(cadence: Cadence, lag: int = 0) -> Indicator:
    return Indicator(
        code="x",
        name_vi="x",
        name_en="x",
        unit="percent",
        direction="higher_is_better",
        kind="level",
        cadence=cadence,
        publication_lag_days=lag,
        rollup="none",
    )


@pytest.mark.parametrize(
    ("period", "cadence", "lag", "due"),
    [
        ("2025-07", Cadence.MONTH, 0, date(2025, 8, 31)),  # by the end of the next month
        ("2025-12", Cadence.MONTH, 0, date(2026, 1, 31)),  # across the year's end
        ("2025-01", Cadence.MONTH, 0, date(2025, 2, 28)),  # a short month
        ("2024-01", Cadence.MONTH, 0, date(2024, 2, 29)),  # a leap year's February
        ("2025-01", Cadence.MONTH, 30, date(2025, 4, 2)),  # opens 03/03, a month to report
        ("2025-Q2", Cadence.QUARTER, 0, date(2025, 8, 31)),
        ("2025-Q4", Cadence.QUARTER, 15, date(2026, 3, 15)),
        ("2024", Cadence.YEAR, 0, date(2025, 6, 30)),
        ("2024", Cadence.YEAR, 90, date(2025, 9, 30)),
    ],
)
def test_due_dates_worked_examples(period: str, cadence: Cadence, lag: int, due: date) -> None:
    assert due_date(Period.parse(period), indicator(cadence, lag)) == due


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


@given(
    st.sampled_from(list(Cadence)),
    st.integers(min_value=0, max_value=365),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
)
def test_a_due_date_is_the_window_after_the_figure_can_exist(
    cadence: Cadence, lag: int, day: date
) -> None:
    [period] = list(periods(cadence, day, day + timedelta(days=400)))[:1]
    due = due_date(period, indicator(cadence, lag))
    opens = period.end + timedelta(days=lag)
    assert opens <= due  # there is always a day to report on
    # the window is exactly its months: the day after it is the same day of the month that
    # many months on, or (that day missing in a short month) the 1st of the month after
    after = due + timedelta(days=1)
    window = WINDOW_MONTHS[cadence]
    if after.day == opens.day:
        assert _months_between(opens, after) == window
    else:
        assert (after.day, _months_between(opens, after)) == (1, window + 1)
        assert opens.day > 28
    assert due_date(period, indicator(cadence, lag + 1)) >= due  # a longer lag, never earlier


@given(
    st.sampled_from(list(Cadence)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 1, 1)),
    st.integers(min_value=0, max_value=3000),
)
def test_periods_follow_each_other_without_gap_and_end_by_the_day(
    cadence: Cadence, since: date, days: int
) -> None:
    until = since + timedelta(days=days)
    found = list(periods(cadence, since, until))
    for before, after in itertools.pairwise(found):
        assert after.start == before.end
    assert all(p.end <= until + timedelta(days=1) for p in found)
    if found:
        assert found[0].start <= since < found[0].end
    # and none is left out: the one after the last ends after `until`
    start = found[-1].end if found else since
    following = next(periods(cadence, start, start + timedelta(days=800)))
    assert following.end > until + timedelta(days=1)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1))),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
)
def test_every_figure_is_exactly_one_of_on_time_late_missing_or_not_due(
    due: date, received: date | None, today: date
) -> None:
    verdict = judge(due, received, today)
    if received is None:
        assert verdict is (Timeliness.MISSING if today > due else Timeliness.NOT_DUE)
    else:
        assert verdict is (Timeliness.ON_TIME if received <= due else Timeliness.LATE)


def test_on_the_due_day_is_on_time_the_day_after_late() -> None:
    due = date(2025, 8, 31)
    assert judge(due, due, date(2025, 9, 5)) is Timeliness.ON_TIME
    assert judge(due, due + timedelta(days=1), date(2025, 9, 5)) is Timeliness.LATE
    assert judge(due, None, due) is Timeliness.NOT_DUE
    assert judge(due, None, due + timedelta(days=1)) is Timeliness.MISSING


def test_the_seed_plans_owe_figures_by_their_lead_agencies(catalog: Catalog) -> None:
    owed = duties(catalog.plans.values())
    assert Duty("nhnn_khanh_hoa", "cashless_transaction_share", "khanh_hoa") in owed
    assert Duty("vp_ubnd_tam_duong", "online_public_service_usage", "tam_duong") in owed
    assert len(owed) == len(set(owed))
    assert {d.agency for d in owed} <= set(catalog.agencies)


def test_a_calendar_judges_each_period_and_rates_each_agency(catalog: Catalog) -> None:
    usage, cash = "online_public_service_usage", "cashless_transaction_share"
    received = {
        (usage, "tam_duong", Period.parse("2025-01")): date(2025, 2, 10),  # on time
        (usage, "tam_duong", Period.parse("2025-02")): date(2025, 4, 2),  # late
        # 2025-03 missing (due 30/04); 2025-04 within its window (due 31/05) on 20/05
        (cash, "tam_duong", Period.parse("2025-01")): date(2025, 2, 1),
    }
    owed = duties(catalog.plans.values())
    entries = calendar(owed, catalog.indicators, received, date(2025, 1, 1), date(2025, 5, 20))

    ours = {
        (e.duty.indicator, str(e.period)): e.timeliness
        for e in entries
        if e.duty.jurisdiction == "tam_duong" and e.duty.indicator == usage
    }
    assert ours == {
        (usage, "2025-01"): Timeliness.ON_TIME,
        (usage, "2025-02"): Timeliness.LATE,
        (usage, "2025-03"): Timeliness.MISSING,
        (usage, "2025-04"): Timeliness.NOT_DUE,
    }
    by_agency = {r.agency: r for r in rates(entries)}
    assert by_agency["vp_ubnd_tam_duong"] == Rate("vp_ubnd_tam_duong", 1, 1, 1)
    assert by_agency["vp_ubnd_tam_duong"].on_time_rate == pytest.approx(1 / 3)
    assert by_agency["vp_ubnd_tam_duong"].reporting_rate == pytest.approx(2 / 3)


@given(st.lists(st.sampled_from(list(Timeliness)), max_size=50))
def test_rates_count_every_due_figure_once_and_lie_between_0_and_1(
    verdicts: list[Timeliness],
) -> None:
    duty = Duty("a", "i", "j")
    entries = [Entry(duty, Period.parse("2025-01"), date(2025, 2, 28), None, v) for v in verdicts]
    found = rates(entries)
    due = sum(1 for v in verdicts if v is not Timeliness.NOT_DUE)
    if not verdicts:
        assert found == []
        return
    [rate] = found
    assert rate.due == due
    if due == 0:
        assert rate.on_time_rate is None
    else:
        assert rate.on_time_rate is not None
        assert rate.reporting_rate is not None
        assert 0 <= rate.on_time_rate <= rate.reporting_rate <= 1
