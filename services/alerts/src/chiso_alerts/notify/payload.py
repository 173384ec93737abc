"""The Alertmanager webhook payload, version 4, that every notification is made of.

Alertmanager's receivers and chat bridges read it as is; the email and the outbox use the same
dict. Field names, the group status rule (firing while any alert fires), the common labels and
annotations (those every alert shares) and the zero time for an unset endsAt follow
Alertmanager's notify/webhook and template packages."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

# Go's zero time.Time, which Alertmanager writes for an alert that has not ended.
ZERO_TIME = "0001-01-01T00:00:00Z"
# The annotation holding a firing alert's signed acknowledgement link: an annotation, so that
# the payload stays exactly Alertmanager's and receivers show it with the others.
ACK_URL = "ack_url"


@dataclass(frozen=True)
class NotifiedAlert:
    fingerprint: str
    status: Literal["firing", "resolved"]
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None
    generator_url: str


def rfc3339(at: datetime) -> str:
    """UTC with a Z, the form Alertmanager writes (a naive time is refused, not guessed)."""
    if at.tzinfo is None:
        raise ValueError(f"expected a time with a time zone, got {at.isoformat()}")
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def webhook_payload(
    *,
    receiver: str,
    group_key: str,
    group_labels: Mapping[str, str],
    alerts: Sequence[NotifiedAlert],
    external_url: str,
    truncated_alerts: int = 0,
) -> dict[str, Any]:
    if not alerts:
        raise ValueError("a notification carries at least one alert")
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": truncated_alerts,
        "status": "firing" if any(a.status == "firing" for a in alerts) else "resolved",
        "receiver": receiver,
        "groupLabels": dict(group_labels),
        "commonLabels": _common([a.labels for a in alerts]),
        "commonAnnotations": _common([a.annotations for a in alerts]),
        "externalURL": external_url,
        "alerts": [_alert(a) for a in alerts],
    }


def _common(sets: Sequence[Mapping[str, str]]) -> dict[str, str]:
    first, *rest = sets
    return {k: v for k, v in first.items() if all(s.get(k) == v for s in rest)}


def _alert(a: NotifiedAlert) -> dict[str, Any]:
    return {
        "status": a.status,
        "labels": dict(a.labels),
        "annotations": dict(a.annotations),
        "startsAt": rfc3339(a.starts_at),
        "endsAt": ZERO_TIME if a.ends_at is None else rfc3339(a.ends_at),
        "generatorURL": a.generator_url,
        "fingerprint": a.fingerprint,
    }
