"""The simulator's figures: deterministic, valid for the API, and telling the stories they claim."""

import statistics
from datetime import date

import pytest
from typer.testing import CliRunner

from chiso_core.catalog import Catalog
from chiso_core.checks import Checked, Reported, check
from chiso_core.periods import Period
from chiso_devstack.simulate import app as simulate_cli
from chiso_devstack.simulate import last_full_month
from chiso_devstack.simulation import SCENARIOS, Scenario, Story, months, simulate
from chiso_ingest.models import ObservationIn
from tests.both_languages import halves

UNTIL = Period.parse("2026-10")
SEED_PLANS = {"khanh_hoa", "tien_giang", "tam_duong"}


def series(seed: int = 57) -> dict[tuple[str, str], list[tuple[Period, float]]]:
    result: dict[tuple[str, str], list[tuple[Period, float]]] = {}
    for r in simulate(seed, UNTIL).reports:
        result.setdefault((r["jurisdiction"], r["indicator"]), []).append(
            (Period.parse(r["period"]), r["value"])
        )
    return result


def test_the_same_seed_gives_the_same_figures_and_another_seed_others() -> None:
    assert simulate(57, UNTIL) == simulate(57, UNTIL)
    assert simulate(57, UNTIL).reports != simulate(58, UNTIL).reports


def test_every_seed_jurisdiction_reports_both_monthly_ratios_since_2024() -> None:
    got = series()
    assert {j for j, _ in got} == SEED_PLANS
    assert len(got) == 6
    for points in got.values():
        assert points[0][0] == Period.parse("2024-01")
        assert [p for p, _ in points] == months(points[0][0], points[-1][0])  # no gap


def test_the_default_end_is_the_last_full_month() -> None:
    assert last_full_month(date(2026, 11, 23)) == Period.parse("2026-10")
    assert last_full_month(date(2026, 1, 5)) == Period.parse("2025-12")


def test_every_figure_passes_the_api_checks(catalog: Catalog) -> None:
    simulation = simulate(57, UNTIL)
    for i, raw in enumerate(simulation.reports + simulation.revisions):
        item = ObservationIn.model_validate(raw)
        figure = Reported(
            item.indicator,
            item.jurisdiction,
            item.period,
            item.value,
            item.numerator,
            item.denominator,
        )
        assert isinstance(check(figure, catalog, date(2026, 11, 1)), Checked), i
        assert item.numerator is not None
        assert item.denominator is not None
        assert item.value == round(100 * item.numerator / item.denominator, 2)


def _monthly_slope(points: list[tuple[Period, float]]) -> float:
    xs = [p.year * 12 + p.month for p, _ in points]
    return statistics.linear_regression(xs, [v for _, v in points]).slope


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.jurisdiction}-{s.indicator}")
def test_each_series_tells_its_story(catalog: Catalog, scenario: Scenario) -> None:
    points = series()[(scenario.jurisdiction, scenario.indicator)]
    [(_, target)] = catalog.targets_for(scenario.indicator, scenario.jurisdiction)
    assert target.value is not None
    months_left = (2030 * 12 + 12) - (2024 * 12 + 1)
    required = (target.value - points[0][1]) / months_left
    slope = _monthly_slope(points)
    if scenario.story is Story.DRIFTING:
        assert slope < 0.5 * required
    else:
        assert slope > required
    last_reported = points[-1][0]
    if scenario.story is Story.STALE:
        assert last_reported <= Period.month_of(UNTIL.start, back=3)
    else:
        assert last_reported == UNTIL


def test_one_series_is_revised_upwards_months_later() -> None:
    simulation = simulate(57, UNTIL)
    [revision] = simulation.revisions
    [first] = [
        r
        for r in simulation.reports
        if (r["jurisdiction"], r["indicator"], r["period"])
        == (revision["jurisdiction"], revision["indicator"], revision["period"])
    ]
    assert revision["value"] > first["value"]
    assert Period.parse(revision["period"]) < UNTIL


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2025-01", "2024-12", "before"),
        ("2024", "2025", "are months"),
    ],
)
def test_a_wrong_span_is_refused(since: str, until: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate(57, Period.parse(until), Period.parse(since))


def _refused(*args: str) -> tuple[str, str, str]:
    """What `chiso simulate` says of a bad span before it sends anything: the option typer
    names, and our words in both languages (typer's error box, its lines joined as one)."""
    run = CliRunner().invoke(simulate_cli, ["--url", "http://127.0.0.1:9", *args])
    assert run.exit_code == 2, run.output
    inside = [line.strip("│ ") for line in run.stderr.splitlines() if line.startswith("│")]
    said = " ".join(inside)
    assert said.startswith("Invalid value for '--"), said  # typer's own words
    option, _, rest = said.removeprefix("Invalid value for ").partition(": ")
    return (option, *halves(rest))


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_malformed_month_is_refused_with_the_forms(option: str) -> None:
    option_named, vi, en = _refused(option, "2025-13")
    forms = "YYYY (năm), YYYY-Qn (quý) hoặc YYYY-MM (tháng)"
    assert option_named == f"'{option}'"
    assert vi == f"kỳ '2025-13' không hợp lệ: dùng {forms}", vi
    assert en.startswith("month 13 does not start a month"), en


def test_a_year_or_quarter_is_refused_as_not_a_month() -> None:
    assert _refused("--since", "2024", "--until", "2024-09") == (
        "'--since'",
        "'2024' không phải một tháng: dùng YYYY-MM, ví dụ 2025-06",
        "'2024' is not a month: expected YYYY-MM, e.g. 2025-06",
    )
    assert _refused("--until", "2024-Q3")[0] == "'--until'"


def test_an_until_before_since_is_refused() -> None:
    assert _refused("--since", "2025-01", "--until", "2024-12") == (
        "'--until'",
        "tháng 2024-12 ở trước --since 2025-01: cần từ 2025-01 trở đi",
        "2024-12 is before --since 2025-01: expected 2025-01 or later",
    )
