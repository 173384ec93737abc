"""Subscriptions (pure): who is told about which alerts, how, and when — Alertmanager's route
(matchers, group_by, group_wait, group_interval, repeat_interval) and receiver in one."""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import time, timedelta
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from chiso_alerts.dispatch import audience
from chiso_alerts.dispatch.timing import VIETNAM, QuietHours, Timing
from chiso_alerts.rules import calendar, drift, explanation, projection, stale, status
from chiso_alerts.rules.model import Severity
from chiso_core.problems import InvalidValue
from chiso_core.words import refusals

Channel = Literal["webhook", "email"]
SEVERITIES = tuple(str(s) for s in Severity)
RULES = (
    status.RULE,
    drift.RULE,
    projection.RULE,
    stale.RULE,
    explanation.RULE,
    calendar.RULE,
)
# The labels an alert may carry, hence what notifications may be grouped by.
LABELS = (
    "alertname",
    "plan",
    "target",
    "jurisdiction",
    "indicator",
    "rule",
    "severity",
    audience.OWNER,
)
DEFAULT_GROUP_BY = ("plan", "jurisdiction", "indicator")


@dataclass(frozen=True)
class Filters:
    """Which alerts: an empty tuple matches all. Jurisdictions match their whole subtree."""

    jurisdictions: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def to_json(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in asdict(self).items() if v}

    @classmethod
    def from_json(cls, obj: Mapping[str, list[str]]) -> "Filters":
        return cls(**{k: tuple(v) for k, v in obj.items()})


@dataclass(frozen=True)
class Subscription:
    id: UUID
    name: str  # who: a person, a team, a chat room
    owner: str  # the agency whose key made it
    filters: Filters
    channel: Channel
    address: str  # the webhook URL or the email address
    secret: str | None  # signs webhook bodies; None for email
    group_by: tuple[str, ...]
    group_wait_s: int
    group_interval_s: int
    repeat_interval_s: int
    send_resolved: bool
    quiet_hours: QuietHours | None
    digest_at: time | None  # a daily digest at this local time instead of each change
    # An escalation subscription: told of a firing alert nobody acknowledged this many seconds
    # after it fired (docs/alerts.md, "Acknowledgement and escalation"); None: told at once.
    escalate_after_s: int | None = None

    @property
    def timing(self) -> Timing:
        return Timing(
            group_wait=timedelta(seconds=self.group_wait_s),
            group_interval=timedelta(seconds=self.group_interval_s),
            repeat_interval=timedelta(seconds=self.repeat_interval_s),
            send_resolved=self.send_resolved,
            quiet_hours=self.quiet_hours,
            digest_at=self.digest_at,
            zone=ZoneInfo(self.quiet_hours.timezone) if self.quiet_hours else VIETNAM,
        )


def matches(
    sub: Subscription, labels: Mapping[str, str], in_subtree: Callable[[str, str], bool]
) -> bool:
    """Does the subscription want the alert with these labels? `in_subtree(child, ancestor)`
    answers from the catalog. A jurisdiction-wide alert (no indicator, no plan) passes the
    indicator and plan filters: when nothing arrives from a unit, its followers hear of it. An
    alert addressed to an owner reaches that owner's subscriptions only (audience.py)."""
    if not audience.hears(sub.owner, labels):
        return False
    f = sub.filters
    jurisdiction = labels.get("jurisdiction")
    if f.jurisdictions and (
        jurisdiction is None or not any(in_subtree(jurisdiction, j) for j in f.jurisdictions)
    ):
        return False
    for name, wanted in (("indicator", f.indicators), ("plan", f.plans)):
        if wanted and name in labels and labels[name] not in wanted:
            return False
    return (not f.severities or labels.get("severity") in f.severities) and (
        not f.rules or labels.get("rule") in f.rules
    )


def group_key(sub: Subscription, labels: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The aggregation group of an alert: the values of the subscription's group_by labels
    (those the alert has), and their canonical string, e.g. `{indicator="x",plan="y"}`."""
    group = {name: labels[name] for name in sorted(sub.group_by) if name in labels}
    return "{" + ",".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in group.items()
    ) + "}", group


# Alertmanager's duration strings, whole seconds and up: "30s", "5m", "4h", "1h30m", "1d", "1w".
_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile("".join(rf"(?:(?P<{u}>\d{{1,9}}){u})?" for u in _UNITS))
# The longest wait or interval accepted: a year says "hardly ever"; more overflowed the column.
MAX_DURATION_S = 366 * 86_400


def parse_duration(text: str) -> int:
    """Seconds of a duration string, at most MAX_DURATION_S; ValueError saying what was
    expected."""
    m = _DURATION.fullmatch(text)
    if not text or m is None:
        raise InvalidValue(refusals.not_a_duration(text))
    seconds = sum(int(v) * _UNITS[u] for u, v in m.groupdict().items() if v)
    if seconds > MAX_DURATION_S:
        raise InvalidValue(refusals.duration_too_long(text))
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest duration string of whole seconds: 5400 → "1h30m"; 0 → "0s"."""
    parts = []
    for unit, size in _UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def to_row(sub: Subscription) -> dict[str, Any]:
    """The `subscriptions` columns of a subscription."""
    return {
        "id": sub.id,
        "name": sub.name,
        "owner": sub.owner,
        "filters": sub.filters.to_json(),
        "channel": sub.channel,
        "address": sub.address,
        "secret": sub.secret,
        "group_by": list(sub.group_by),
        "group_wait_s": sub.group_wait_s,
        "group_interval_s": sub.group_interval_s,
        "repeat_interval_s": sub.repeat_interval_s,
        "send_resolved": sub.send_resolved,
        "quiet_hours": sub.quiet_hours.to_json() if sub.quiet_hours else None,
        "digest_at": sub.digest_at,
        "escalate_after_s": sub.escalate_after_s,
    }


def from_row(row: Mapping[str, Any]) -> Subscription:
    return Subscription(
        id=row["id"],
        name=row["name"],
        owner=row["owner"],
        filters=Filters.from_json(row["filters"]),
        channel=row["channel"],
        address=row["address"],
        secret=row["secret"],
        group_by=tuple(row["group_by"]),
        group_wait_s=row["group_wait_s"],
        group_interval_s=row["group_interval_s"],
        repeat_interval_s=row["repeat_interval_s"],
        send_resolved=row["send_resolved"],
        quiet_hours=QuietHours.from_json(row["quiet_hours"]) if row["quiet_hours"] else None,
        digest_at=row["digest_at"],
        escalate_after_s=row["escalate_after_s"],
    )
