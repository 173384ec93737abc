"""Counters that read 0, not "No data", before their first event."""

import itertools
from collections.abc import Iterable

from prometheus_client import Counter


def at_zero(counter: Counter, **known: Iterable[str]) -> Counter:
    """Creates the series of every combination of the known label values, at 0: a rate or an
    increase over them is 0 until something happens, and an alert on them can fire from the
    first event (Prometheus sees no increase on a series that appears already at 1)."""
    names = list(known)
    for values in itertools.product(*known.values()):
        counter.labels(**dict(zip(names, values, strict=True)))
    return counter
