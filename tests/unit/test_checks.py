"""The checks every figure passes (chiso_core.checks), and a checked figure as keyed protobuf."""

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.checks import (
    LARGEST,
    PERCENT,
    Checked,
    Held,
    Issue,
    Rejected,
    Reported,
    check,
    plausible,
    refusal,
)
from chiso_core.contracts.v1 import common_pb2, observation_pb2
from chiso_core.periods import Period
from chiso_core.words import problems as say
from chiso_core.words.problems import Lang
from chiso_ingest.convert import to_message

TODAY = date(2026, 12, 1)
USAGE = "online_public_service_usage"


def figure(**changes: object) -> Reported:
    fields: dict[str, object] = {
        "indicator": USAGE,
        "jurisdiction": "56",
        "period": "2025-06",
        "value": 61.5,
    }
    return Reported(**(fields | changes))  # type: ignore[arg-type]


def checked(catalog: Catalog, today: date = TODAY, **changes: object) -> Checked:
    verdict = check(figure(**changes), catalog, today)
    assert isinstance(verdict, Checked), verdict
    return verdict


def issues(catalog: Catalog, lang: Lang = "en", **changes: object) -> list[tuple[str, str]]:
    verdict = check(figure(**changes), catalog, TODAY)
    assert isinstance(verdict, Rejected), verdict
    return [(i.field, i.text.in_(lang)) for i in verdict.issues]


def test_a_valid_figure_is_checked_with_its_unit_resolved(catalog: Catalog) -> None:
    c = checked(catalog, numerator=6150.0, denominator=10000.0)
    assert (c.indicator.code, c.jurisdiction.id, str(c.period)) == (USAGE, "khanh_hoa", "2025-06")
    assert (c.value, c.numerator, c.denominator, c.province_code) == (61.5, 6150.0, 10000.0, "56")


def test_an_unknown_indicator_is_named_in_both_languages(catalog: Catalog) -> None:
    assert issues(catalog, indicator="broadband_speed") == [
        ("indicator", "unknown indicator 'broadband_speed'")
    ]
    assert issues(catalog, "vi", indicator="broadband_speed") == [
        ("indicator", "không có chỉ tiêu 'broadband_speed' trong danh mục")
    ]


@pytest.mark.parametrize(
    ("period", "problem"),
    [
        ("2025-13", "month 13 does not start a month"),
        ("Q2 2025", "period 'Q2 2025' is not YYYY (year), YYYY-Qn (quarter) or YYYY-MM (month)"),
    ],
)
def test_a_bad_period_is_named(catalog: Catalog, period: str, problem: str) -> None:
    assert issues(catalog, period=period) == [("period", problem)]
    [(_, vi)] = issues(catalog, "vi", period=period)
    assert vi.startswith(f"kỳ {period!r} không hợp lệ")


@pytest.mark.parametrize("period", ["2026", "2026-12", "2026-Q4", "2027-01", "2030", "2100-12"])
def test_a_period_that_has_not_ended_is_refused(catalog: Catalog, period: str) -> None:
    """On 2026-12-01 neither the year 2026 nor its last month or quarter has a figure yet, and
    a 2030 figure would settle a target "by 2030" early."""
    for indicator, code in ((USAGE, "56"), ("cashless_transaction_share", "56")):
        [(field, problem)] = issues(catalog, indicator=indicator, period=period, jurisdiction=code)
        assert field == "period"
        assert problem.startswith(f"the period {period} has not ended"), problem
    [(_, vi)] = issues(catalog, "vi", period=period)
    assert vi.startswith(f"kỳ {period} chưa kết thúc"), vi


@pytest.mark.parametrize("period", ["2026-11", "2026-Q3", "2025", "2019-01"])
def test_a_period_that_has_ended_is_accepted(catalog: Catalog, period: str) -> None:
    assert str(checked(catalog, period=period).period) == period


def test_the_publication_lag_pushes_the_earliest_day(catalog: Catalog) -> None:
    """With a 30-day publication lag, November's figure cannot exist before 31 December."""
    lagged = catalog.indicators[USAGE].model_copy(update={"publication_lag_days": 30})
    late = catalog.model_copy(update={"indicators": catalog.indicators | {USAGE: lagged}})
    assert isinstance(check(figure(period="2026-11"), late, date(2026, 12, 30)), Rejected)
    assert isinstance(check(figure(period="2026-11"), late, date(2026, 12, 31)), Checked)


@pytest.mark.parametrize("unit", ["%", "percent", "phần trăm", "Phần trăm", " % "])
def test_unit_aliases_mean_the_indicators_unit(catalog: Catalog, unit: str) -> None:
    assert checked(catalog, unit=unit).value == 61.5


@pytest.mark.parametrize("unit", ["fraction", "‰", "count"])
def test_another_unit_is_refused_never_converted(catalog: Catalog, unit: str) -> None:
    [(field, problem)] = issues(catalog, unit=unit)
    assert field == "unit"
    assert problem == (
        f"{USAGE} is reported in percent (61.5 for 61.5 %, never 0.615), not {unit!r}; "
        "values are never converted"
    )


@pytest.mark.parametrize(
    ("period", "unit", "name"),
    [
        ("2024", "tien_giang", "Tỉnh Tiền Giang"),
        ("2025-06", "tien_giang", "Tỉnh Tiền Giang"),
        ("2025-07", "dong_thap_2025", "Tỉnh Đồng Tháp"),
        ("2026-06", "dong_thap_2025", "Tỉnh Đồng Tháp"),
    ],
)
def test_an_official_code_is_resolved_by_period_naming_the_unit(
    catalog: Catalog, period: str, unit: str, name: str
) -> None:
    """Code 82 was Tiền Giang's until 2025-06-30; from 2025-07-01 the merged Đồng Tháp holds it
    (Quyết định 19/2025/QĐ-TTg)."""
    c = checked(catalog, date(2028, 1, 1), jurisdiction="82", period=period)
    assert c.jurisdiction.id == unit
    assert c.resolved_from is not None
    assert c.resolved_from.vi == f"mã 82 trong kỳ {period} là {name} ({unit})"
    assert c.resolved_from.en.startswith(f"code 82 in {period} is ")


@pytest.mark.parametrize("unit", ["ninh_thuan", "dong_thap", "nha_trang", "my_tho"])
@pytest.mark.parametrize("period", ["2026-06", "2025-07", "2025-Q3"])
def test_a_ceased_unit_is_refused_naming_its_successor(
    catalog: Catalog, unit: str, period: str
) -> None:
    """Units that ended on 2025-06-30 have no figure after it; the message names where the
    area went (when the catalog's lineage knows)."""
    assert catalog.jurisdictions[unit].valid_to == date(2025, 6, 30)
    [(field, problem)] = issues(catalog, jurisdiction=unit, period=period)
    assert field == "jurisdiction"
    assert f"ceased after 2025-06-30: no figure for {period}" in problem
    for successor in catalog.jurisdictions[unit].successors:
        assert f"({successor})" in problem


@pytest.mark.parametrize("unit", ["khanh_hoa", "tien_giang", "tam_duong"])
def test_a_ceased_unit_a_plan_is_tracked_on_keeps_its_series(catalog: Catalog, unit: str) -> None:
    """The three seed plans were adopted by units that ceased on 2025-06-30; their targets run
    to 2030, so figures by the old boundaries are still taken for them."""
    assert checked(catalog, jurisdiction=unit, period="2026-06").jurisdiction.id == unit


def test_a_unit_formed_after_the_period_is_refused(catalog: Catalog) -> None:
    [(field, problem)] = issues(catalog, jurisdiction="dong_thap_2025", period="2024")
    assert field == "jurisdiction"
    assert "was formed on 2025-07-01, after 2024" in problem


@pytest.mark.parametrize("value", [-0.1, 100.5, 150.0])
def test_a_value_outside_the_indicator_range_is_refused(catalog: Catalog, value: float) -> None:
    assert issues(catalog, value=value) == [
        ("value", f"{value} is outside the valid range 0.0..100.0 percent")
    ]
    [(_, vi)] = issues(catalog, "vi", value=value)
    written = f"{value:g}".replace(".", ",")  # 100,5: the Vietnamese decimal comma
    assert vi == f"{written} nằm ngoài khoảng hợp lệ 0..100 percent"


@pytest.mark.parametrize("value", [0.0, 100.0])
def test_the_range_bounds_themselves_are_valid(catalog: Catalog, value: float) -> None:
    assert checked(catalog, value=value).value == value


COUNT = "st_and_high_tech_enterprises"  # no upper bound in the catalog


@pytest.mark.parametrize("size", [LARGEST * 10, 1.7e308, math.inf, -LARGEST * 10, -math.inf])
@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("value", {"indicator": COUNT}),
        ("numerator", {"value": 100.0, "denominator": 1e18}),
        ("denominator", {"value": 100.0, "numerator": 1e18}),
    ],
)
def test_a_number_beyond_any_figure_is_refused_naming_its_field(
    catalog: Catalog, field: str, changes: dict[str, object], size: float
) -> None:
    """Such a number is a slip or an attack; summed in a roll-up, two of them overflow the
    database's sum, which would fail every delivery of their batch."""
    [(named, vi)] = issues(catalog, "vi", **(changes | {field: size}))
    assert named == field
    assert vi.endswith("quá lớn: giá trị tuyệt đối của số liệu không vượt quá 10^18"), vi
    [(_, en)] = issues(catalog, "en", **(changes | {field: size}))
    assert en == f"{size:g} is too large: no figure exceeds 10^18 in absolute value"


def test_the_largest_numbers_themselves_are_valid(catalog: Catalog) -> None:
    assert checked(catalog, indicator=COUNT, value=LARGEST).value == LARGEST
    parts = checked(catalog, value=100.0, numerator=LARGEST, denominator=LARGEST)
    assert (parts.numerator, parts.denominator) == (LARGEST, LARGEST)


def test_a_value_that_does_not_match_its_parts_is_refused(catalog: Catalog) -> None:
    """6150 / 10000 is 61.5 %; 70 is far beyond rounding (1 % tolerance)."""
    assert issues(catalog, value=70.0, numerator=6150.0, denominator=10000.0) == [
        ("numerator", "value 70.0 does not match numerator/denominator (61.5 percent)")
    ]


def test_rounding_of_a_ratio_is_tolerated(catalog: Catalog) -> None:
    """1 / 3 is 33.333… %; an agency that reports 33.33 has rounded, not erred."""
    assert checked(catalog, value=33.33, numerator=1.0, denominator=3.0).numerator == 1.0


@pytest.mark.parametrize("half", [{"numerator": 6150.0}, {"denominator": 10000.0}])
def test_half_a_ratio_is_refused(catalog: Catalog, half: dict[str, float]) -> None:
    assert issues(catalog, "en", **half) == [
        ("numerator", "numerator and denominator go together: give both or neither")
    ]


def test_every_problem_of_a_figure_is_reported_at_once(catalog: Catalog) -> None:
    """An agency fixing a file should see all its mistakes in one answer, not one per try."""
    found = issues(catalog, jurisdiction="99", period="2025-13", value=120.0)
    assert [field for field, _ in found] == ["period", "jurisdiction", "value"]


def test_an_unknown_indicator_skips_the_checks_that_need_it(catalog: Catalog) -> None:
    """No range is known for an unknown indicator: one problem, not a crash."""
    found = issues(catalog, indicator="nope", value=1e9, numerator=1.0, denominator=2.0)
    assert found == [("indicator", "unknown indicator 'nope'")]


# --- plausibility ---------------------------------------------------------------------------

AROUND_48 = [46.9, 47.4, 48.1, 47.8, 48.6, 49.0, 48.2, 47.7]


# Numbers at the edges the checks draw (LARGEST, a share's 0..100), and what no figure holds.
EDGES = st.sampled_from([0.0, -0.0, 100.0, LARGEST, -LARGEST, math.nan, math.inf, -math.inf])
NUMBERS = EDGES | st.floats(-2 * LARGEST, 2 * LARGEST) | st.floats()
FIGURES = st.builds(
    Reported,
    indicator=st.sampled_from([USAGE, COUNT, "pii_rank", "nope"]),
    jurisdiction=st.sampled_from(["56", "khanh_hoa", "dong_thap_2025", "tam_duong", "99"]),
    period=st.sampled_from(["2024", "2025-Q2", "2025-06", "2026-12", "2025-13", "Q2"])
    | st.sampled_from(["2024", "2025-Q2", "2025-06", "2030"]).map(Period.parse),
    value=NUMBERS,
    numerator=st.none() | NUMBERS,
    denominator=st.none() | NUMBERS,
    unit=st.none() | st.sampled_from(["%", "percent", "count", "kg"]),
)


@settings(max_examples=400)
@given(FIGURES)
def test_a_refusal_is_the_rejection_check_gives(catalog: Catalog, sent: Reported) -> None:
    """`refusal` (scoring's intake) runs the same checks as `check`: refused with the same
    issues, or passed, for every figure."""
    verdict = check(sent, catalog, TODAY)
    assert refusal(sent, catalog, TODAY) == (verdict if isinstance(verdict, Rejected) else None)


@given(value=NUMBERS, numerator=st.none() | NUMBERS, denominator=st.none() | NUMBERS)
def test_exactly_the_numbers_beyond_largest_are_named(
    catalog: Catalog, value: float, numerator: float | None, denominator: float | None
) -> None:
    """Each number beyond LARGEST is named, in order, and nothing else is said of the
    figure's numbers (a NaN is not beyond it)."""
    sent = Reported(COUNT, "khanh_hoa", "2025", value, numerator, denominator)
    beyond = [
        name
        for name, x in (("value", value), ("numerator", numerator), ("denominator", denominator))
        if x is not None and abs(x) > LARGEST
    ]
    verdict = check(sent, catalog, TODAY)
    if beyond:
        assert isinstance(verdict, Rejected)
        assert [i.field for i in verdict.issues] == beyond
    else:
        assert not isinstance(verdict, Rejected) or "too large" not in verdict.reason("en")


BOUNDS = st.none() | st.sampled_from([0.0, -0.0, -5.0, 5.0, 100.0, 150.0, math.nan])


@given(
    lo=BOUNDS, hi=BOUNDS, value=st.sampled_from([-0.0, 100.0, math.nan]) | st.floats(-10.0, 160.0)
)
def test_a_share_in_percent_lies_in_0_to_100_whatever_the_catalog_says(
    catalog: Catalog, lo: float | None, hi: float | None, value: float
) -> None:
    """The catalog's range of a percent ratio, clamped to 0..100: refused outside
    max(min, 0)..min(max, 100), with those bounds in the reason (-0.0 as 0)."""
    usage = catalog.indicators[USAGE].model_copy(update={"valid_min": lo, "valid_max": hi})
    bounded = catalog.model_copy(update={"indicators": catalog.indicators | {USAGE: usage}})
    low, high = max(lo or 0.0, 0.0), min(100.0 if hi is None else hi, 100.0)
    verdict = check(Reported(USAGE, "khanh_hoa", "2025", value), bounded, TODAY)
    if value < low or value > high:  # a NaN bound or value bounds nothing
        assert isinstance(verdict, Rejected)
        assert verdict.issues == (Issue("value", say.out_of_range(value, low, high, PERCENT)),)
    else:
        assert isinstance(verdict, Checked), verdict


@pytest.mark.parametrize("slip", [0.475, 0.48, 4.75, 0.0049, 99.9])
def test_a_slip_against_its_series_is_held_with_the_reason(catalog: Catalog, slip: float) -> None:
    """Cashless share 0.475 meant 47.5 % (×100), in a series around 48: held, naming the
    methods that agree."""
    c = checked(catalog, indicator="cashless_transaction_share", value=slip)
    held = plausible(c, AROUND_48)
    assert isinstance(held, Held)
    assert held.issue.field == "value"
    assert "by min-max, z-score, modified z-score" in held.issue.text.en
    assert "tạm giữ, chưa công bố" in held.issue.text.vi


@pytest.mark.parametrize("value", [48.0, 50.5, 45.0, 52.0])
def test_a_figure_in_line_with_its_series_passes(catalog: Catalog, value: float) -> None:
    c = checked(catalog, indicator="cashless_transaction_share", value=value)
    assert plausible(c, AROUND_48) is c


def test_a_steady_trend_is_not_held(catalog: Catalog) -> None:
    """A series climbing 4 points a month: the next step is no outlier."""
    c = checked(catalog, value=60.0)
    assert plausible(c, [40.0, 44.0, 48.0, 52.0, 56.0]) is c


def test_a_short_history_is_not_judged(catalog: Catalog) -> None:
    c = checked(catalog, value=0.5)
    assert plausible(c, [48.0, 48.5, 47.9]) is c


def test_a_flat_series_is_judged_by_min_max_alone(catalog: Catalog) -> None:
    assert isinstance(plausible(checked(catalog, value=0.5), [48.0] * 6), Held)
    c = checked(catalog, value=60.0)
    assert plausible(c, [48.0] * 6) is c


def test_researchers_per_10k_slip_is_held(catalog: Catalog) -> None:
    """0.061 researchers per 10k in a series around 6: a misplaced decimal point."""
    indicator = next(
        code for code, i in catalog.indicators.items() if i.unit == "per_10k_population"
    )
    c = checked(catalog, indicator=indicator, value=0.061, period="2025")
    assert isinstance(plausible(c, [5.8, 6.1, 6.4, 6.0, 6.6]), Held)


def test_ranks_and_milestones_are_never_held(catalog: Catalog) -> None:
    for code, i in catalog.indicators.items():
        if i.kind.value in ("rank", "milestone"):
            c = checked(catalog, indicator=code, value=i.valid_min or 1.0, period="2025")
            assert plausible(c, [30.0, 31.0, 30.0, 32.0, 31.0]) is c


# --- a checked figure on the wire -----------------------------------------------------------


def test_to_message_keys_by_province_of_a_district(catalog: Catalog) -> None:
    """Tam Đường district lies in Lai Châu province (12): its figures go to the province's
    partition, so a province roll-up sees them in order."""
    c = checked(
        catalog, jurisdiction="tam_duong", period="2025-Q2", numerator=6150.0, denominator=1e4
    )
    key, msg = to_message(c, source="api")
    assert key == b"12/online_public_service_usage"
    assert (msg.province_code, msg.jurisdiction_id, msg.indicator_code) == (
        "12",
        "tam_duong",
        USAGE,
    )
    assert msg.period == common_pb2.Period(grain=common_pb2.GRAIN_QUARTER, year=2025, month=4)
    assert (msg.value, msg.numerator, msg.denominator) == (61.5, 6150.0, 10000.0)
    assert (msg.source, msg.meta.producer) == ("api", "ingest")
    assert msg.reported_at.seconds > 0


def test_to_message_leaves_absent_parts_unset(catalog: Catalog) -> None:
    """proto3 `optional`: "not reported" must differ from a reported 0."""
    _, msg = to_message(checked(catalog), source="api")
    assert not msg.HasField("numerator")
    assert not msg.HasField("denominator")


def test_every_message_gets_its_own_id(catalog: Catalog) -> None:
    """Consumers drop replays by message id; two reports must never share one."""
    ids = {to_message(checked(catalog), source="api")[1].meta.message_id for _ in range(50)}
    assert len(ids) == 50


@given(
    value=st.floats(min_value=0, max_value=100),
    month=st.integers(1, 12),
    jurisdiction=st.sampled_from(["56", "82", "12"]),
)
def test_a_checked_figure_survives_the_wire(
    catalog: Catalog, value: float, month: int, jurisdiction: str
) -> None:
    """Property: what passes `check` is published with the same figure, place and period."""
    c = checked(catalog, value=value, period=f"2025-{month:02d}", jurisdiction=jurisdiction)
    _, msg = to_message(c, source="api")
    back = observation_pb2.Observation.FromString(msg.SerializeToString())
    assert back.value == value
    resolved = catalog.resolve(jurisdiction, Period(2025, month, c.period.grain).start)
    assert resolved is not None
    assert back.jurisdiction_id == resolved.id
    assert str(Period.from_proto(back.period)) == f"2025-{month:02d}"
