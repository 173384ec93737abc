"""The demo's terminal scorecard renders every target of the catalog, whatever its comparator and
whatever the score leaves empty (a milestone has no expected value)."""

import io

import pytest
from rich.console import Console

from chiso_core.catalog import Comparator, load_catalog
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_core.words import labels, vietnamese
from chiso_devstack.scorecard import Line, render
from tests.conftest import CATALOG_DIR

CATALOG = load_catalog(CATALOG_DIR)
TARGETS = [(plan, target) for plan in CATALOG.plans.values() for target in plan.targets]


@pytest.mark.parametrize("expected", [61.3, None])
def test_every_target_of_the_catalog_has_a_scorecard_row(expected: float | None) -> None:
    lines = [
        Line(
            plan.id,
            target.id,
            plan.jurisdiction,
            target.indicator,
            Period.parse("2025"),
            None if target.comparator is Comparator.MILESTONE else 1234.5,
            expected,
            target.due_year,
            "on_track",
            0.7,
            None,
        )
        for plan, target in TARGETS
    ]
    out = io.StringIO()
    render(lines, CATALOG, Console(file=out, width=400))
    text = out.getvalue()
    for _, target in TARGETS:
        assert (
            vietnamese.target_by(
                target.comparator, target.value, target.values, target.unit, target.due_year
            )
            in text
        )
    assert "1.234,5" in text
    assert ("61,3" if expected else "—") in text


def rendered(status: str, alert: str | None, probability: float | None = 0.7) -> str:
    plan, target = TARGETS[0]
    line = Line(
        plan.id,
        target.id,
        plan.jurisdiction,
        target.indicator,
        Period.parse("2026-06"),
        50.0,
        47.0,
        target.due_year,
        status,
        probability,
        alert,
    )
    out = io.StringIO()
    render([line], CATALOG, Console(file=out, width=400))
    return out.getvalue()


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("alert", [*labels.ALERT_STATE[labels.VI], None])
def test_a_status_and_an_alert_read_in_vietnamese(status: Status, alert: str | None) -> None:
    text = rendered(status.value, alert)
    assert labels.STATUS[labels.VI][status] in text
    assert status.value not in text
    assert (labels.ALERT_STATE[labels.VI][alert] if alert else "-") in text
    # a stale target's chance is said as of its last figure, in Vietnamese
    if status is Status.STALE:
        assert "70 % (tính đến 2026-06)" in text


def test_the_headings_and_the_title_are_vietnamese_first() -> None:
    lines = rendered("on_track", "firing").splitlines()
    assert lines[0].startswith("bảng điểm chiso: kỳ mới nhất")
    assert " / chiso scorecard: " in lines[0]
    vietnamese_row = next(line for line in lines if "Đơn vị" in line)
    english_row = lines[lines.index(vietnamese_row) + 1]
    for vi, en in (("Đơn vị", "jurisdiction"), ("Trạng thái", "status"), ("Cảnh báo", "alert")):
        # each English heading stands under its Vietnamese one
        assert english_row.index(en) == vietnamese_row.index(vi)


def test_the_demo_s_rows_fit_the_150_columns_it_prints_to_off_a_terminal() -> None:
    """The widest row the demo's seed series can give (its simulator feeds the usage and the
    cashless targets): a district's name, the longer indicator code, a stale target's chance as
    of its last figure and the longest status; nothing is cut short ("…")."""
    narrow = io.StringIO()
    plan, target = next(
        (p, t)
        for p, t in TARGETS
        if p.jurisdiction == "tam_duong" and t.indicator == "online_public_service_usage"
    )
    render(
        [
            Line(plan.id, target.id, plan.jurisdiction, target.indicator,
                 Period.parse("2026-06"), 50.8, 47.0, target.due_year, "stale", 0.75, "resolved"),
        ],
        CATALOG,
        Console(file=narrow, width=150),
    )  # fmt: skip
    assert "Số liệu quá hạn" in narrow.getvalue()
    assert "…" not in narrow.getvalue()


def test_the_catalog_has_the_comparators_that_once_broke_the_demo() -> None:
    assert {t.comparator for _, t in TARGETS} >= {
        Comparator.MAINTAIN_GT,
        Comparator.MAINTAIN_GTE,
        Comparator.BETWEEN,
        Comparator.GROWTH_GTE,
        Comparator.COUNT_PER_YEAR_GTE,
        Comparator.MILESTONE,
    }


@pytest.mark.parametrize("comparator", list(Comparator))
def test_every_comparator_has_a_wording(comparator: Comparator) -> None:
    values = (8.0, 10.0) if comparator is Comparator.BETWEEN else None
    value = None if comparator in (Comparator.BETWEEN, Comparator.MILESTONE) else 80.0
    text = vietnamese.target(comparator, value, values, "percent")
    assert text
    assert "None" not in text
    if value is not None:
        assert "80" in text
