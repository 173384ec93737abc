"""The catalog against the documents it was read from: every target and baseline quotes its
document word for word, and the quote states the number."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chiso_core.catalog import Catalog, Comparator
from chiso_core.catalog.cli import app
from tests.both_languages import halves
from tests.conftest import CATALOG_DIR, ROOT

SEEDS = ROOT.parent / "shared" / "seeds"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def numbers_in(text: str) -> set[float]:
    """Numbers as Vietnamese documents write them: 49,89 and 03 and 1.000 (thousands)."""
    found = set()
    for token in re.findall(r"\d+(?:[.,]\d+)*", text):
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
            token = token.replace(".", "")
        found.add(float(token.replace(",", ".")))
    return found


def quotes(catalog: Catalog) -> list[tuple[str, str, str, list[float]]]:
    """(plan, what, quote, numbers the quote must state) for every target and baseline."""
    rows = []
    for plan in catalog.plans.values():
        for t in plan.targets:
            numbers = list(t.values) if t.values else [] if t.value is None else [t.value]
            rows.append((plan.id, f"target {t.id}", t.quote, numbers))
        for b in plan.baselines:
            rows.append((plan.id, f"baseline {b.indicator} {b.year}", b.quote, [b.value]))
    return rows


def test_every_plan_names_an_existing_document(catalog: Catalog) -> None:
    assert catalog.plans, "the catalog has no plans"
    for plan in catalog.plans.values():
        assert (SEEDS / plan.source_file).is_file(), f"{plan.id}: no document {plan.source_file}"


def test_every_quote_is_verbatim_in_its_document_and_states_its_number(catalog: Catalog) -> None:
    documents = {
        p.id: normalised((SEEDS / p.source_file).read_text(encoding="utf-8"))
        for p in catalog.plans.values()
    }
    wrong = []
    for plan_id, what, quote, numbers in quotes(catalog):
        if normalised(quote) not in documents[plan_id]:
            wrong.append(f"{plan_id} {what}: quote not found in the document: {quote!r}")
        missing = [n for n in numbers if n not in numbers_in(quote)]
        if missing:
            wrong.append(f"{plan_id} {what}: the quote does not state {missing}: {quote!r}")
    assert wrong == []


def test_milestones_have_no_value_and_ranges_two(catalog: Catalog) -> None:
    for plan in catalog.plans.values():
        for t in plan.targets:
            if t.comparator is Comparator.MILESTONE:
                assert (t.value, t.values) == (None, None)
            if t.comparator is Comparator.BETWEEN:
                assert t.values is not None
                assert t.values[0] < t.values[1]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("đạt 49,89%/năm", {49.89}),
        ("tối thiểu 03 sáng chế", {3.0}),
        ("1.000 doanh nghiệp", {1000.0}),
    ],
)
def test_numbers_are_read_as_written_in_vietnamese(text: str, numbers: set[float]) -> None:
    assert numbers_in(text) == numbers


def test_the_repository_catalog_validates() -> None:
    result = CliRunner().invoke(app, ["validate", "--dir", str(CATALOG_DIR)])
    assert result.exit_code == 0, result.output
    vi, en = halves(result.output)
    assert vi.startswith("danh mục hợp lệ: "), vi
    assert en.startswith("ok: "), en


def test_validate_lists_problems_and_fails(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    result = CliRunner().invoke(app, ["validate", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        f"{tmp_path}/indicators.yaml: không có tệp này; danh mục cần nó / file is missing; the "
        "catalog needs it"
    ) in result.stderr.splitlines()
    *problems, last = result.stderr.splitlines()
    assert halves(last) == (
        f"{tmp_path}: {len(problems)} lỗi trong các tệp danh mục; chưa nạp gì",
        f"{tmp_path}: {len(problems)} problem(s) in the catalog files; nothing was loaded",
    )
