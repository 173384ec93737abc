"""A broken catalog file gets one message per problem, naming the file, the line, the field and
what was expected; nothing of a broken catalog is returned."""

from pathlib import Path

import pytest

from chiso_core.catalog import CatalogError, Comparator, load_catalog
from tests.catalog_sample import INDICATORS, JURISDICTIONS, PLAN, write_catalog


def problems(folder: Path) -> list[str]:
    with pytest.raises(CatalogError) as e:
        load_catalog(folder)
    return [str(p).removeprefix(f"{folder}/") for p in e.value.problems]


def test_the_sample_is_valid(tmp_path: Path) -> None:
    catalog = load_catalog(write_catalog(tmp_path))
    plan = catalog.plans["sample_plan"]
    assert plan.targets[0].comparator is Comparator.GT
    assert plan.baseline_for(plan.targets[0]) is not None
    assert catalog.province_code("lai_chau") == "12"


def test_a_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    broken = PLAN.replace("    value: 80\n", "    value: lots\n")
    assert problems(write_catalog(tmp_path, plan=broken)) == [
        "plans/sample_plan.yaml:10: targets[0].value: Input should be a valid number, "
        "unable to parse string as a number"
    ]


def test_an_unknown_indicator_is_named_where_it_is_used(tmp_path: Path) -> None:
    broken = PLAN.replace(
        "    indicator: online_public_service_usage\n    comparator",
        "    indicator: usage\n    comparator",
    )
    assert problems(write_catalog(tmp_path, plan=broken)) == [
        "plans/sample_plan.yaml:8: targets[0].indicator: unknown indicator 'usage'"
    ]


def test_a_duplicate_code_is_named_at_its_second_place(tmp_path: Path) -> None:
    assert problems(write_catalog(tmp_path, indicators=INDICATORS + INDICATORS)) == [
        "indicators.yaml:13: [1].code: 'online_public_service_usage' repeats (first at item 0)"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    jurisdictions = JURISDICTIONS.replace("  parent: vn\n", "  parent: viet_nam\n")
    plan = PLAN.replace("    due_year: 2030\n", "    due_year: 1999\n").replace(
        "    comparator: gt\n", "    comparator: above\n"
    )
    found = problems(write_catalog(tmp_path, jurisdictions=jurisdictions, plan=plan))
    assert found == [
        "jurisdictions.yaml:11: [1].parent: unknown jurisdiction 'viet_nam'",
        "plans/sample_plan.yaml:9: targets[0].comparator: Input should be 'gt', 'gte', 'lt', "
        "'lte', 'between', 'growth_gte', 'count_per_year_gte', 'maintain_gt', 'maintain_gte' "
        "or 'milestone'",
        "plans/sample_plan.yaml:12: targets[0].due_year: Input should be greater than or equal "
        "to 2025",
    ]


def test_a_rule_across_fields_is_named_at_its_item(tmp_path: Path) -> None:
    """A ratio without its parts: the problem is the item's, so the item's line is given."""
    broken = INDICATORS.replace("  numerator: dossiers submitted online\n", "")
    assert problems(write_catalog(tmp_path, indicators=broken)) == [
        "indicators.yaml:1: [0]: Value error, a ratio indicator needs its numerator and "
        "denominator defined",
        "plans/sample_plan.yaml:8: targets[0].indicator: unknown indicator "
        "'online_public_service_usage'",
        "plans/sample_plan.yaml:15: baselines[0].indicator: unknown indicator "
        "'online_public_service_usage'",
    ]


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    broken = PLAN.replace("targets:\n", "targets: [\n")
    [message] = problems(write_catalog(tmp_path, plan=broken))
    assert message.startswith("plans/sample_plan.yaml:")
    assert "not valid YAML" in message


def test_a_revision_in_a_file_is_refused(tmp_path: Path) -> None:
    """Revisions are the database's to assign; a file that claims one would mislead."""
    assert problems(write_catalog(tmp_path, plan="revision: 3\n" + PLAN)) == [
        "plans/sample_plan.yaml:1: revision: is assigned when the catalog is loaded; leave it "
        "out of the file"
    ]


def test_a_plan_id_must_match_its_file_name(tmp_path: Path) -> None:
    assert problems(write_catalog(tmp_path, plan=PLAN.replace("id: sample_plan", "id: other"))) == [
        "plans/sample_plan.yaml:1: id: expected 'sample_plan', the file's name"
    ]
