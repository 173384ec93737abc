"""The printable scorecard's pure parts: Vietnamese wording and numbers, the chart's axes and
marks, which scores an as-of period takes."""

import itertools
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_core.catalog import Catalog, Comparator, Indicator, Plan, Target
from chiso_core.periods import Period
from chiso_core.words import vietnamese
from chiso_scoring.reads import ScoreOut, TargetCard
from chiso_scoring.report import chart, content, render


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567.891, "1.234.567,89"),
        (85.0, "85"),
        (66.125, "66,12"),  # float 66.125 rounds half to even
        (-0.001, "0"),
        (-12.5, "-12,5"),
        (None, "—"),
    ],
)
def test_numbers_read_the_vietnamese_way(value: float | None, text: str) -> None:
    assert vietnamese.number(value) == text


@pytest.mark.parametrize(
    ("period", "text"),
    [("2025-06", "tháng 6/2025"), ("2025-Q4", "quý IV/2025"), ("2024", "năm 2024")],
)
def test_periods(period: str, text: str) -> None:
    assert vietnamese.period(period) == text


@pytest.mark.parametrize(
    ("comparator", "value", "values", "unit", "text"),
    [
        (Comparator.GTE, 80, None, "percent", "≥ 80%"),
        (Comparator.LTE, 15, None, "rank", "trong nhóm 15 dẫn đầu"),
        (Comparator.BETWEEN, None, (8, 10), "percent", "trong khoảng 8–10%"),
        (Comparator.MAINTAIN_GT, 0.7, None, "index", "duy trì > 0,7"),
        (Comparator.GROWTH_GTE, 10, None, "percent_per_year", "tăng bình quân ≥ 10%/năm"),
        (Comparator.MILESTONE, None, None, "milestone", "hoàn thành"),
    ],
)
def test_what_a_target_asks(
    comparator: Comparator,
    value: float | None,
    values: tuple[float, float] | None,
    unit: str,
    text: str,
) -> None:
    assert vietnamese.target(comparator, value, values, unit) == text


@given(st.floats(-1e6, 1e6, allow_subnormal=False), st.floats(0, 1e6, allow_subnormal=False))
def test_ticks_cover_the_values_in_round_steps(low: float, span: float) -> None:
    ticks = chart.nice_ticks(low, low + span)
    assert ticks[0] <= low
    assert ticks[-1] >= low + span
    assert 3 <= len(ticks) <= 12
    step = ticks[1] - ticks[0]
    assert all(b - a == pytest.approx(step, rel=1e-6) for a, b in itertools.pairwise(ticks))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-6


def _points(svg: str, cls: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for x, y in re.findall(rf'<circle class="{cls}" cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]


def test_the_chart_places_figures_on_their_period_ends_and_clips_the_interval() -> None:
    data = chart.ChartData(
        actual=[(2025.0, 40.0), (2026.0, 50.0)],
        expected=[(2025.0, 40.0), (2026.0, 47.0), (2031.0, 80.0)],
        target=80.0,
        projection=chart.Projection(at=2031.0, value=95.0, low=70.0, high=130.0),
        floor=0.0,
        ceiling=100.0,
    )
    svg = str(chart.render(data, key="usage", label='Tỷ lệ "trên" 85% <b>'))

    # value axis 40..100 (the interval's 130 is beyond the valid range), year axis 2025..2031
    ticks = re.findall(r'text-anchor="end">([^<]+)<', svg)
    assert (ticks[0], ticks[-1]) == ("40", "100")
    [(x0, y0), (x1, y1)] = _points(svg, "actual")
    assert x0 == chart.LEFT
    assert y0 == chart.HEIGHT - chart.BOTTOM
    assert (x1 - x0) * 6 == pytest.approx(chart.WIDTH - chart.LEFT - chart.RIGHT, abs=0.5)
    assert y1 < y0
    assert 'clip-path="url(#clip-usage)"' in svg
    assert 'id="clip-usage"' in svg
    assert 'aria-label="Tỷ lệ &quot;trên&quot; 85% &lt;b&gt;"' in svg
    assert '<polygon class="interval"' in svg


PERIODS = {"month": "2025-06", "quarter": "2025-Q2", "year": "2025"}


def plan_scores(
    catalog: Catalog,
    plan: Plan,
    fields: Callable[[int], Mapping[str, object]],
    periods: Mapping[str, str] = PERIODS,
) -> list[ScoreOut]:
    """A score for every target of a plan, at `periods` by its indicator's cadence; `fields(n)`
    for the n-th target's figures."""
    return [
        _score(periods[catalog.indicators[t.indicator].cadence]).model_copy(
            update={
                "plan_id": plan.id,
                "target_id": t.id,
                "jurisdiction_id": plan.jurisdiction,
                "indicator_code": t.indicator,
                **fields(n),
            }
        )
        for n, t in enumerate(plan.targets)
    ]


def _score(period: str) -> ScoreOut:
    return ScoreOut(
        plan_id="p",
        plan_revision=1,
        target_id="t",
        jurisdiction_id="j",
        indicator_code="i",
        period=period,
        actual=1.0,
        expected=1.0,
        gap=0.0,
        progress=0.5,
        target_value=2.0,
        due_year=2030,
        status="on_track",
        derived=False,
        statcan_ratio=None,
        statcan_category=None,
        statcan_score=None,
        unsd_ratio=None,
        unsd_category=None,
        projected=None,
        projected_low=None,
        projected_high=None,
        probability=None,
        needed_annual_change=None,
        reason=None,
        method="m",
        method_version="1",
        observation_revision=1,
        computed_at=datetime(2025, 7, 1),
    )


@pytest.mark.parametrize(
    ("period", "within"),
    [("2025-06", True), ("2025-Q2", True), ("2025-07", False), ("2025", False), ("2024", True)],
)
def test_as_of_june_takes_the_periods_over_by_then(period: str, within: bool) -> None:
    assert content._within(_score(period), Period.parse("2025-06")) is within
    assert content._within(_score(period), None)


@pytest.mark.parametrize(
    ("status", "probability", "as_of", "shown"),
    [
        ("on_track", 1.0, None, "> 99 %"),
        ("off_track", 0.0, None, "< 1 %"),
        ("needs_acceleration", 0.3749, None, "37 %"),
        ("achieved", 1.0, None, "—"),
        ("stale", 1.0, None, "> 99 % (tính đến tháng 6/2025)"),
        ("on_track", None, None, "—"),
        ("on_track", 0.5, Period.parse("2031-01"), "—"),  # past due
    ],
)
def test_the_chance_shown(
    status: str, probability: float | None, as_of: Period | None, shown: str
) -> None:
    """The printed report never says 0 % or 100 %, and says nothing for a met target or one
    past its due year; a stale one says which figure it rests on."""
    score = _score("2025-06").model_copy(update={"status": status, "probability": probability})
    card = TargetCard(
        target_id="t",
        indicator="i",
        comparator=Comparator.GTE,
        value=2.0,
        values=None,
        unit="percent",
        due_year=2030,
        quote="q",
        status=status,
        latest=score,
    )
    assert content._chance(card, as_of, date(2026, 1, 5)) == shown


def yearly_share(valid_min: float | None = None, valid_max: float | None = None) -> Indicator:
    return Indicator.model_validate(
        {
            "code": "i",
            "name_vi": "i",
            "name_en": "i",
            "unit": "percent",
            "direction": "higher_is_better",
            "kind": "level",
            "cadence": "year",
            "rollup": "none",
            "valid_min": valid_min,
            "valid_max": valid_max,
        }
    )


def test_a_maintain_target_names_the_years_it_missed() -> None:
    """≥ 3 % every year from a baseline for 2022: 3.5 (2023), 2.1 (2024), 3.2 (2025): 2024 missed;
    a figure for 2022, the baseline year itself, is not judged."""
    target = Target(
        id="t",
        indicator="i",
        comparator=Comparator.MAINTAIN_GTE,
        value=3.0,
        unit="percent",
        due_year=2030,
        quote="q",
    )
    plan = Plan.model_validate(
        {
            "id": "p",
            "jurisdiction": "j",
            "title": "t",
            "issuing_body": "b",
            "source_file": "f",
            "baselines": [{"indicator": "i", "value": 2.0, "year": 2022, "quote": "q"}],
            "targets": [target.model_dump()],
        }
    )
    history = [
        _score(period).model_copy(update={"actual": v})
        for period, v in (("2022", 1.0), ("2023", 3.5), ("2024", 2.1), ("2025", 3.2))
    ]
    indicator = yearly_share()
    assert content._missed(plan, target, indicator, history) == (2024,)


@pytest.mark.parametrize(
    ("bounds", "value", "shown"),
    [
        ((0.0, 100.0), 126.48, 100.0),
        ((0.0, 100.0), -5.0, 0.0),
        ((0.0, 100.0), 70.77, 70.77),
        ((None, None), 126.48, 126.48),
        ((None, None), -5.0, -5.0),
    ],
)
def test_an_interval_is_printed_within_what_the_indicator_can_be(
    bounds: tuple[float | None, float | None], value: float, shown: float
) -> None:
    """A share's 95 % interval of 70.77–126.48 is printed as 70.77–100."""
    indicator = yearly_share(*bounds)
    assert render._within_range(value, indicator) == shown


@pytest.mark.parametrize(
    ("value", "comparator", "unit", "text"),
    [
        (2.91, Comparator.GT, "percent", "Cần tăng 2,91 điểm phần trăm mỗi năm từ nay."),
        (-0.01, Comparator.MAINTAIN_GT, "index", None),  # already above: no advice
        (0.0, Comparator.GTE, "percent", None),
        (-1.5, Comparator.LTE, "rank", "Cần giảm hạng 2 mỗi năm từ nay."),
        (0.4, Comparator.LTE, "rank", None),
        (12.0, Comparator.GTE, "per_10k_population", "Cần tăng 12 người/vạn dân mỗi năm từ nay."),
        (None, Comparator.GT, "percent", None),
    ],
)
def test_a_needed_change_is_said_only_when_one_is_needed(
    value: float | None, comparator: Comparator, unit: str, text: str | None
) -> None:
    assert vietnamese.needed_change(value, comparator, unit) == text


def test_the_figures_sentence_has_no_dash_or_stray_space_whatever_is_missing() -> None:
    """Every target of a real plan, scored with the fields a score may leave empty left empty
    in turn: no "—" stands in a sentence, no space before a full stop or a comma."""
    from chiso_core.catalog import load_catalog
    from tests.conftest import CATALOG_DIR

    catalog = load_catalog(CATALOG_DIR)
    plan = catalog.plans["tien_giang_nq57"]
    gaps: list[dict[str, float | str | None]] = [
        {},
        {"progress": None},
        {"expected": None, "progress": None},
        {"projected": 48.0, "projected_low": None, "projected_high": None},
        {"projected": 48.0, "projected_low": 40.0, "projected_high": 56.0, "probability": 0.4},
        {"needed_annual_change": -0.01},
        {"needed_annual_change": 2.91},
        {"status": "stale"},
    ]
    scores = plan_scores(catalog, plan, lambda n: gaps[n % len(gaps)])
    page = render.html(content.build(catalog, plan.id, scores, None, date(2025, 8, 1)))
    figures = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", p))
        for p in re.findall(r'<p class="figures">(.*?)</p>', page, re.S)
    ]
    assert len(figures) == len(plan.targets)
    for sentence in figures:
        assert "—" not in sentence, sentence
        assert not re.search(r"\s[.,]", sentence), sentence
        assert "-0,01" not in sentence
        assert "% mỗi năm" not in sentence, sentence
    stale = [s for s in figures if "Số liệu quá hạn" in s]
    assert stale
    assert all(
        re.search(r"Số liệu quá hạn: không có số liệu mới sau (năm|tháng|quý) ", s) for s in stale
    )


def test_the_report_rates_its_lead_agencies_timeliness(catalog: Catalog) -> None:
    """Tam Đường's plan: its online-services figures (led by the district office) for January
    on time, February late, March missing, as printed on 20/05/2025; no figure of the others."""
    usage = "online_public_service_usage"
    received = {
        (usage, "tam_duong", Period.parse("2025-01")): date(2025, 2, 10),
        (usage, "tam_duong", Period.parse("2025-02")): date(2025, 4, 2),
    }
    report = content.build(
        catalog, "tam_duong_nq57", [], None, date(2025, 5, 20), received=received
    )

    assert report.punctuality is not None
    assert report.punctuality.since == date(2024, 1, 1)
    rates = dict(report.punctuality.rates)
    office = rates["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Tam Đường"]
    # 2024-01 … 2025-03 due (15 months), two of them reported
    assert (office.on_time, office.late, office.missing) == (1, 1, 13)
    page = render.html(report)
    assert "Tính kịp thời của số liệu từ 01/01/2024" in page
    assert "<td>Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Tam Đường</td>" in page
    assert "Tính kịp thời" not in render.html(
        content.build(catalog, "tam_duong_nq57", [], None, date(2025, 5, 20))
    )
