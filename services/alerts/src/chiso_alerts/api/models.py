"""The JSON contract of the alerts API: alerts, their acknowledgements and notifications,
silences, subscriptions."""

from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from chiso_alerts.dispatch.subscription import (
    DEFAULT_GROUP_BY,
    LABELS,
    RULES,
    SEVERITIES,
    parse_duration,
)
from chiso_alerts.silence.silence import SilenceState
from chiso_core.problems import InvalidValue
from chiso_core.words import refusals

Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
Rule = Literal[RULES]  # type: ignore[valid-type]
Label = Literal[LABELS]  # type: ignore[valid-type]
AlertState = Literal["pending", "firing", "resolved", "inactive"]
HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
DURATION = 'an Alertmanager duration: "30s", "5m", "4h", "1h30m", "1d"'


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, v: object) -> object:
        if isinstance(v, str) and "\x00" in v:  # PostgreSQL text cannot hold it
            raise InvalidValue(refusals.NUL_CHARACTER)
        return v


# Alerts


class AlertEvent(BaseModel):
    state: str
    period: str | None = Field(description="the scored period judged, e.g. 2025-06")
    at: datetime
    labels: dict[str, str]
    annotations: dict[str, str]


class AlertOut(BaseModel):
    fingerprint: str
    labels: dict[str, str]
    annotations: dict[str, str]
    state: AlertState
    starts_at: datetime
    ends_at: datetime | None
    fired_at: datetime | None
    last_period: str | None
    updated_at: datetime
    silenced_by: list[UUID] = Field(description="the active silences muting it now")
    inhibited: bool = Field(
        description="muted now by a firing JurisdictionStale or (for its target) ReportOverdue"
    )


class AlertDetail(AlertOut):
    history: list[AlertEvent] = Field(description="every change of state, oldest first")


class AcknowledgementIn(_In):
    by: str = Field(min_length=1, max_length=200, description="who saw it: a person, a desk")
    comment: str = Field(default="", max_length=2000, description="what they say about it")


class AcknowledgementOut(BaseModel):
    starts_at: datetime = Field(description="the episode acknowledged (when it started)")
    severity: str = Field(description="the severity seen; a worse one is told again")
    by_name: str
    via: Literal["api", "link"]
    agency: str | None = Field(description="the key's agency (via api)")
    subscription_id: UUID | None = Field(description="whose link it was (via link)")
    comment: str
    at: datetime


class AttemptOut(BaseModel):
    attempt: int
    outcome: Literal["sent", "retry", "failed"]
    detail: str | None
    at: datetime


class NotificationOut(BaseModel):
    notification_key: str = Field(description="as the Idempotency-Key header / Message-ID")
    subscription_id: UUID
    subscription: str | None = Field(description="its name")
    channel: str | None
    status: Literal["firing", "resolved"] = Field(description="what it told of the alert")
    severity: str | None
    escalation: bool = Field(description="sent to an escalation subscription")
    queued_at: datetime
    delivery: Literal["delivered", "pending", "failed"]
    attempts: list[AttemptOut] = Field(description="every delivery attempt, oldest first")


class AlertNotifications(BaseModel):
    fingerprint: str
    notifications: list[NotificationOut] = Field(description="oldest first")
    acknowledgements: list[AcknowledgementOut] = Field(description="oldest first")


# Silences


class MatcherIn(_In):
    name: str = Field(description="a label name, e.g. jurisdiction")
    value: str
    is_regex: bool = Field(default=False, description="value is a regular expression (anchored)")
    is_equal: bool = Field(default=True, description="false: the label must not match")


class SilenceIn(_In):
    matchers: list[MatcherIn] = Field(
        min_length=1,
        description="all must match; one must be `jurisdiction` = a unit in the key's scope",
    )
    starts_at: AwareDatetime | None = Field(default=None, description="default: now")
    ends_at: AwareDatetime
    created_by: str = Field(min_length=1, max_length=200, description="who, for the record")
    comment: str = Field(min_length=1, max_length=2000, description="why")


class SilenceOut(BaseModel):
    id: UUID
    matchers: list[MatcherIn]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str
    owner: str = Field(description="the agency whose key made it")
    state: SilenceState


# Subscriptions


class FiltersIn(_In):
    jurisdictions: list[str] = Field(
        default=[], description="each with its whole subtree; default: the key's jurisdictions"
    )
    indicators: list[str] = Field(default=[], description="default: the key's indicators")
    plans: list[str] = Field(default=[], description="default: every plan")
    severities: list[Severity] = Field(default=[], description="default: every severity")
    rules: list[Rule] = Field(default=[], description="default: every rule")


class QuietHoursIn(_In):
    start: str = Field(pattern=HH_MM, description="HH:MM, local time")
    end: str = Field(pattern=HH_MM, description="HH:MM, local time; may be after midnight")
    timezone: str = Field(default="Asia/Ho_Chi_Minh", description="an IANA time zone")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue(refusals.not_a_time_zone(v)) from None
        return v

    @model_validator(mode="after")
    def _not_empty(self) -> "QuietHoursIn":
        if self.start == self.end:
            raise InvalidValue(refusals.EMPTY_QUIET_HOURS)
        return self


def _duration(v: str, *, zero: bool) -> str:
    if parse_duration(v) == 0 and not zero:
        raise InvalidValue(refusals.LONGER_THAN_ZERO)
    return v


class _SubscriptionFields(_In):
    @field_validator("group_wait", check_fields=False)
    @classmethod
    def _wait(cls, v: str | None) -> str | None:
        return None if v is None else _duration(v, zero=True)

    @field_validator("group_interval", "repeat_interval", "escalate_after", check_fields=False)
    @classmethod
    def _interval(cls, v: str | None) -> str | None:
        return None if v is None else _duration(v, zero=False)

    @field_validator("address", check_fields=False)
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        return None if v is None else v.strip()


class SubscriptionIn(_SubscriptionFields):
    name: str = Field(min_length=1, max_length=200, description="who is told")
    filters: FiltersIn = FiltersIn()
    channel: Literal["webhook", "email"]
    address: str = Field(min_length=1, max_length=2000, description="webhook URL or email address")
    group_by: list[Label] = Field(default=list(DEFAULT_GROUP_BY), min_length=1)
    group_wait: str = Field(default="30s", description=f"before the first notice; {DURATION}")
    group_interval: str = Field(default="5m", description=f"between notices of news; {DURATION}")
    repeat_interval: str = Field(
        default="4h", description=f"before a notice is repeated; {DURATION}"
    )
    send_resolved: bool = True
    quiet_hours: QuietHoursIn | None = None
    digest_at: str | None = Field(
        default=None, pattern=HH_MM, description="HH:MM: a daily digest instead of each notice"
    )
    escalate_after: str | None = Field(
        default=None,
        description="an escalation subscription: told of a firing alert nobody acknowledged "
        f"this long after it fired; {DURATION}",
    )


class SubscriptionPatch(_SubscriptionFields):
    """Only the fields sent change; null clears quiet_hours, digest_at or escalate_after."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    filters: FiltersIn | None = None
    address: str | None = Field(default=None, min_length=1, max_length=2000)
    group_by: list[Label] | None = Field(default=None, min_length=1)
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    send_resolved: bool | None = None
    quiet_hours: QuietHoursIn | None = None
    digest_at: str | None = Field(default=None, pattern=HH_MM)
    escalate_after: str | None = None


class QuietHoursOut(BaseModel):
    start: str
    end: str
    timezone: str


class FiltersOut(BaseModel):
    jurisdictions: list[str]
    indicators: list[str]
    plans: list[str]
    severities: list[str]
    rules: list[str]


class SubscriptionOut(BaseModel):
    id: UUID
    name: str
    owner: str
    filters: FiltersOut
    channel: str
    address: str
    group_by: list[str]
    group_wait: str
    group_interval: str
    repeat_interval: str
    send_resolved: bool
    quiet_hours: QuietHoursOut | None
    digest_at: str | None
    escalate_after: str | None


class SubscriptionCreated(SubscriptionOut):
    secret: str | None = Field(
        description="webhook only: signs every body (HMAC-SHA256); shown this once, keep it"
    )


def email_address(v: str) -> str:
    """A bare address (no display name), or ValueError saying what was expected."""
    try:
        parsed = Address(addr_spec=v)
    except (HeaderParseError, ValueError, IndexError):
        parsed = None
    if parsed is None or not parsed.username or "." not in parsed.domain:
        raise ValueError(refusals.not_an_email(v))
    return parsed.addr_spec
