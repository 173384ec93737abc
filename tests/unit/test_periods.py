"""Reporting periods: the text agencies send, the order scoring relies on, the year axis."""

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_core.contracts.v1 import common_pb2
from chiso_core.periods import Grain, Period, year_end


@st.composite
def periods(draw: st.DrawFn) -> Period:
    grain = draw(st.sampled_from(list(Grain)))
    year = draw(st.integers(1900, 2100))
    if grain is Grain.MONTH:
        month = draw(st.integers(1, 12))
    elif grain is Grain.QUARTER:
        month = draw(st.sampled_from([1, 4, 7, 10]))
    else:
        month = 1
    return Period(year, month, grain)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06", Period(2025, 6, Grain.MONTH)),
        ("2025-01", Period(2025, 1, Grain.MONTH)),
        ("2025-Q1", Period(2025, 1, Grain.QUARTER)),
        ("2025-Q3", Period(2025, 7, Grain.QUARTER)),
        ("2025-Q4", Period(2025, 10, Grain.QUARTER)),
        ("2024", Period(2024, 1, Grain.YEAR)),
        (" 2025-06\n", Period(2025, 6, Grain.MONTH)),
    ],
)
def test_parse_reads_each_grain(text: str, expected: Period) -> None:
    """A quarter is stored by its first month (Q3 → July), a year by January."""
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Period(2025, 6, Grain.MONTH), "2025-06"),
        (Period(2025, 10, Grain.QUARTER), "2025-Q4"),
        (Period(2030, 1, Grain.YEAR), "2030"),
    ],
)
def test_str_is_the_canonical_label(period: Period, text: str) -> None:
    """Labels go into alert summaries and Grafana; a month keeps its leading zero."""
    assert str(period) == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2025-13", "month 13 does not start a month"),
        ("2025-00", "month 0 does not start a month"),
        ("2025-Q5", "is not YYYY (year), YYYY-Qn (quarter) or YYYY-MM (month)"),
        ("2025-6", "is not YYYY (year)"),
        ("2025Q1", "is not YYYY (year)"),
        ("2025-q1", "is not YYYY (year)"),
        ("June 2025", "is not YYYY (year)"),
        ("", "is not YYYY (year)"),
        ("1899", "year 1899 is outside 1900..2100"),
        ("2101-01", "year 2101 is outside 1900..2100"),
    ],
)
def test_bad_text_is_refused_naming_the_problem(text: str, problem: str) -> None:
    """The message goes back to the agency verbatim, so it must say what is wrong."""
    with pytest.raises(ValueError, match=re.escape(problem)):
        Period.parse(text)


def test_a_quarter_must_start_on_a_quarter_month() -> None:
    """February cannot start a quarter; a proto with month=2 and GRAIN_QUARTER is refused."""
    with pytest.raises(ValueError, match="month 2 does not start a quarter"):
        Period(2025, 2, Grain.QUARTER)
    bad = common_pb2.Period(grain=common_pb2.GRAIN_QUARTER, year=2025, month=2)
    with pytest.raises(ValueError, match="does not start a quarter"):
        Period.from_proto(bad)


def test_a_proto_without_grain_is_refused() -> None:
    """GRAIN_UNSPECIFIED is what an empty or foreign message decodes to."""
    with pytest.raises(ValueError, match="grain is unspecified"):
        Period.from_proto(common_pb2.Period(year=2025, month=1))


def test_months_sort_chronologically_across_years() -> None:
    """Alerts ignore scores older than the last one they saw: that needs time order."""
    labels = ["2025-01", "2024-12", "2025-10", "2025-02", "2024-02"]
    ordered = sorted(Period.parse(t) for t in labels)
    assert [str(p) for p in ordered] == ["2024-02", "2024-12", "2025-01", "2025-02", "2025-10"]
    assert Period.parse("2025-Q1") < Period.parse("2025-Q2") < Period.parse("2026-Q1")
    assert Period.parse("2024") < Period.parse("2025")


@pytest.mark.parametrize(
    ("text", "end"),
    [
        # June ends halfway through 2025: 2025 + (6 - 1 + 1) / 12.
        ("2025-06", 2025.5),
        # December ends where the next year starts.
        ("2025-12", 2026.0),
        # January: 2025 + 1/12.
        ("2025-01", 2025 + 1 / 12),
        # Q2 (April–June) ends with June: 2025 + (4 - 1 + 3) / 12.
        ("2025-Q2", 2025.5),
        # Q4 ends at the turn of the year.
        ("2025-Q4", 2026.0),
        # A year ends at the start of the next one.
        ("2024", 2025.0),
    ],
)
def test_end_year_fraction(text: str, end: float) -> None:
    """A figure for a period stands at the period's end on the year axis of the progress line."""
    assert Period.parse(text).end_year_fraction == pytest.approx(end)


def test_a_year_figure_and_year_end_agree() -> None:
    """A baseline 'for 2024' and the figure for the year 2024 sit at the same point (2025.0)."""
    assert year_end(2024) == Period.parse("2024").end_year_fraction == 2025.0


def test_start_and_of_round_trip() -> None:
    """The database stores (grain, start date); reading them back gives the same period."""
    q3 = Period.parse("2025-Q3")
    assert q3.start == date(2025, 7, 1)
    assert Period.of("quarter", q3.start) == q3


@given(periods())
def test_parse_of_str_is_identity(period: Period) -> None:
    """Every period survives the text form agencies and dashboards use."""
    assert Period.parse(str(period)) == period


@given(periods())
def test_proto_round_trip(period: Period) -> None:
    """Every period survives the wire form, including the serialized bytes."""
    wire = period.to_proto().SerializeToString()
    assert Period.from_proto(common_pb2.Period.FromString(wire)) == period


@given(periods(), periods())
def test_same_grain_order_follows_the_time_axis(a: Period, b: Period) -> None:
    """Within one grain, comparing periods is comparing where they end in time."""
    if a.grain is b.grain:
        assert (a < b) == (a.end_year_fraction < b.end_year_fraction)


def test_a_period_is_one_object_from_a_message_or_a_stored_row() -> None:
    """Figures come by the thousand: their periods (and each one's start, end and message) are
    built once, whichever way they are read."""
    message = common_pb2.Period(grain=common_pb2.GRAIN_MONTH, year=2025, month=6)
    read = Period.from_proto(message)
    assert read is Period.from_proto(common_pb2.Period.FromString(message.SerializeToString()))
    assert read is Period.of("month", read.start)
    assert read.proto == message
