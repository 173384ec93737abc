"""The walking skeleton's status rule (fires on off_track, resolves on on_track), kept only so
the current pipeline runs until it moves to the rules package (issue 6) and this file goes."""

from dataclasses import dataclass, replace
from datetime import datetime

from chiso_alerts.rules.lifecycle import fingerprint
from chiso_core.contracts.v1 import score_pb2
from chiso_core.periods import Period
from chiso_core.status import Status

FIRING = frozenset({Status.OFF_TRACK, Status.DETERIORATING})
RESOLVING = frozenset({Status.ON_TRACK, Status.ACHIEVED})
ALERTNAME = "TargetOffTrack"


@dataclass(frozen=True)
class ScoreEvent:
    plan_id: str
    target_id: str
    jurisdiction: str
    indicator: str
    province: str
    period: Period
    status: Status
    actual: float
    expected: float | None
    target_value: float | None
    due_year: int

    @classmethod
    def from_proto(cls, s: score_pb2.Score) -> "ScoreEvent":
        return cls(
            plan_id=s.plan_id,
            target_id=s.target_id,
            jurisdiction=s.jurisdiction_id,
            indicator=s.indicator_code,
            province=s.province_code,
            period=Period.from_proto(s.period),
            status=Status.from_proto(s.status),
            actual=s.actual,
            expected=s.expected if s.HasField("expected") else None,
            target_value=s.target_value if s.HasField("target_value") else None,
            due_year=s.due_year,
        )

    @property
    def labels(self) -> dict[str, str]:
        return {
            "alertname": ALERTNAME,
            "plan": self.plan_id,
            "target": self.target_id,
            "jurisdiction": self.jurisdiction,
            "indicator": self.indicator,
            "rule": "status",
            "severity": "warning",
        }

    @property
    def summary(self) -> str:
        where = f"{self.indicator} in {self.jurisdiction} is {self.status} at {self.period}: "
        if self.expected is None or self.target_value is None:
            return where + f"{self.actual:g}, due {self.due_year}"
        return where + (
            f"{self.actual:g} against {self.expected:.4g} expected, "
            f"on the way to {self.target_value:g} by {self.due_year}"
        )


@dataclass(frozen=True)
class Alert:
    fingerprint: str
    labels: dict[str, str]
    summary: str
    state: str  # "firing" | "resolved"
    starts_at: datetime
    ends_at: datetime | None
    last_period: Period


def apply(current: Alert | None, event: ScoreEvent, now: datetime) -> tuple[Alert | None, bool]:
    """The alert after `event`, and whether its state changed (firing ↔ resolved).

    A score for a period older than the one the alert last saw changes nothing.
    """
    if current is not None and event.period < current.last_period:
        return current, False
    if event.status in FIRING:
        if current is not None and current.state == "firing":
            return replace(current, summary=event.summary, last_period=event.period), False
        labels = event.labels
        return Alert(
            fingerprint(labels), labels, event.summary, "firing", now, None, event.period
        ), True
    if event.status in RESOLVING and current is not None and current.state == "firing":
        return replace(
            current, summary=event.summary, state="resolved", ends_at=now, last_period=event.period
        ), True
    return current, False
