"""A small catalog written to a folder, so that tests can break it line by line."""

from pathlib import Path

INDICATORS = """\
- code: online_public_service_usage
  name_vi: Tỉ lệ sử dụng dịch vụ công trực tuyến
  name_en: Online public-service usage
  unit: percent
  direction: higher_is_better
  kind: ratio
  numerator: dossiers submitted online
  denominator: all dossiers received
  valid_min: 0
  valid_max: 100
  cadence: month
  rollup: ratio_of_sums
"""

JURISDICTIONS = """\
- id: vn
  name_vi: Việt Nam
  name_en: Viet Nam
  level: country
  source: the country
- id: lai_chau
  code: "12"
  name_vi: Tỉnh Lai Châu
  name_en: Lai Chau province
  level: province
  parent: vn
  source: GSO list of administrative units
"""

PLAN = """\
id: sample_plan
title: Kế hoạch
issuing_body: Tỉnh ủy
jurisdiction: lai_chau
source_file: sample.txt
targets:
  - id: usage_2030
    indicator: online_public_service_usage
    comparator: gt
    value: 80
    unit: percent
    due_year: 2030
    quote: đạt trên 80%
baselines:
  - indicator: online_public_service_usage
    value: 40
    year: 2024
    quote: đạt 40%
owners: {lead: so_khcn_lai_chau}
"""

# The sample plan with its target handed to the provincial office, the department supporting.
HANDED_OVER = PLAN.replace(
    "    quote: đạt trên 80%\n",
    "    quote: đạt trên 80%\n"
    "    owners: {lead: vp_ubnd_lai_chau, supporting: [so_khcn_lai_chau]}\n",
)

AGENCIES = """\
- id: so_khcn_lai_chau
  name_vi: Sở Khoa học và Công nghệ tỉnh Lai Châu
  name_en: Lai Chau Department of Science and Technology
  jurisdiction: lai_chau
- id: vp_ubnd_lai_chau
  name_vi: Văn phòng Ủy ban nhân dân tỉnh Lai Châu
  name_en: Office of the Lai Chau People's Committee
  jurisdiction: lai_chau
"""


def write_catalog(folder: Path, **files: str) -> Path:
    """The sample catalog in `folder`, with any file replaced by keyword (plan= for the plan)."""
    (folder / "plans").mkdir(parents=True, exist_ok=True)
    (folder / "agencies.yaml").write_text(files.get("agencies", AGENCIES), encoding="utf-8")
    (folder / "indicators.yaml").write_text(files.get("indicators", INDICATORS), encoding="utf-8")
    (folder / "jurisdictions.yaml").write_text(
        files.get("jurisdictions", JURISDICTIONS), encoding="utf-8"
    )
    (folder / "plans" / "sample_plan.yaml").write_text(files.get("plan", PLAN), encoding="utf-8")
    return folder
