"""An alert's life, like Prometheus' `for` and `keep_firing_for` but counted in consecutive
scored periods: pending until the condition held `for_periods` periods, firing until it failed
to hold `keep_firing_for` periods in a row, then resolved. A pending alert whose condition goes
away becomes inactive without ever being notified."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chiso_alerts.dispatch import audience
from chiso_alerts.rules.model import Verdict
from chiso_core.periods import Period


class State(StrEnum):
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class AlertState:
    fingerprint: str
    labels: dict[str, str]  # identity labels + "severity" (+ "owner", dispatch/audience.py)
    annotations: dict[str, str]
    state: State
    starts_at: datetime
    ends_at: datetime | None
    fired_at: datetime | None
    last_period: Period | None


def fingerprint(identity_labels: Mapping[str, str]) -> str:
    """The alerts table's key, stable across runs and releases: the first 16 hex digits of
    SHA-256 over the sorted "name\\x01value" pairs joined by "\\x00"."""
    canonical = "\x00".join(f"{k}\x01{v}" for k, v in sorted(identity_labels.items()))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _trailing(flags: tuple[bool, ...], value: bool) -> int:
    n = 0
    for flag in reversed(flags):
        if flag is not value:
            break
        n += 1
    return n


def advance(
    current: AlertState | None, verdict: Verdict, now: datetime
) -> tuple[AlertState | None, bool]:
    """The alert after `verdict`, and whether its state changed. Severity and annotations follow
    the verdict while the alert is pending or firing without changing its state."""
    active_run = _trailing(verdict.active, True)
    inactive_run = _trailing(verdict.active, False)
    labels = {
        **verdict.labels,
        "severity": str(verdict.severity),
        **audience.addressed_to(verdict.audience),
    }
    annotations = dict(verdict.annotations)
    fires = active_run >= verdict.for_periods

    if current is None or current.state in (State.RESOLVED, State.INACTIVE):
        if active_run == 0:
            return current, False
        # A new episode: a new start, nothing of the last one carried over.
        return AlertState(
            fingerprint=fingerprint(verdict.labels),
            labels=labels,
            annotations=annotations,
            state=State.FIRING if fires else State.PENDING,
            starts_at=now,
            ends_at=None,
            fired_at=now if fires else None,
            last_period=verdict.period,
        ), True

    fresh = replace(current, labels=labels, annotations=annotations, last_period=verdict.period)
    if current.state == State.PENDING:
        if active_run == 0:
            return replace(fresh, state=State.INACTIVE, ends_at=now), True
        if fires:
            return replace(fresh, state=State.FIRING, fired_at=now), True
        return fresh, False
    if inactive_run >= verdict.keep_firing_for:
        return replace(fresh, state=State.RESOLVED, ends_at=now), True
    return fresh, False
