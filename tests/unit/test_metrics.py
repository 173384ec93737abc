"""Counters read 0, not "No data", for every known label value before their first event."""

import itertools

import pytest
from prometheus_client import Counter

from chiso_alerts.lifecycle.transitions import TRANSITIONS
from chiso_alerts.notify.delivery import NOTIFICATIONS
from chiso_alerts.rules.lifecycle import State
from chiso_core import topics
from chiso_core.metrics import at_zero
from chiso_core.publisher import PUBLISHED
from chiso_ingest.ingestor import ITEMS
from chiso_scoring.pipeline import OBSERVATIONS

Series = dict[tuple[tuple[str, str], ...], float]


def series(counter: Counter) -> Series:
    return {
        tuple(sorted(s.labels.items())): s.value
        for metric in counter.collect()
        for s in metric.samples
        if s.name.endswith("_total")
    }


def test_every_combination_of_the_known_values_is_created_at_zero() -> None:
    counter = at_zero(Counter("t_combinations", "t", ["a", "b"], registry=None), a="xy", b="123")
    expected = {(("a", a), ("b", b)): 0.0 for a, b in itertools.product("xy", "123")}
    assert series(counter) == expected


@pytest.mark.parametrize(
    ("counter", "known"),
    [
        (ITEMS, {"outcome": ["accepted", "unchanged", "rejected"]}),
        (OBSERVATIONS, {"outcome": ["stored", "unchanged", "rejected"]}),
        (
            NOTIFICATIONS,
            {"channel": ["webhook", "email", "grafana"], "outcome": ["sent", "retry", "failed"]},
        ),
        (TRANSITIONS, {"state": list(State)}),
        (PUBLISHED, {"topic": list(topics.ALL)}),
    ],
    ids=lambda value: getattr(value, "_name", ""),
)
def test_the_services_counters_have_every_known_series(
    counter: Counter, known: dict[str, list[str]]
) -> None:
    names = sorted(known)
    expected = {
        tuple(zip(names, values, strict=True))
        for values in itertools.product(*(known[n] for n in names))
    }
    assert expected <= series(counter).keys()
