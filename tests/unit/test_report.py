"""The printable scorecard's pure parts: Vietnamese wording and numbers, the chart's axes and
marks, which scores an as-of period takes."""

import itertools
import math
import re
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_core.catalog import Comparator
from chiso_core.periods import Period
from chiso_scoring.reads import ScoreOut
from chiso_scoring.report import chart, content, vietnamese


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
