"""The alert rules, each with a worked example: status, drift (CUSUM), projection, stale; the
window they read, the scores it is made of, and the parameters per indicator."""

import math
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_alerts.rules.drift import cusum, drift, years_behind
from chiso_alerts.rules.evaluate import evaluate
from chiso_alerts.rules.model import Names, ScorePoint, SeriesKey, Severity, from_score
from chiso_alerts.rules.params import DriftParams, ParamsBook, RuleParams, load_params
from chiso_alerts.rules.projection import projection
from chiso_alerts.rules.stale import due, jurisdiction_stale, stale
from chiso_alerts.rules.status import status
from chiso_alerts.rules.window import Window, from_json, merge, to_json
from chiso_core.catalog import Baseline, Comparator, Direction, Target
from chiso_core.catalog.models import Cadence, is_code, is_official_code
from chiso_core.contracts.v1 import common_pb2, score_pb2
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_scoring.methods import assess

ROOT = Path(__file__).resolve().parents[2]
KEY = SeriesKey(
    plan_id="tam_duong_nq57",
    target_id="online_public_service_usage_2030",
    jurisdiction="tam_duong",
    indicator="online_public_service_usage",
    province="12",
    due_year=2030,
)
NAMES = Names(
    indicator="Tỉ lệ sử dụng dịch vụ công trực tuyến",
    jurisdiction="Tam Đường",
    unit="percent",
    target="> 80% vào năm 2030",
)
# how every summary about the target opens
SUBJECT = "Tỉ lệ sử dụng dịch vụ công trực tuyến tại Tam Đường (mục tiêu > 80% vào năm 2030)"
DEFAULTS = RuleParams()
TODAY = date(2025, 8, 15)


def point(
    period: str,
    status: Status = Status.ON_TRACK,
    actual: float = 41.0,
    expected: float | None = 42.82,
    probability: float | None = None,
) -> ScorePoint:
    return ScorePoint(
        period=Period.parse(period),
        status=status,
        actual=actual,
        expected=expected,
        gap=None if expected is None else actual - expected,
        target_value=80.0,
        probability=probability,
        derived=False,
    )


def months(*statuses: Status, start: int = 1) -> Window:
    return tuple(point(f"2025-{start + i:02d}", s) for i, s in enumerate(statuses))


# --- scores and the window ------------------------------------------------------------------


def score(**changes: object) -> score_pb2.Score:
    s = score_pb2.Score(
        plan_id="tam_duong_nq57",
        target_id="online_public_service_usage_2030",
        indicator_code="online_public_service_usage",
        jurisdiction_id="tam_duong",
        province_code="12",
        period=Period.parse("2025-06").to_proto(),
        actual=41.0,
        expected=42.82,
        gap=41.0 - 42.82,
        target_value=80.0,
        due_year=2030,
        status=score_pb2.STATUS_OFF_TRACK,
        probability=0.2,
    )
    for name, value in changes.items():
        if value is None:
            s.ClearField(name)
        elif isinstance(value, common_pb2.Period):
            s.period.CopyFrom(value)
        else:
            setattr(s, name, value)
    return s


def test_from_score_reads_every_field() -> None:
    assert from_score(score()) == (
        KEY,
        replace(point("2025-06", Status.OFF_TRACK), probability=0.2),
    )


def test_from_score_keeps_unset_optionals_unset() -> None:
    """A milestone has no path: no expected value, no gap, no probability (not zeros)."""
    _, p = from_score(score(expected=None, gap=None, probability=None, target_value=None))
    assert (p.expected, p.gap, p.probability, p.target_value) == (None, None, None, None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"plan_id": ""}, "plan_id", "trống / is empty"),
        ({"jurisdiction_id": ""}, "jurisdiction_id", "trống / is empty"),
        (
            {"plan_id": "tam_duong\x00"},
            "plan_id",
            "không phải mã trong danh mục / is not a catalog id",
        ),
        ({"target_id": "x" * 65}, "target_id", "is not a catalog id"),
        ({"jurisdiction_id": "tam_duong\n"}, "jurisdiction_id", "is not a catalog id"),
        ({"indicator_code": "Usage"}, "indicator_code", "is not a catalog id"),
        ({"province_code": "12\x00"}, "province_code", "is not a catalog id"),
        ({"due_year": 0}, "due_year", "0 nằm ngoài 1900..2100 / is outside 1900..2100"),
        ({"actual": math.nan}, "actual", "nan không phải một số hữu hạn / is not a finite number"),
        ({"gap": math.inf}, "gap", "inf không phải một số hữu hạn"),
        ({"probability": 1.5}, "probability", "1.5 nằm ngoài 0..1 / is outside 0..1"),
        ({"period": None}, "period", "kỳ không hợp lệ / .*grain is unspecified"),
        (
            {"period": common_pb2.Period(grain=common_pb2.GRAIN_QUARTER, year=2025, month=2)},
            "period",
            "month 2 does not start a quarter",
        ),
        ({"status": score_pb2.STATUS_UNSPECIFIED}, "status", "UNSPECIFIED is not a known status"),
        ({"status": 99}, "status", "trạng thái không hợp lệ / "),
    ],
)
def test_from_score_refuses_nonsense_naming_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    """The reason goes to the rejected topic as it is: the field first, then what is wrong,
    in Vietnamese before the English."""
    with pytest.raises(ValueError, match=message) as refused:
        from_score(score(**changes))
    reason = str(refused.value)
    assert re.match(rf"^{field}: .+ / .+", reason)
    assert not reason.partition(" / ")[0].isascii()  # Vietnamese: its diacritics


ANY_TEXT = (
    st.sampled_from(["tam_duong\x00", "\x00"])
    | st.text(max_size=40)
    | st.text(min_size=60, max_size=200)
)
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
ANY_INT32 = st.integers(-(2**31), 2**31 - 1)
# each part of a score, drawn as anything its type holds
ANYTHING = {
    **dict.fromkeys(
        ("plan_id", "target_id", "jurisdiction_id", "indicator_code", "province_code"), ANY_TEXT
    ),
    **dict.fromkeys(("actual", "expected", "gap", "target_value", "probability"), ANY_FLOAT),
    **dict.fromkeys(("due_year", "status", "grain", "year", "month"), ANY_INT32),
}


@settings(max_examples=300, deadline=None)
@given(
    spoiled=st.dictionaries(st.sampled_from(sorted(ANYTHING)), st.just(None), max_size=2),
    data=st.data(),
)
def test_any_score_gives_a_point_or_a_value_error(
    spoiled: dict[str, None], data: st.DataObject
) -> None:
    """The alerts pipeline sends a score to the rejected topic on a ValueError (or a message
    that is not protobuf); any other error would fail its batch at every delivery. A score
    read gives a series named by catalog ids, which the database stores. Up to two parts of a
    valid score are drawn as anything, so that both ways are taken often."""
    s = score()
    for name in spoiled:
        value = data.draw(ANYTHING[name], label=name)
        if name in ("grain", "year", "month"):
            setattr(s.period, name, value)
        else:
            setattr(s, name, value)
    try:
        key, _ = from_score(s)
    except ValueError:
        return
    for name in ("plan_id", "target_id", "jurisdiction", "indicator"):
        assert is_code(getattr(key, name))
    assert is_code(key.province) or is_official_code(key.province)


def test_merge_orders_by_period_and_keeps_the_newest() -> None:
    window = merge((), [point("2025-03"), point("2025-01"), point("2025-02")], keep=2)
    assert [str(p.period) for p in window] == ["2025-02", "2025-03"]


def test_a_revised_period_replaces_its_entry() -> None:
    """Scoring re-scores a period when its figure is corrected: the window holds the new score
    once, in its place, and the rules judge the corrected series."""
    window = months(Status.ON_TRACK, Status.OFF_TRACK, Status.ON_TRACK)
    revised = point("2025-02", Status.ON_TRACK, actual=43.0)
    merged = merge(window, [revised], keep=24)
    assert [str(p.period) for p in merged] == ["2025-01", "2025-02", "2025-03"]
    assert merged[1] == revised
    assert status(KEY, merged, DEFAULTS, NAMES).active == (False, False, False)


def test_the_window_round_trips_through_json_compactly() -> None:
    window = (
        point("2025-05", Status.ON_TRACK, probability=0.61),
        replace(point("2025-06", Status.OFF_TRACK, expected=None), target_value=None),
        replace(point("2025-Q3"), derived=True),
    )
    stored = to_json(window)
    assert stored[1] == {"p": "2025-06", "s": "off_track", "a": 41.0}
    assert from_json(stored) == window


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ([{"p": "2025-06", "s": "late", "a": 1}], "point 0.s"),
        ([{"p": "2025-06", "s": "on_track"}], "point 0.a: Field required"),
        ([{"p": "2025-06", "s": "on_track", "a": 1, "pr": 2}], "point 0.pr"),
        ({"p": "2025-06"}, "not a stored alert window"),
    ],
)
def test_a_broken_stored_window_is_refused_clearly(stored: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_json(stored)


# --- status ---------------------------------------------------------------------------------


def test_status_is_active_where_scoring_says_off_track() -> None:
    """Worked example: on track in January, needs acceleration in February, off track in March,
    deteriorating in April, on track again in May; due 2030, judged in 2025 (not near)."""
    window = months(
        Status.ON_TRACK,
        Status.NEEDS_ACCELERATION,
        Status.OFF_TRACK,
        Status.DETERIORATING,
        Status.ON_TRACK,
    )
    v = status(KEY, window, DEFAULTS, NAMES)
    assert v.active == (False, True, True, True, False)
    assert dict(v.labels) == {
        "alertname": "TargetOffTrack",
        "plan": "tam_duong_nq57",
        "target": "online_public_service_usage_2030",
        "jurisdiction": "tam_duong",
        "indicator": "online_public_service_usage",
        "rule": "status",
    }
    assert (v.for_periods, v.keep_firing_for) == (2, 2)
    assert v.period == Period.parse("2025-05")
    assert v.severity is Severity.CRITICAL  # the latest bad status: deteriorating
    assert v.annotations["summary"] == (f"{SUBJECT}: đúng tiến độ (tháng 5/2025)")
    assert v.annotations["jurisdiction_name"] == "Tam Đường"


@pytest.mark.parametrize(
    ("bad", "year", "severity"),
    [
        (Status.NEEDS_ACCELERATION, 2025, Severity.INFO),
        (Status.OFF_TRACK, 2025, Severity.WARNING),
        (Status.DETERIORATING, 2025, Severity.CRITICAL),
        (Status.NEEDS_ACCELERATION, 2029, Severity.WARNING),
        (Status.OFF_TRACK, 2029, Severity.CRITICAL),
        (Status.OFF_TRACK, 2028, Severity.WARNING),
        (Status.OFF_TRACK, 2030, Severity.CRITICAL),
    ],
)
def test_status_severity_from_the_status_and_the_due_year(
    bad: Status, year: int, severity: Severity
) -> None:
    """Due 2030, critical_within_years 1: judged in 2029 or later, one step worse."""
    v = status(KEY, (point(f"{year}-06", bad),), DEFAULTS, NAMES)
    assert v.severity is severity


def test_status_description_gives_the_figures() -> None:
    v = status(KEY, (point("2025-06", Status.OFF_TRACK),), DEFAULTS, NAMES)
    assert v.annotations["description"] == (
        "Tháng 6/2025: đạt 41%, lộ trình kỳ vọng 42,82%, mục tiêu 80% vào năm 2030."
    )


# --- drift ----------------------------------------------------------------------------------


def test_years_behind_the_path() -> None:
    """Worked example: target 80 by 2030 (due at 2031.0); June 2025 ends at 2025.5, 5.5 years
    left; expected 42.82, so the path rises (80 − 42.82) / 5.5 = 6.76 a year; 41 is 1.82 under
    it: 1.82 / 6.76 = 0.269 years behind."""
    behind = years_behind(point("2025-06", actual=41.0, expected=42.82), 2030)
    assert behind == pytest.approx(1.82 * 5.5 / 37.18)
    assert behind == pytest.approx(0.2692, abs=1e-4)


def test_no_path_no_drift() -> None:
    assert years_behind(point("2025-06", expected=None), 2030) is None
    assert years_behind(point("2031-01"), 2030) is None  # past the due date
    assert years_behind(replace(point("2025-06", expected=80.0)), 2030) is None  # flat path


def test_cusum_worked_example() -> None:
    """k = 0.05, h = 0.5. Years behind 0.2, 0.3, −0.1, 0.4, 0.35 (a gap of 0 points nothing):
    S = 0.15, 0.40, 0.25, 0.60, 0.90."""
    p = DriftParams()

    def behind(period: str, years: float) -> ScorePoint:
        # expected 50, target 80 due end of 2030: slope = 30 / years_left
        x = point(period, expected=50.0)
        left = 2031.0 - x.period.end_year_fraction
        return replace(x, actual=50.0 - years * 30 / left, gap=-years * 30 / left)

    window = (
        behind("2025-01", 0.2),
        behind("2025-02", 0.3),
        behind("2025-03", -0.1),
        behind("2025-04", 0.4),
        point("2025-05", expected=None),
        behind("2025-06", 0.35),
    )
    assert cusum(window, 2030, p) == pytest.approx((0.15, 0.40, 0.25, 0.60, 0.60, 0.90))
    v = drift(KEY, window, DEFAULTS, NAMES)
    assert v.active == (False, False, False, True, True, True)
    assert dict(v.labels)["alertname"] == "TargetDrifting"
    assert v.labels["rule"] == "drift"
    assert v.severity is Severity.WARNING
    # plain words for the leader, the method only in the details
    assert v.annotations["summary"] == (f"{SUBJECT} đang chậm dần so với lộ trình (tháng 6/2025)")
    assert "CUSUM" not in v.annotations["summary"]
    assert v.annotations["description"].startswith("Chậm 0,35 năm so với lộ trình. Chi tiết:")
    assert "CUSUM 0,9 năm" in v.annotations["description"]


def test_a_drift_that_cleared_is_said_in_the_past() -> None:
    back = [point(f"2026-{m:02d}", actual=42.82) for m in range(1, 13)]
    window = (*[point(f"2025-{m:02d}", actual=20.0) for m in range(1, 13)], *back)
    v = drift(KEY, window, DEFAULTS, NAMES)
    assert any(v.active)
    assert not v.active[-1]
    assert v.annotations["summary"].endswith("đã trở lại lộ trình (tháng 12/2026)")
    assert "đang" not in v.annotations["summary"]


def test_cusum_needs_min_periods() -> None:
    """One figure far behind (S capped at 2h = 1.0) is not yet a drift: min_periods is 3."""
    far = point("2025-06", actual=20.0)
    assert drift(KEY, (far,), DEFAULTS, NAMES).active == (False,)


def test_cusum_is_capped_so_a_recovery_resolves_in_time() -> None:
    """Far behind for a year, then back on the path: S is at most 2h = 1.0 and drops by k a
    period, so the condition clears 10 periods later, not decades."""
    behind = [point(f"2025-{m:02d}", actual=20.0) for m in range(1, 13)]
    back = [point(f"2026-{m:02d}", actual=42.82) for m in range(1, 13)]
    sums = cusum((*behind, *back), 2030, DriftParams())
    assert max(sums) == pytest.approx(1.0)
    active = drift(KEY, (*behind, *back), DEFAULTS, NAMES).active
    assert active[11]
    assert active[12 + 8]
    assert not active[12 + 9]


def scored_slide() -> Window:
    """Tam Đường's usage scored by the real scoring methods: base 40 for 2024, target ≥ 80 by
    2030, monthly; exactly on the straight path for two years, then rising at 30 % of its pace
    from 2027 on (a slow slide, nothing dramatic)."""
    target = Target(
        id="online_public_service_usage_2030",
        indicator="online_public_service_usage",
        comparator=Comparator.GTE,
        value=80.0,
        unit="percent",
        due_year=2030,
        quote="q",
    )
    base = Baseline(indicator="online_public_service_usage", value=40.0, year=2024, quote="q")
    slope = 40 / 6
    series: list[tuple[float, float]] = []
    window: Window = ()
    for m in range(48):
        period = Period.month_of(date(2028, 12, 1), back=47 - m)
        at = period.end_year_fraction
        value = 40 + slope * min(at - 2025, 2) + 0.3 * slope * max(at - 2027, 0)
        series.append((at, value))
        a = assess(target, Direction.HIGHER_IS_BETTER, Cadence.MONTH, base, series, period.end)
        scored = ScorePoint(
            period, a.status, value, a.expected, a.gap, a.aim, a.probability, derived=False
        )
        window = merge(window, [scored], keep=DEFAULTS.window)
    return window


def first_active(rule_active: tuple[bool, ...], window: Window) -> Period:
    return next(p.period for p, on in zip(window, rule_active, strict=True) if on)


def test_drift_catches_a_slow_slide_before_the_status_flips() -> None:
    """The status rests on the pace since the base, which a late slide moves slowly: the pace
    alone says on track through 2027-12, and only the projection's probability falling under
    10 % (19 % in 2027-05, 8 % in 2027-08) flips it in 2027-08. The CUSUM of the years behind
    the path crosses h in 2027-05 — three months earlier still."""
    window = scored_slide()
    drift_active = drift(KEY, window, DEFAULTS, NAMES).active
    status_active = status(KEY, window, DEFAULTS, NAMES).active
    assert first_active(drift_active, window) == Period.parse("2027-05")
    assert first_active(status_active, window) == Period.parse("2027-08")


def test_drift_stays_quiet_on_the_path() -> None:
    window = tuple(point(f"2025-{m:02d}", actual=42.82) for m in range(1, 13))
    assert not any(drift(KEY, window, DEFAULTS, NAMES).active)


@given(st.lists(st.floats(min_value=-2, max_value=2), min_size=1, max_size=24))
def test_cusum_stays_within_zero_and_twice_h(years: list[float]) -> None:
    window = tuple(
        replace(point(f"{2025 + i // 12}-{i % 12 + 1:02d}", expected=50.0), gap=-y * 5)
        for i, y in enumerate(years)
    )
    assert all(0 <= s <= 1.0 for s in cusum(window, 2030, DriftParams()))


# --- projection -----------------------------------------------------------------------------


def test_projection_is_active_below_the_threshold() -> None:
    """Threshold 0.5: 0.62 no, 0.48 yes, no probability (too few figures) no, 0.2 yes."""
    window = (
        point("2025-03", probability=0.62),
        point("2025-04", probability=0.48),
        point("2025-05", probability=None),
        point("2025-06", probability=0.2),
    )
    v = projection(KEY, window, DEFAULTS, NAMES)
    assert v.active == (False, True, False, True)
    assert (v.labels["alertname"], v.labels["rule"]) == ("TargetProjectionMiss", "projection")
    assert v.annotations["summary"] == (f"{SUBJECT}: khả năng đạt là 20 %")
    assert v.severity is Severity.WARNING
    # never "0%": a probability below one in a hundred reads "< 1 %"
    tiny = projection(KEY, (point("2025-06", probability=0.001),), DEFAULTS, NAMES)
    assert tiny.annotations["summary"].endswith("là < 1 %")
    assert tiny.annotations["description"].startswith(
        "Xác suất đạt mục tiêu theo dự báo xu hướng (tháng 6/2025)"
    )
    near = projection(KEY, (point("2029-06", probability=0.2),), DEFAULTS, NAMES)
    assert near.severity is Severity.CRITICAL


# --- stale ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "last", "due_day"),
    [
        # as docs/scoring.md's staleness table: stale from the day after
        (Cadence.MONTH, Period.parse("2025-06"), date(2025, 9, 1)),
        (Cadence.QUARTER, Period.parse("2025-Q1"), date(2025, 9, 1)),
        (Cadence.YEAR, Period.parse("2025"), date(2027, 7, 1)),
    ],
)
def test_stale_due_day_agrees_with_scoring(cadence: Cadence, last: Period, due_day: date) -> None:
    assert due(last.end, cadence, DEFAULTS) == due_day
    on_due = stale(KEY, last.end, cadence, DEFAULTS, due_day, NAMES)
    after = stale(
        KEY, last.end, cadence, DEFAULTS, date.fromordinal(due_day.toordinal() + 1), NAMES
    )
    assert (on_due.active, after.active) == ((False,), (True,))
    assert after.period == last


def test_stale_with_grace_days() -> None:
    """grace_days 10: June's figure, July's due by 2025-08-01 + 10 days."""
    params = RuleParams.model_validate({"stale": {"grace_days": 10}})
    assert due(Period.parse("2025-06").end, Cadence.MONTH, params) == date(2025, 8, 11)


def test_stale_verdict() -> None:
    v = stale(KEY, Period.parse("2025-06").end, Cadence.MONTH, DEFAULTS, date(2025, 9, 2), NAMES)
    assert v.active == (True,)
    assert (v.for_periods, v.keep_firing_for) == (1, 1)
    assert (v.labels["alertname"], v.labels["rule"]) == ("IndicatorStale", "stale")
    assert v.annotations["description"] == (
        "Số liệu kỳ tiếp theo đến hạn ngày 01/09/2025 (chu kỳ và thời gian ân hạn)."
    )
    # the period as the report writes it, never the code "2025-06"
    assert v.annotations["summary"].endswith("chưa có số liệu mới sau tháng 6/2025")
    never = stale(KEY, None, Cadence.MONTH, DEFAULTS, date(2025, 9, 2), NAMES)
    assert (never.active, never.period) == ((False,), None)


def test_jurisdiction_stale_needs_every_series_silent() -> None:
    def series(indicator: str) -> SeriesKey:
        return replace(KEY, indicator=indicator, target_id=f"{indicator}_2030")

    today = date(2025, 10, 1)
    old = Period.parse("2025-06").end
    recent = Period.parse("2025-09").end
    a = stale(series("a"), old, Cadence.MONTH, DEFAULTS, today, NAMES)
    b = stale(series("b"), old, Cadence.MONTH, DEFAULTS, today, NAMES)
    c = stale(series("c"), recent, Cadence.MONTH, DEFAULTS, today, NAMES)

    all_silent = jurisdiction_stale("tam_duong", "Tam Đường", [a, b])
    assert all_silent.active == (True,)
    assert dict(all_silent.labels) == {
        "alertname": "JurisdictionStale",
        "jurisdiction": "tam_duong",
        "rule": "stale",
    }
    assert all_silent.period is None
    assert all_silent.annotations["description"] == "2/2 chuỗi số liệu quá hạn: a, b."
    assert jurisdiction_stale("tam_duong", "Tam Đường", [a, b, c]).active == (False,)
    assert jurisdiction_stale("tam_duong", "Tam Đường", []).active == (False,)
    with pytest.raises(ValueError, match="not a stale verdict of sin_ho"):
        jurisdiction_stale("sin_ho", "Sìn Hồ", [a])


# --- evaluate -------------------------------------------------------------------------------


def test_evaluate_gives_every_rule_and_a_new_score_clears_stale() -> None:
    """On 2025-09-02 June's series is stale (July's figure was due by 2025-09-01); July's score
    makes it fresh again (August's is due by 2025-10-01)."""
    june_july = months(Status.OFF_TRACK, Status.OFF_TRACK, start=6)
    today = date(2025, 9, 2)
    verdicts = evaluate(KEY, june_july, DEFAULTS, Cadence.MONTH, today, NAMES)
    assert [v.labels["rule"] for v in verdicts] == ["status", "drift", "projection", "stale"]
    assert verdicts[0].active == (True, True)
    assert verdicts[3].active == (False,)
    june = evaluate(KEY, june_july[:1], DEFAULTS, Cadence.MONTH, today, NAMES)
    assert june[3].active == (True,)


# --- parameters -----------------------------------------------------------------------------


def test_no_file_gives_the_documented_defaults() -> None:
    book = load_params(None)
    assert book == ParamsBook()
    d = book.for_indicator("anything")
    assert (d.status.for_periods, d.status.keep_firing_for) == (2, 2)
    assert (d.drift.k, d.drift.h, d.drift.min_periods) == (0.05, 0.5, 3)
    assert d.projection.threshold == 0.5
    assert d.stale.grace_days is None
    assert d.severity.critical_within_years == 1
    assert d.window == 24


def test_the_shipped_example_is_the_defaults_plus_one_override() -> None:
    book = load_params(ROOT / "deploy/alerts/rules.yaml")
    assert book.defaults == RuleParams()
    assert set(book.overrides) == {"pii_rank"}
    rank = book.for_indicator("pii_rank")
    assert (rank.status.for_periods, rank.projection.keep_firing_for) == (1, 1)
    assert rank.drift == RuleParams().drift  # the rest from defaults


def test_overrides_lay_over_the_files_defaults(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("defaults: {drift: {h: 0.8}}\nindicators: {dti_rank: {drift: {k: 0.1}}}\n")
    book = load_params(path)
    assert book.for_indicator("other").drift.h == 0.8
    assert (book.for_indicator("dti_rank").drift.h, book.for_indicator("dti_rank").drift.k) == (
        0.8,
        0.1,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("indicators: {dti_rank: {drift: {h: 0}}}", r"indicators\.dti_rank\.drift\.h: .*greater"),
        ("indicators: {dti_rank: {drift: {hh: 1}}}", r"indicators\.dti_rank\.drift\.hh: Extra"),
        ("defaults: {projection: {threshold: 2}}", r"defaults\.projection\.threshold"),
        ("defaults: {window: 2}", r"window 2 is shorter than a rule needs \(3\)"),
        ("indicators: {dti_rank: 3}", r"indicators\.dti_rank: expected a mapping"),
        ("rules: {}", "expected a mapping with `defaults` and `indicators`"),
        ("defaults: [", "cannot read rule parameters"),
    ],
)
def test_a_bad_file_is_refused_naming_file_indicator_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as e:
        load_params(path)
    assert str(path) in str(e.value)


@given(
    st.lists(st.sampled_from(["2025-01", "2025-02", "2025-Q1", "2025", "2026-03"]), max_size=8),
    st.lists(st.sampled_from(["2025-01", "2025-04", "2026-03"]), max_size=4),
    st.integers(min_value=0, max_value=6),
)
def test_merge_keeps_one_point_a_period_in_order(
    before: list[str], added: list[str], keep: int
) -> None:
    """Property: whatever arrives, the window is ordered by period, one point a period, the
    newest `keep` of them, and an added point wins over the one it revises."""
    old = tuple(point(p, actual=1.0) for p in before)
    new = [point(p, actual=2.0) for p in added]
    window = merge(old, new, keep)
    periods = [p.period for p in window]
    assert periods == sorted(set(periods))
    everything = sorted({p.period for p in (*old, *new)})
    assert periods == everything[len(everything) - min(keep, len(everything)) :]
    assert all(p.actual == 2.0 for p in window if str(p.period) in added)


def test_an_empty_window_holds_nothing_and_still_reads_well() -> None:
    """A series whose only period was dropped (e.g. a withdrawn figure) is judged on nothing."""
    for v in evaluate(KEY, (), DEFAULTS, Cadence.MONTH, TODAY, NAMES):
        assert not any(v.active)
        assert "None" not in v.annotations["summary"] + v.annotations["description"]
