"""The demo's terminal scorecard renders every target of the catalog, whatever its comparator and
whatever the score leaves empty (a milestone has no expected value)."""

import io

import pytest
from rich.console import Console

from chiso_core.catalog import Comparator, load_catalog
from chiso_core.periods import Period
from chiso_core.words import vietnamese
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
        wording = vietnamese.target(target.comparator, target.value, target.values, target.unit)
        assert f"{wording} by {target.due_year}" in text
    assert "1.234,5" in text
    assert ("61,3" if expected else "—") in text


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
