"""A broken catalog file gets one message per problem, naming the file, the line, the field and
what was expected; nothing of a broken catalog is returned."""

import re
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
        "plans/sample_plan.yaml:10: targets[0].value: phải là một số / Input should be a valid "
        "number, unable to parse string as a number"
    ]


def test_an_unknown_indicator_is_named_where_it_is_used(tmp_path: Path) -> None:
    broken = PLAN.replace(
        "    indicator: online_public_service_usage\n    comparator",
        "    indicator: usage\n    comparator",
    )
    assert problems(write_catalog(tmp_path, plan=broken)) == [
        "plans/sample_plan.yaml:8: targets[0].indicator: không có chỉ tiêu 'usage' trong "
        "indicators.yaml / unknown indicator 'usage' (expected a code from indicators.yaml)"
    ]


def test_a_duplicate_code_is_named_at_its_second_place(tmp_path: Path) -> None:
    assert problems(write_catalog(tmp_path, indicators=INDICATORS + INDICATORS)) == [
        "indicators.yaml:13: [1].code: 'online_public_service_usage' bị lặp lại (đã có ở mục 0); "
        "mỗi mã chỉ ghi một lần / 'online_public_service_usage' repeats (first at item 0); each "
        "is given once"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    jurisdictions = JURISDICTIONS.replace("  parent: vn\n", "  parent: viet_nam\n")
    plan = PLAN.replace("    due_year: 2030\n", "    due_year: 1999\n").replace(
        "    comparator: gt\n", "    comparator: above\n"
    )
    found = problems(write_catalog(tmp_path, jurisdictions=jurisdictions, plan=plan))
    assert found == [
        "jurisdictions.yaml:11: [1].parent: không có đơn vị hành chính 'viet_nam' trong "
        "jurisdictions.yaml / unknown jurisdiction 'viet_nam' (expected an id from "
        "jurisdictions.yaml)",
        "plans/sample_plan.yaml:9: targets[0].comparator: phải là một trong: 'gt', 'gte', 'lt', "
        "'lte', 'between', 'growth_gte', 'count_per_year_gte', 'maintain_gt', 'maintain_gte' "
        "hoặc 'milestone' / Input should be 'gt', 'gte', 'lt', 'lte', 'between', 'growth_gte', "
        "'count_per_year_gte', 'maintain_gt', 'maintain_gte' or 'milestone'",
        "plans/sample_plan.yaml:12: targets[0].due_year: phải từ 2025 trở lên / Input should be "
        "greater than or equal to 2025",
    ]


def test_a_rule_across_fields_is_named_at_its_item(tmp_path: Path) -> None:
    """A ratio without its parts: the problem is the item's, so the item's line is given."""
    broken = INDICATORS.replace("  numerator: dossiers submitted online\n", "")
    assert problems(write_catalog(tmp_path, indicators=broken)) == [
        "indicators.yaml:1: [0]: chỉ tiêu tỉ lệ (kind: ratio) cần ghi numerator và denominator "
        "/ a ratio indicator needs its numerator and denominator defined",
        "plans/sample_plan.yaml:8: targets[0].indicator: không có chỉ tiêu "
        "'online_public_service_usage' trong indicators.yaml / unknown indicator "
        "'online_public_service_usage' (expected a code from indicators.yaml)",
        "plans/sample_plan.yaml:15: baselines[0].indicator: không có chỉ tiêu "
        "'online_public_service_usage' trong indicators.yaml / unknown indicator "
        "'online_public_service_usage' (expected a code from indicators.yaml)",
    ]


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    broken = PLAN.replace("targets:\n", "targets: [\n")
    [message] = problems(write_catalog(tmp_path, plan=broken))
    assert message.startswith("plans/sample_plan.yaml:")
    assert "không phải YAML hợp lệ / not valid YAML: " in message


def test_a_revision_in_a_file_is_refused(tmp_path: Path) -> None:
    """Revisions are the database's to assign; a file that claims one would mislead."""
    assert problems(write_catalog(tmp_path, plan="revision: 3\n" + PLAN)) == [
        "plans/sample_plan.yaml:1: revision: số phiên bản được gán khi nạp danh mục; không ghi "
        "trong tệp / is assigned when the catalog is loaded; leave it out of the file"
    ]


def test_a_plan_id_must_match_its_file_name(tmp_path: Path) -> None:
    assert problems(write_catalog(tmp_path, plan=PLAN.replace("id: sample_plan", "id: other"))) == [
        "plans/sample_plan.yaml:1: id: phải là 'sample_plan', đúng tên của tệp / expected "
        "'sample_plan', the file's name"
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
        "agencies.yaml:4: [0].jurisdiction: không có đơn vị hành chính 'mars' trong "
        "jurisdictions.yaml / unknown jurisdiction 'mars' (expected an id from jurisdictions.yaml)",
        "plans/sample_plan.yaml:19: owners: cơ quan 'so_khcn_lai_chau' được ghi hai lần / agency "
        "'so_khcn_lai_chau' is named twice",
    ]


def test_a_catalog_without_agencies_names_no_owners(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path)
    (folder / "agencies.yaml").unlink()
    assert problems(folder) == [
        "plans/sample_plan.yaml:19: owners.lead: không có cơ quan 'so_khcn_lai_chau' trong "
        "agencies.yaml / unknown agency 'so_khcn_lai_chau' (expected an id from agencies.yaml)"
    ]


# --- every kind of malformed catalog, Vietnamese first ---------------------------------------


def swap(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced, which must be there (a case that changes nothing tests
    nothing)."""
    assert old in text, old
    return text.replace(old, new)


# the letters only Vietnamese writes: what tells its sentence from the English one
VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I
)
TARGET = PLAN.split("targets:\n")[1].split("baselines:\n")[0]


@pytest.mark.parametrize(
    ("files", "gone", "where", "vi", "en"),
    [
        pytest.param(
            {},
            "jurisdictions.yaml",
            "jurisdictions.yaml",
            "không có tệp này; danh mục cần nó",
            "file is missing; the catalog needs it",
            id="a missing file",
        ),
        pytest.param(
            {"plan": swap(PLAN, "targets:\n", "targets: [\n")},
            None,
            "plans/sample_plan.yaml:7",
            "không phải YAML hợp lệ",
            "not valid YAML: expected the node content, but found '-'",
            id="YAML that does not parse",
        ),
        pytest.param(
            {"indicators": "code: online_public_service_usage\n"},
            None,
            "indicators.yaml:1",
            "cần một danh sách chỉ tiêu, mỗi mục bắt đầu bằng '- '",
            "expected a list of indicator entries, each starting with '- '",
            id="a file that is no list",
        ),
        pytest.param(
            {"jurisdictions": JURISDICTIONS + JURISDICTIONS[:80]},
            None,
            "jurisdictions.yaml:13: [2].id",
            "'vn' bị lặp lại (đã có ở mục 0); mỗi mã chỉ ghi một lần",
            "'vn' repeats (first at item 0); each is given once",
            id="a code twice",
        ),
        pytest.param(
            {"plan": swap(PLAN, "    value: 80\n", "    value: lots\n")},
            None,
            "plans/sample_plan.yaml:10: targets[0].value",
            "phải là một số",
            "Input should be a valid number, unable to parse string as a number",
            id="a field of the wrong type",
        ),
        pytest.param(
            {"plan": swap(PLAN, "    quote: đạt trên 80%\n", "")},
            None,
            "plans/sample_plan.yaml:7: targets[0].quote",
            "thiếu trường bắt buộc",
            "Field required",
            id="a missing field",
        ),
        pytest.param(
            {"plan": swap(PLAN, "    unit: percent\n", "    unit: percent\n    colour: red\n")},
            None,
            "plans/sample_plan.yaml:12: targets[0].colour",
            "trường không có trong mẫu",
            "unknown field",
            id="an unknown field",
        ),
        pytest.param(
            {"indicators": swap(INDICATORS, "code: online", "code: Online")},
            None,
            "indicators.yaml:1: [0].code",
            "không đúng dạng ^[a-z][a-z0-9_]*$",
            "String should match pattern '^[a-z][a-z0-9_]*$'",
            id="a code of the wrong form",
        ),
        pytest.param(
            {"plan": swap(PLAN, "baselines:\n  - indicator", "baselines:\n  - just words\n  - x")},
            None,
            "plans/sample_plan.yaml:15: baselines[0]",
            "phải là một bảng trường (các dòng khóa: giá trị)",
            "expected a mapping (key: value lines)",
            id="an item that is no mapping",
        ),
        pytest.param(
            {"plan": swap(PLAN, "jurisdiction: lai_chau", "jurisdiction: atlantis")},
            None,
            "plans/sample_plan.yaml:4: jurisdiction",
            "không có đơn vị hành chính 'atlantis' trong jurisdictions.yaml",
            "unknown jurisdiction 'atlantis' (expected an id from jurisdictions.yaml)",
            id="an unknown jurisdiction",
        ),
        pytest.param(
            {"jurisdictions": swap(JURISDICTIONS, "  parent: vn\n", "  successors: [atlantis]\n")},
            None,
            "jurisdictions.yaml:11: [1].successors",
            "không có đơn vị hành chính 'atlantis' trong jurisdictions.yaml",
            "unknown jurisdiction 'atlantis' (expected an id from jurisdictions.yaml)",
            id="an unknown successor",
        ),
        pytest.param(
            {"plan": swap(PLAN, "  - indicator: online_public_service_usage", "  - indicator: x")},
            None,
            "plans/sample_plan.yaml:15: baselines[0].indicator",
            "không có chỉ tiêu 'x' trong indicators.yaml",
            "unknown indicator 'x' (expected a code from indicators.yaml)",
            id="an unknown indicator",
        ),
        pytest.param(
            {"plan": swap(PLAN, "{lead: so_khcn_lai_chau}", "{lead: so_x}")},
            None,
            "plans/sample_plan.yaml:19: owners.lead",
            "không có cơ quan 'so_x' trong agencies.yaml",
            "unknown agency 'so_x' (expected an id from agencies.yaml)",
            id="an unknown agency",
        ),
        pytest.param(
            {"plan": swap(PLAN, "owners: {lead: so_khcn_lai_chau}\n", "")},
            None,
            "plans/sample_plan.yaml:7: targets[0].owners",
            "chưa có cơ quan chủ trì: ghi owners.lead ở chỉ tiêu hoặc owners ở kế hoạch",
            "no lead agency: give owners.lead on the target or owners on the plan",
            id="no lead agency",
        ),
        pytest.param(
            {"plan": "revision: 3\n" + PLAN},
            None,
            "plans/sample_plan.yaml:1: revision",
            "số phiên bản được gán khi nạp danh mục; không ghi trong tệp",
            "is assigned when the catalog is loaded; leave it out of the file",
            id="a revision in a file",
        ),
        pytest.param(
            {"plan": swap(PLAN, "id: sample_plan", "id: other")},
            None,
            "plans/sample_plan.yaml:1: id",
            "phải là 'sample_plan', đúng tên của tệp",
            "expected 'sample_plan', the file's name",
            id="a plan id that is not its file's name",
        ),
        pytest.param(
            {"another_plan": PLAN},
            None,
            "plans/sample_plan.yaml:1: id",
            "kế hoạch 'sample_plan' bị lặp lại; mỗi kế hoạch một mã riêng",
            "plan 'sample_plan' repeats; each plan has its own id",
            id="a plan twice",
        ),
        pytest.param(
            {},
            "plans/sample_plan.yaml",
            "plans",
            "không có tệp kế hoạch nào (*.yaml); danh mục cần ít nhất một",
            "no plan files (*.yaml); the catalog needs at least one",
            id="no plan file",
        ),
        pytest.param(
            {"indicators": swap(INDICATORS, "  numerator: dossiers submitted online\n", "")},
            None,
            "indicators.yaml:1: [0]",
            "chỉ tiêu tỉ lệ (kind: ratio) cần ghi numerator và denominator",
            "a ratio indicator needs its numerator and denominator defined",
            id="a ratio without its parts",
        ),
        pytest.param(
            {"indicators": swap(INDICATORS, "rollup: ratio_of_sums", "rollup: sum")},
            None,
            "indicators.yaml:1: [0]",
            "chỉ tiêu tỉ lệ tổng hợp theo ratio_of_sums (không bao giờ lấy trung bình các tỉ lệ) "
            "hoặc none",
            "a ratio rolls up as ratio_of_sums (never a mean of ratios) or none",
            id="a ratio rolled up otherwise",
        ),
        pytest.param(
            {"indicators": swap(INDICATORS, "kind: ratio", "kind: rank")},
            None,
            "indicators.yaml:1: [0]",
            "chỉ tiêu xếp hạng (kind: rank) cần direction: lower_is_better",
            "a rank is lower_is_better",
            id="a rank where higher is better",
        ),
        pytest.param(
            {"indicators": swap(INDICATORS, "valid_min: 0", "valid_min: 101")},
            None,
            "indicators.yaml:1: [0]",
            "valid_min lớn hơn valid_max; cần valid_min ≤ valid_max",
            "valid_min is above valid_max; expected valid_min ≤ valid_max",
            id="a valid range upside down",
        ),
        pytest.param(
            {"plan": swap(PLAN, "{lead: so_khcn_lai_chau}", "{lead: so_x, supporting: [so_x]}")},
            None,
            "plans/sample_plan.yaml:19: owners",
            "cơ quan 'so_x' được ghi hai lần",
            "agency 'so_x' is named twice",
            id="an agency named twice",
        ),
        pytest.param(
            {"plan": swap(PLAN, "comparator: gt", "comparator: between")},
            None,
            "plans/sample_plan.yaml:7: targets[0]",
            "between cần values: [thấp, cao] với thấp ≤ cao, và không có value",
            "between takes values: [low, high] with low ≤ high, and no value",
            id="a range without its bounds",
        ),
        pytest.param(
            {"plan": swap(PLAN, "comparator: gt", "comparator: milestone")},
            None,
            "plans/sample_plan.yaml:7: targets[0]",
            "milestone (hoàn thành đúng hạn) không có value hay values",
            "a milestone takes no value",
            id="a milestone with a value",
        ),
        pytest.param(
            {"plan": swap(PLAN, "    value: 80\n", "    values: [80, 90]\n")},
            None,
            "plans/sample_plan.yaml:7: targets[0]",
            "gt cần đúng một value (không có values)",
            "gt takes one value",
            id="a bound without its value",
        ),
        pytest.param(
            {"plan": swap(PLAN, "baselines:\n", TARGET + "baselines:\n")},
            None,
            "plans/sample_plan.yaml:1",
            "mã mục tiêu 'usage_2030' bị lặp lại; mỗi mục tiêu một mã riêng",
            "target id 'usage_2030' repeats; each target has its own id",
            id="a target id twice",
        ),
    ],
)
def test_every_kind_of_problem_is_said_in_vietnamese_first(
    tmp_path: Path, files: dict[str, str], gone: str | None, where: str, vi: str, en: str
) -> None:
    """Each problem names its file (line, field) and what was expected: the Vietnamese
    sentence, then the English one."""
    files = dict(files)  # the case's own stays whole for a rerun
    another = files.pop("another_plan", None)
    folder = write_catalog(tmp_path, **files)
    if another is not None:
        (folder / "plans" / "a_plan.yaml").write_text(another, encoding="utf-8")
    if gone is not None:
        (folder / gone).unlink()
    with pytest.raises(CatalogError) as e:
        load_catalog(folder)
    found = [str(p).removeprefix(f"{folder}/") for p in e.value.problems]
    assert f"{where}: {vi} / {en}" in found, found
    for problem in e.value.problems:  # the others it brings about too
        said_vi, said_en = problem.message.split(" / ", 1)
        assert VIETNAMESE.search(said_vi), problem
        assert not VIETNAMESE.search(said_en), problem


SECOND = """\
  - id: usage_2045
    indicator: online_public_service_usage
    comparator: {comparator}
    value: {value}
    unit: percent
    due_year: {year}
    quote: đạt trên 95%
"""


@pytest.mark.parametrize(
    ("comparator", "value", "year"), [("gt", 80, 2045), ("gt", 95, 2030), ("gte", 80, 2030)]
)
def test_two_targets_of_one_indicator_told_apart_by_aim_or_year_are_accepted(
    tmp_path: Path, comparator: str, value: int, year: int
) -> None:
    second = SECOND.format(comparator=comparator, value=value, year=year)
    plan = PLAN.replace("baselines:\n", second + "baselines:\n")
    assert len(load_catalog(write_catalog(tmp_path, plan=plan)).plans["sample_plan"].targets) == 2


def test_two_targets_of_one_indicator_reading_alike_are_refused(tmp_path: Path) -> None:
    """Alerts, the scorecard and notifications name a target by what it asks and by when: two
    that read alike could not be told apart there."""
    second = SECOND.format(comparator="gt", value=80, year=2030)
    plan = PLAN.replace("baselines:\n", second + "baselines:\n")
    assert problems(write_catalog(tmp_path, plan=plan)) == [
        "plans/sample_plan.yaml:14: targets[1]: trùng với mục tiêu 'usage_2030' (> 80% vào năm"
        " 2030): cùng chỉ tiêu, cùng mức, cùng năm / repeats target 'usage_2030' (> 80% vào năm"
        " 2030): same indicator, aim and year"
    ]
