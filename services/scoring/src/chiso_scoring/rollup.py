"""Figures for a parent that reports none itself, rolled up from its children (pure).

A ratio rolls up as the ratio of the sums of its parts (never the mean of the children's
ratios), a flow or stock as the sum. A direct figure always wins over a derived one. Roll-ups
stop at the province: a national figure is not the sum of the provinces that happen to report.
"""

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime

from chiso_core.catalog import Catalog, Level, RollUp
from chiso_scoring.intake import ObservationRow, PointKey, content_hash
from chiso_scoring.revisions import Current


def roll_up(
    rule: RollUp, unit: str, children: Sequence[Current]
) -> tuple[float, float | None, float | None] | None:
    """(value, numerator, denominator) of the parent, or None when the rule cannot apply."""
    if not children:
        return None
    if rule is RollUp.RATIO_OF_SUMS:
        if any(c.numerator is None or c.denominator is None for c in children):
            return None  # a ratio without its parts cannot be summed
        numerator = sum(c.numerator or 0.0 for c in children)
        denominator = sum(c.denominator or 0.0 for c in children)
        if denominator <= 0:
            return None
        return numerator / denominator * (100 if unit == "percent" else 1), numerator, denominator
    if rule is RollUp.SUM:
        return sum(c.value for c in children), None, None
    return None  # a population-weighted mean needs population figures, which are not reported yet


def _parent(catalog: Catalog, jurisdiction: str) -> str | None:
    parent = catalog.jurisdictions[jurisdiction].parent
    if parent is None or catalog.jurisdictions[parent].level is Level.COUNTRY:
        return None
    return parent


def derive(
    state: Mapping[PointKey, Current], touched: Iterable[PointKey], catalog: Catalog
) -> tuple[list[tuple[ObservationRow, int]], dict[PointKey, Current]]:
    """The derived figures (with their revision numbers) that the touched points change, up
    through every ancestor that has no direct figure of its own for the period; and the points
    they update."""
    current = dict(state)
    out: list[tuple[ObservationRow, int]] = []
    updates: dict[PointKey, Current] = {}
    # Each parent once per batch: its children are all in `current` already.
    queue = list(dict.fromkeys(_parent_keys(catalog, touched)))
    while queue:
        key = queue.pop(0)
        parent, indicator_code, period = key
        indicator = catalog.indicators[indicator_code]
        existing = current.get(key)
        if existing is not None and not existing.derived:
            continue
        children = catalog.children(parent)
        figures = [
            current[(c, indicator_code, period)]
            for c in children
            if (c, indicator_code, period) in current
        ]
        rolled = roll_up(indicator.rollup, indicator.unit, figures)
        if rolled is None:
            continue
        value, numerator, denominator = rolled
        digest = content_hash(value, numerator, denominator)
        if existing is not None and existing.content_hash == digest:
            continue
        revision = existing.revision + 1 if existing else 1
        row = ObservationRow(
            jurisdiction=parent,
            indicator=indicator_code,
            period=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            source=f"rollup of {len(figures)} of {len(children)} children",
            message_id=f"derived:{uuid.uuid4()}",
            reported_at=datetime.now(UTC),
            content_hash=digest,
            derived=True,
        )
        current[key] = updates[key] = Current(
            revision, digest, value, numerator, denominator, derived=True
        )
        out.append((row, revision))
        queue.extend(k for k in _parent_keys(catalog, [key]) if k not in queue)
    return out, updates


def _parent_keys(catalog: Catalog, keys: Iterable[PointKey]) -> Iterator[PointKey]:
    for jurisdiction, indicator, period in keys:
        parent = _parent(catalog, jurisdiction)
        if parent is not None:
            yield parent, indicator, period


def ancestors(catalog: Catalog, jurisdiction: str) -> list[str]:
    """The units a figure of `jurisdiction` rolls up into, nearest first (not the country)."""
    found = []
    node = _parent(catalog, jurisdiction)
    while node is not None:
        found.append(node)
        node = _parent(catalog, node)
    return found


def sibling_points(catalog: Catalog, touched: Iterable[PointKey]) -> set[PointKey]:
    """The points a roll-up of the touched ones reads: every child of every ancestor, at the
    touched period."""
    return {
        (child, indicator, period)
        for parent, indicator, period in {
            (a, i, p) for j, i, p in touched for a in ancestors(catalog, j)
        }
        for child in catalog.children(parent)
    }
