"""Figures for a parent that reports none itself, rolled up from its children (pure).

A ratio rolls up as the ratio of the sums of its parts (never the mean of the children's
ratios), a flow or stock as the sum. A direct figure always wins over a derived one. Roll-ups
stop at the province: a national figure is not the sum of the provinces that happen to report.

The children are summed where they are stored (store.child_sums): a province of ten thousand
communes is one row of sums, not ten thousand figures read back at every batch.
"""

import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chiso_core.catalog import Catalog, RollUp
from chiso_scoring.intake import ObservationRow, PointKey, content_hash
from chiso_scoring.revisions import Current


@dataclass(frozen=True)
class ChildSums:
    """The latest figures of a parent's children for one indicator and period, summed."""

    children: int  # how many reported
    without_parts: int  # how many of them came without numerator and denominator
    numerator: float
    denominator: float
    value: float


def roll_up(
    rule: RollUp, unit: str, sums: ChildSums
) -> tuple[float, float | None, float | None] | None:
    """(value, numerator, denominator) of the parent, or None when the rule cannot apply."""
    if not sums.children:
        return None
    if rule is RollUp.RATIO_OF_SUMS:
        if sums.without_parts:
            return None  # a ratio without its parts cannot be summed
        if sums.denominator <= 0:
            return None
        scale = 100 if unit == "percent" else 1
        return sums.numerator / sums.denominator * scale, sums.numerator, sums.denominator
    if rule is RollUp.SUM:
        return sums.value, None, None
    return None  # a population-weighted mean needs population figures, which are not reported yet


_TICK = timedelta(microseconds=1)  # the resolution of timestamptz


def derive(
    sums: Mapping[PointKey, ChildSums], current: Mapping[PointKey, Current], catalog: Catalog
) -> tuple[list[tuple[ObservationRow, int]], dict[PointKey, Current]]:
    """The derived figures (with their revision numbers) of the parents whose children's sums
    are given, where the parent has no direct figure and the figure changed; and the points they
    update. `current`: the parents' latest figures, where they have one."""
    out: list[tuple[ObservationRow, int]] = []
    updates: dict[PointKey, Current] = {}
    for key, summed in sums.items():
        parent, indicator_code, period = key
        existing = current.get(key)
        if existing is not None and not existing.derived:
            continue
        indicator = catalog.indicators[indicator_code]
        rolled = roll_up(indicator.rollup, indicator.unit, summed)
        if rolled is None:
            continue
        value, numerator, denominator = rolled
        digest = content_hash(value, numerator, denominator)
        if existing is not None and existing.content_hash == digest:
            continue
        revision = existing.next_revision() if existing else 1
        row = ObservationRow(
            jurisdiction=parent,
            indicator=indicator_code,
            period=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            source=f"rollup of {summed.children} of {len(catalog.children(parent))} children",
            message_id=f"derived:{uuid.uuid4()}",
            # after the figure it replaces, whatever this replica's clock says
            reported_at=max(datetime.now(UTC), existing.reported_at + _TICK)
            if existing
            else datetime.now(UTC),
            content_hash=digest,
            derived=True,
        )
        updates[key] = Current(revision, digest, True, row.reported_at, row.message_id)
        out.append((row, revision))
    return out, updates


def deepest(catalog: Catalog, pending: Iterable[PointKey]) -> set[PointKey]:
    """The pending parents that lie deepest, to roll up first: a district's derived figure must
    be stored before its province sums it."""
    depth = {k: len(catalog.units_above(k[0])) for k in pending}
    bottom = max(depth.values(), default=0)
    return {k for k, d in depth.items() if d == bottom}


def parent_keys(catalog: Catalog, keys: Iterable[PointKey]) -> Iterator[PointKey]:
    """Each point's parent's, where its unit rolls up (Catalog.units_above: not the country)."""
    for jurisdiction, indicator, period in keys:
        above = catalog.units_above(jurisdiction)
        if above:
            yield above[0], indicator, period
