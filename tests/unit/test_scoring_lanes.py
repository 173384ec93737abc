"""lanes_of: a batch cut into parts that never wait for each other's series locks."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from chiso_core.catalog import Catalog, load_catalog
from chiso_core.periods import Period
from chiso_scoring.intake import ObservationRow
from chiso_scoring.lanes import lanes_of
from tests.conftest import CATALOG_DIR

CATALOG: Catalog = load_catalog(CATALOG_DIR)
UNITS = sorted(CATALOG.jurisdictions)
INDICATORS = sorted(CATALOG.indicators)[:4]


def row(k: int, jurisdiction: str, indicator: str, month: int) -> ObservationRow:
    return ObservationRow(
        jurisdiction=jurisdiction,
        indicator=indicator,
        period=Period.parse(f"2025-{month:02d}"),
        value=float(k),
        numerator=None,
        denominator=None,
        source="test",
        message_id=f"m{k}",
        reported_at=datetime(2026, 1, 1, tzinfo=UTC),
        content_hash=k.to_bytes(16, "big"),
    )


def locks(r: ObservationRow) -> set[tuple[str, str]]:
    """The series a figure's batch locks (pipeline._points_read_by): its own, and the same
    indicator in the units it rolls up into."""
    return {(j, r.indicator) for j in (r.jurisdiction, *CATALOG.units_above(r.jurisdiction))}


batches = st.lists(
    st.tuples(st.sampled_from(UNITS), st.sampled_from(INDICATORS), st.integers(1, 12)),
    max_size=60,
).map(lambda figures: [row(k, *f) for k, f in enumerate(figures)])


@given(batches, st.integers(1, 5))
def test_parts_share_no_lock_keep_the_order_and_lose_nothing(
    rows: list[ObservationRow], lanes: int
) -> None:
    parts = lanes_of(rows, CATALOG, lanes)
    assert len(parts) <= lanes
    assert all(parts), "no part is empty"
    assert sorted(r.message_id for p in parts for r in p) == sorted(r.message_id for r in rows)
    order = {r.message_id: k for k, r in enumerate(rows)}
    for part in parts:
        assert [order[r.message_id] for r in part] == sorted(order[r.message_id] for r in part)
    for a, part in enumerate(parts):
        for other in parts[a + 1 :]:
            assert not set().union(*map(locks, part)) & set().union(*map(locks, other))


def test_a_batch_of_several_provinces_and_indicators_is_spread_evenly() -> None:
    provinces = ["khanh_hoa", "tien_giang", "lai_chau"]
    rows = [row(k, provinces[k % 3], INDICATORS[k % 2], 1 + k % 12) for k in range(60)]
    parts = lanes_of(rows, CATALOG, 2)
    assert sorted(map(len, parts)) == [30, 30]
    assert len(lanes_of(rows, CATALOG, 1)) == 1
    assert lanes_of([], CATALOG, 2) == []
