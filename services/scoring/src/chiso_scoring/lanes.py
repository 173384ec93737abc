"""A batch cut into parts that can be stored and judged side by side (pure).

A figure locks its own series and the same indicator's series in the units above it, up to its
province (roll-ups stop there: chiso_scoring.rollup). Figures of different provinces or
indicators therefore never wait for each other's locks, and a batch cut along (province,
indicator) — the message key — gives parts that run in transactions of their own, side by
side: the database works on one part while the process judges another.
"""

from collections import Counter
from collections.abc import Sequence

from chiso_core.catalog import Catalog
from chiso_scoring.intake import ObservationRow


def lanes_of(
    rows: Sequence[ObservationRow], catalog: Catalog, lanes: int
) -> list[list[ObservationRow]]:
    """At most `lanes` parts, in offset order, no (province, indicator) split between two; the
    largest (province, indicator) first into the part with fewest rows, so that the parts take
    about as long."""
    sizes = Counter((catalog.province_code(r.jurisdiction), r.indicator) for r in rows)
    loads = [0] * min(lanes, len(sizes))
    part_of: dict[tuple[str, str], int] = {}
    for domain, size in sizes.most_common():
        part_of[domain] = lightest = loads.index(min(loads))
        loads[lightest] += size
    parts: list[list[ObservationRow]] = [[] for _ in loads]
    for r in rows:
        parts[part_of[catalog.province_code(r.jurisdiction), r.indicator]].append(r)
    return parts
