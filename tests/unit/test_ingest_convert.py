"""Checking agencies' JSON items against the catalog and turning them into keyed protobuf."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.contracts.v1 import common_pb2, observation_pb2
from chiso_core.periods import Period
from chiso_core.problems import Problem
from chiso_ingest.convert import check, to_message
from chiso_ingest.models import ObservationIn

WHERE = "observations[3]"


def item(**changes: object) -> ObservationIn:
    fields: dict[str, object] = {
        "indicator": "online_public_service_usage",
        "jurisdiction": "56",
        "period": "2025-06",
        "value": 61.5,
    }
    return ObservationIn.model_validate(fields | changes)


def problems(catalog: Catalog, **changes: object) -> list[tuple[str, str]]:
    return [(p.field, p.problem) for p in check(item(**changes), catalog, WHERE)]


def test_a_valid_item_has_no_problem(catalog: Catalog) -> None:
    assert check(item(), catalog, WHERE) == []
    assert check(item(numerator=6150.0, denominator=10000.0), catalog, WHERE) == []


def test_an_unknown_indicator_is_named(catalog: Catalog) -> None:
    assert problems(catalog, indicator="broadband_speed") == [
        (f"{WHERE}.indicator", "unknown indicator 'broadband_speed'")
    ]


def test_an_unknown_jurisdiction_is_named(catalog: Catalog) -> None:
    assert problems(catalog, jurisdiction="99") == [
        (
            f"{WHERE}.jurisdiction",
            "unknown jurisdiction '99' (a catalog id, or an official code in force in the period)",
        )
    ]


@pytest.mark.parametrize(
    ("period", "problem"),
    [
        ("2025-13", "month 13 does not start a month"),
        ("Q2 2025", "period 'Q2 2025' is not YYYY (year), YYYY-Qn (quarter) or YYYY-MM (month)"),
    ],
)
def test_a_bad_period_is_named(catalog: Catalog, period: str, problem: str) -> None:
    assert problems(catalog, period=period) == [(f"{WHERE}.period", problem)]


@pytest.mark.parametrize("value", [-0.1, 100.5])
def test_a_value_outside_the_indicator_range_is_refused(catalog: Catalog, value: float) -> None:
    """A percentage lies in 0..100 (valid_min/valid_max of the indicator)."""
    assert problems(catalog, value=value) == [
        (f"{WHERE}.value", f"{value} is outside the valid range 0.0..100.0 percent")
    ]


@pytest.mark.parametrize("value", [0.0, 100.0])
def test_the_range_bounds_themselves_are_valid(catalog: Catalog, value: float) -> None:
    assert problems(catalog, value=value) == []


def test_a_value_that_does_not_match_its_parts_is_refused(catalog: Catalog) -> None:
    """6150 / 10000 is 61.5 %; 70 is far beyond rounding (1 % tolerance)."""
    assert problems(catalog, value=70.0, numerator=6150.0, denominator=10000.0) == [
        (f"{WHERE}.numerator", "value 70.0 does not match numerator/denominator (61.5 percent)")
    ]


def test_rounding_of_a_ratio_is_tolerated(catalog: Catalog) -> None:
    """1 / 3 is 33.333… %; an agency that reports 33.33 has rounded, not erred."""
    assert problems(catalog, value=33.33, numerator=1.0, denominator=3.0) == []


@pytest.mark.parametrize("half", [{"numerator": 6150.0}, {"denominator": 10000.0}])
def test_half_a_ratio_is_refused(catalog: Catalog, half: dict[str, float]) -> None:
    assert problems(catalog, **half) == [
        (f"{WHERE}.numerator", "numerator and denominator go together: give both or neither")
    ]


def test_every_problem_of_an_item_is_reported_at_once(catalog: Catalog) -> None:
    """An agency fixing a file should see all its mistakes in one answer, not one per try."""
    found = check(item(jurisdiction="99", period="2025-13", value=120.0), catalog, WHERE)
    assert [p.field for p in found] == [
        f"{WHERE}.jurisdiction",
        f"{WHERE}.period",
        f"{WHERE}.value",
    ]


def test_an_unknown_indicator_skips_the_checks_that_need_it(catalog: Catalog) -> None:
    """No range is known for an unknown indicator: one problem, not a crash."""
    found = check(item(indicator="nope", value=1e9, numerator=1.0, denominator=2.0), catalog, WHERE)
    assert found == [Problem(field=f"{WHERE}.indicator", problem="unknown indicator 'nope'")]


def test_to_message_keys_by_province_of_a_district(catalog: Catalog) -> None:
    """Tam Đường district (106) lies in Lai Châu province (12): its figures go to the province's
    partition, so a province roll-up sees them in order."""
    key, msg = to_message(
        item(jurisdiction="tam_duong", period="2025-Q2", numerator=6150.0, denominator=10000.0),
        catalog,
        source="api",
    )
    assert key == b"12/online_public_service_usage"
    assert msg.province_code == "12"
    assert msg.jurisdiction_id == "tam_duong"
    assert msg.indicator_code == "online_public_service_usage"
    assert msg.period == common_pb2.Period(grain=common_pb2.GRAIN_QUARTER, year=2025, month=4)
    assert (msg.value, msg.numerator, msg.denominator) == (61.5, 6150.0, 10000.0)
    assert msg.source == "api"
    assert msg.meta.producer == "ingest"
    assert msg.reported_at.seconds > 0


def test_to_message_keys_a_province_by_itself(catalog: Catalog) -> None:
    key, msg = to_message(item(jurisdiction="56"), catalog, source="api")
    assert key == b"56/online_public_service_usage"
    assert msg.province_code == "56"


@pytest.mark.parametrize(
    ("period", "unit"), [("2025-06", "tien_giang"), ("2025-07", "dong_thap_2025")]
)
def test_an_official_code_means_the_unit_that_held_it_in_the_period(
    catalog: Catalog, period: str, unit: str
) -> None:
    """Code 82 was Tiền Giang's until 2025-06-30; from 2025-07-01 the merged Đồng Tháp holds it
    (Quyết định 19/2025/QĐ-TTg). A figure reported by code lands on the right unit."""
    key, msg = to_message(item(jurisdiction="82", period=period), catalog, source="api")
    assert msg.jurisdiction_id == unit
    assert key == b"82/online_public_service_usage"


def test_to_message_leaves_absent_parts_unset(catalog: Catalog) -> None:
    """proto3 `optional`: "not reported" must differ from a reported 0."""
    _, msg = to_message(item(), catalog, source="api")
    assert not msg.HasField("numerator")
    assert not msg.HasField("denominator")


def test_every_message_gets_its_own_id(catalog: Catalog) -> None:
    """Consumers drop replays by message id; two reports must never share one."""
    ids = {to_message(item(), catalog, source="api")[1].meta.message_id for _ in range(50)}
    assert len(ids) == 50


@given(
    value=st.floats(min_value=0, max_value=100),
    month=st.integers(1, 12),
    jurisdiction=st.sampled_from(["56", "82", "12", "tam_duong"]),
)
def test_a_checked_item_survives_the_wire(
    catalog: Catalog, value: float, month: int, jurisdiction: str
) -> None:
    """Property: what passes `check` is published with the same figure, place and period."""
    valid = item(value=value, period=f"2025-{month:02d}", jurisdiction=jurisdiction)
    assert check(valid, catalog, WHERE) == []
    _, msg = to_message(valid, catalog, source="api")
    back = observation_pb2.Observation.FromString(msg.SerializeToString())
    assert back.value == value
    resolved = catalog.resolve(jurisdiction, Period.parse(valid.period).start)
    assert resolved is not None
    assert back.jurisdiction_id == resolved.id
    assert str(Period.from_proto(back.period)) == f"2025-{month:02d}"
