"""Which points of a series a batch affects (pure).

A figure changes more than its own period's score: the first figure can be the baseline, and
later methods read the whole series up to a period. So a batch re-scores every period of a
touched series from its earliest touched period on.
"""

from collections.abc import Iterable, Mapping

from chiso_scoring.intake import PointKey, SeriesKey
from chiso_scoring.revisions import Current


def affected(
    state: Mapping[PointKey, Current], touched: Iterable[PointKey]
) -> dict[PointKey, Current]:
    """The points of the touched series at or after each series' earliest touched period."""
    first: dict[SeriesKey, float] = {}
    for jurisdiction, indicator, period in touched:
        at = period.end_year_fraction
        key = (jurisdiction, indicator)
        first[key] = min(at, first.get(key, at))
    return {
        k: v
        for k, v in state.items()
        if (k[0], k[1]) in first and k[2].end_year_fraction >= first[(k[0], k[1])]
    }
