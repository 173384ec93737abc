"""Inhibition (pure), Alertmanager's inhibit rules fixed for chiso. A firing source alert
inhibits the other alerts whose `equal` labels it shares:

- JurisdictionStale inhibits every other alert of its jurisdiction: when nothing at all arrives
  from a unit, one notice says so instead of one per indicator;
- ReportOverdue inhibits its target's other alerts (off track, drifting, stale …): the figure
  is late, and the gap is the owner's to close first.

Inhibition spares the leaders noise; an alert addressed to an owner (dispatch/audience.py) is
that owner's task and is never inhibited."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chiso_alerts.dispatch.audience import owner_of
from chiso_alerts.rules.calendar import OVERDUE_ALERTNAME
from chiso_alerts.rules.stale import JURISDICTION_ALERTNAME


@dataclass(frozen=True)
class InhibitRule:
    source: str  # the inhibiting alert's alertname
    equal: tuple[str, ...]  # the labels an inhibited alert has, with the same values


RULES = (
    InhibitRule(JURISDICTION_ALERTNAME, ("jurisdiction",)),
    InhibitRule(OVERDUE_ALERTNAME, ("plan", "target", "jurisdiction")),
)
SOURCES = tuple(rule.source for rule in RULES)


def _inhibits(rule: InhibitRule, source: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return (
        source.get("alertname") == rule.source
        and labels.get("alertname") != rule.source  # never itself nor its like
        and all(labels.get(name) is not None for name in rule.equal)
        and all(source.get(name) == labels.get(name) for name in rule.equal)
    )


def inhibited(labels: Mapping[str, str], firing: Iterable[Mapping[str, str]]) -> bool:
    """`firing`: the labels of the firing source alerts."""
    if owner_of(labels) is not None:
        return False
    return any(_inhibits(rule, f, labels) for f in firing for rule in RULES)
