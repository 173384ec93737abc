"""Roll-ups: a parent without its own figure gets one from its children, by the indicator's rule."""

from pathlib import Path

import pytest

from chiso_core.catalog import Catalog, RollUp, load_catalog
from chiso_core.periods import Period
from chiso_scoring.intake import PointKey, content_hash
from chiso_scoring.revisions import Current
from chiso_scoring.rollup import ChildSums, deepest, derive, parent_keys, roll_up
from tests.catalog_sample import INDICATORS, JURISDICTIONS, write_catalog

JUNE = Period.parse("2025-06")
USAGE = "online_public_service_usage"
TWO_DISTRICTS = JURISDICTIONS + "".join(
    f"""- id: {d}
  name_vi: Huyện {d}
  name_en: {d} district
  level: district
  parent: lai_chau
  source: test
"""
    for d in ("tam_duong", "phong_tho")
)
COUNTS = (
    INDICATORS
    + """\
- code: patents_granted
  name_vi: Số bằng sáng chế
  name_en: Patents granted
  unit: count
  direction: higher_is_better
  kind: flow
  cadence: year
  rollup: sum
"""
)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_catalog(write_catalog(tmp_path, jurisdictions=TWO_DISTRICTS, indicators=COUNTS))


Figure = tuple[float, float | None, float | None]  # value, numerator, denominator


def figure(
    value: float, numerator: float | None = None, denominator: float | None = None
) -> Figure:
    return value, numerator, denominator


def summed(*children: Figure) -> ChildSums:
    """What store.child_sums gives for these children's figures."""
    return ChildSums(
        children=len(children),
        without_parts=sum(n is None or d is None for _, n, d in children),
        numerator=sum(n or 0.0 for _, n, _ in children),
        denominator=sum(d or 0.0 for _, _, d in children),
        value=sum(v for v, _, _ in children),
    )


def key(jurisdiction: str, indicator: str = USAGE) -> PointKey:
    return jurisdiction, indicator, JUNE


def test_a_ratio_rolls_up_as_the_ratio_of_sums_not_the_mean_of_ratios() -> None:
    """40 of 100 dossiers online (40 %) and 900 of 1000 (90 %): the parent is 940 / 1100 ≈ 85.45 %,
    not the mean 65 %."""
    value, numerator, denominator = roll_up(
        RollUp.RATIO_OF_SUMS, "percent", summed(figure(40.0, 40, 100), figure(90.0, 900, 1000))
    ) or (0.0, None, None)
    assert value == pytest.approx(85.4545, abs=1e-4)
    assert (numerator, denominator) == (940, 1100)


def test_a_ratio_without_its_parts_does_not_roll_up() -> None:
    assert (
        roll_up(RollUp.RATIO_OF_SUMS, "percent", summed(figure(40.0, 40, 100), figure(90.0)))
        is None
    )


def test_counts_add_up_and_a_rank_does_not_roll_up() -> None:
    assert roll_up(RollUp.SUM, "count", summed(figure(2.0), figure(3.0))) == (5.0, None, None)
    assert roll_up(RollUp.NONE, "rank", summed(figure(2.0))) is None


def test_the_province_gets_a_derived_figure_marked_as_such(catalog: Catalog) -> None:
    sums = {key("lai_chau"): summed(figure(40.0, 40, 100), figure(90.0, 900, 1000))}
    rows, updates = derive(sums, {}, catalog)
    [(row, revision)] = rows
    assert (row.jurisdiction, row.derived, revision) == ("lai_chau", True, 1)
    assert row.value == pytest.approx(85.4545, abs=1e-4)
    assert row.source == "rollup of 2 of 2 children"
    assert updates[key("lai_chau")].derived


def test_a_direct_figure_wins_over_a_derived_one(catalog: Catalog) -> None:
    sums = {key("lai_chau"): summed(figure(40.0, 40, 100))}
    direct = Current(1, content_hash(70.0, 70, 100))
    assert derive(sums, {key("lai_chau"): direct}, catalog) == ([], {})


def test_an_unchanged_roll_up_is_not_a_new_revision(catalog: Catalog) -> None:
    sums = {key("lai_chau"): summed(figure(40.0, 40, 100))}
    rows, updates = derive(sums, {}, catalog)
    again, _ = derive(sums, updates, catalog)
    assert len(rows) == 1
    assert again == []


def test_a_changed_child_revises_the_derived_figure(catalog: Catalog) -> None:
    _, updates = derive({key("lai_chau"): summed(figure(40.0, 40, 100))}, {}, catalog)
    [(row, revision)] = derive({key("lai_chau"): summed(figure(50.0, 50, 100))}, updates, catalog)[
        0
    ]
    assert (row.value, revision) == (50.0, 2)


def test_roll_ups_stop_below_the_country(catalog: Catalog) -> None:
    """A national figure is not the sum of the provinces that happen to report."""
    assert list(parent_keys(catalog, [key("lai_chau")])) == []
    assert list(parent_keys(catalog, [key("tam_duong")])) == [key("lai_chau")]
    assert catalog.units_above("tam_duong") == ("lai_chau",)
    assert catalog.units_above("lai_chau") == ()
    assert catalog.units_above("vn") == ()


def test_a_commune_rolls_up_into_its_district_then_its_province(tmp_path: Path) -> None:
    commune = """- id: ban_giang
  name_vi: Xã Bản Giang
  name_en: Ban Giang commune
  level: commune
  parent: tam_duong
  source: test
"""
    deep = load_catalog(write_catalog(tmp_path, jurisdictions=TWO_DISTRICTS + commune))
    assert deep.units_above("ban_giang") == ("tam_duong", "lai_chau")
    assert list(parent_keys(deep, [key("ban_giang")])) == [key("tam_duong")]
    assert deepest(deep, {key("ban_giang"), key("tam_duong")}) == {key("ban_giang")}


def test_the_deepest_parents_roll_up_first(catalog: Catalog) -> None:
    """A district's derived figure is stored before its province sums it."""
    pending = {key("lai_chau"), key("tam_duong"), key("tam_duong", "patents_granted")}
    assert deepest(catalog, pending) == {key("tam_duong"), key("tam_duong", "patents_granted")}
    assert deepest(catalog, {key("lai_chau")}) == {key("lai_chau")}
