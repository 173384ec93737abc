"""A broken catalog file gets one message per problem, naming the file, the line, the field and
what was expected; nothing of a broken catalog is returned."""

from pathlib import Path

import pytest

from chiso_core.catalog import CatalogError, Comparator, load_catalog
from tests.catalog_sample import (
    AGENCIES,
    HANDED_OVER,
    INDICATORS,
    JURISDICTIONS,
    PLAN,
    write_catalog,
)


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


def test_owners_default_to_the_plans_and_a_target_may_name_its_own(tmp_path: Path) -> None:
    catalog = load_catalog(write_catalog(tmp_path, plan=HANDED_OVER))
    plan = catalog.plans["sample_plan"]
    owners = plan.owners_of(plan.targets[0])
    assert owners is not None
    assert owners.agencies == ("vp_ubnd_lai_chau", "so_khcn_lai_chau")
    plain = load_catalog(write_catalog(tmp_path / "plain")).plans["sample_plan"]
    assert plain.owners_of(plain.targets[0]) == plain.owners
    assert set(catalog.agencies) == {"so_khcn_lai_chau", "vp_ubnd_lai_chau"}


@pytest.mark.parametrize(
    ("owners", "line", "field"),
    [
        ("{lead: so_nowhere}", 19, "owners.lead"),
        (
            "{lead: so_khcn_lai_chau, supporting: [vp_ubnd_lai_chau, so_x]}",
            19,
            "owners.supporting[1]",
        ),
    ],
)
def test_an_unknown_owner_is_named_in_vietnamese_first(
    tmp_path: Path, owners: str, line: int, field: str
) -> None:
    plan = PLAN.replace("owners: {lead: so_khcn_lai_chau}", f"owners: {owners}")
    [problem] = problems(write_catalog(tmp_path, plan=plan))
    assert problem.startswith(f"plans/sample_plan.yaml:{line}: {field}: không có cơ quan ")
    assert "unknown agency" in problem


def test_a_target_without_any_lead_is_refused(tmp_path: Path) -> None:
    plan = PLAN.replace("owners: {lead: so_khcn_lai_chau}\n", "")
    assert problems(write_catalog(tmp_path, plan=plan)) == [
        "plans/sample_plan.yaml:7: targets[0].owners: chưa có cơ quan chủ trì: ghi owners.lead ở "
        "chỉ tiêu hoặc owners ở kế hoạch / no lead agency: give owners.lead on the target or "
        "owners on the plan"
    ]


def test_an_agency_named_twice_or_outside_the_jurisdictions_is_refused(tmp_path: Path) -> None:
    twice = PLAN.replace(
        "owners: {lead: so_khcn_lai_chau}",
        "owners: {lead: so_khcn_lai_chau, supporting: [so_khcn_lai_chau]}",
    )
    agencies = AGENCIES.replace(
        "  jurisdiction: lai_chau\n- id: vp", "  jurisdiction: mars\n- id: vp"
    )
    found = problems(write_catalog(tmp_path, plan=twice, agencies=agencies))
    assert found == [
        "agencies.yaml:4: [0].jurisdiction: unknown jurisdiction 'mars'",
        "plans/sample_plan.yaml:19: owners: Value error, cơ quan 'so_khcn_lai_chau' được ghi hai "
        "lần / agency 'so_khcn_lai_chau' is named twice",
    ]


def test_a_catalog_without_agencies_names_no_owners(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path)
    (folder / "agencies.yaml").unlink()
    assert problems(folder) == [
        "plans/sample_plan.yaml:19: owners.lead: không có cơ quan 'so_khcn_lai_chau' trong "
        "agencies.yaml / unknown agency 'so_khcn_lai_chau' (expected an id from agencies.yaml)"
    ]
