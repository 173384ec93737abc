"""When an aggregation group notifies, and what (pure). Alertmanager's timing, kept durable:
a new group waits `group_wait` to gather its first alerts; a group that has notified waits
`group_interval` before telling of a change; an unchanged firing group is told again every
`repeat_interval`. Quiet hours defer a notification to the window's end (never drop it); a digest
subscription hears once a day, at its hour."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class QuietHours:
    """Local times between which nothing is delivered (it waits for `end`); `start` after
    `end` spans midnight."""

    start: time
    end: time
    timezone: str  # an IANA name, e.g. Asia/Ho_Chi_Minh

    def defer(self, at: datetime) -> datetime:
        """`at`, or the end of the quiet window it falls in."""
        zone = ZoneInfo(self.timezone)
        local = at.astimezone(zone)
        t = local.time()
        inside = (
            self.start <= t < self.end
            if self.start <= self.end
            else t >= self.start or t < self.end
        )
        if not inside:
            return at
        end = datetime.combine(local.date(), self.end, zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, zone)
        return end.astimezone(UTC)

    def to_json(self) -> dict[str, str]:
        return {
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, str]) -> "QuietHours":
        return cls(
            time.fromisoformat(obj["start"]), time.fromisoformat(obj["end"]), obj["timezone"]
        )


@dataclass(frozen=True)
class Timing:
    group_wait: timedelta
    group_interval: timedelta
    repeat_interval: timedelta
    send_resolved: bool
    quiet_hours: QuietHours | None = None
    digest_at: time | None = None
    zone: ZoneInfo = VIETNAM

    def next_digest(self, after: datetime) -> datetime:
        assert self.digest_at is not None
        local = after.astimezone(self.zone)
        at = datetime.combine(local.date(), self.digest_at, self.zone)
        if at <= local:
            at = datetime.combine(local.date() + timedelta(days=1), self.digest_at, self.zone)
        return at.astimezone(UTC)

    def deliverable(self, at: datetime) -> datetime:
        return at if self.quiet_hours is None else self.quiet_hours.defer(at)


@dataclass(frozen=True)
class Group:
    """What a group remembers between notifications (Alertmanager's notification log entry)."""

    flush_at: datetime | None = None
    last_notified_at: datetime | None = None
    notified_firing: frozenset[str] = frozenset()
    notified_resolved: frozenset[str] = frozenset()


def on_change(group: Group | None, timing: Timing, now: datetime) -> datetime:
    """When a group must next be looked at after one of its alerts fired or resolved."""
    if timing.digest_at is not None:
        at = timing.next_digest(now)
    elif group is None or group.last_notified_at is None:
        at = now + timing.group_wait
    else:
        at = max(now, group.last_notified_at + timing.group_interval)
    at = timing.deliverable(at)
    if group is not None and group.flush_at is not None:
        return min(group.flush_at, at)
    return at


@dataclass(frozen=True)
class Flush:
    notify: bool
    firing: frozenset[str]  # what the notification says is firing
    resolved: frozenset[str]  # what it says has resolved (empty unless send_resolved)
    group: Group  # what the group remembers afterwards, with when to look again


def flush(
    group: Group,
    firing: frozenset[str],
    resolved: frozenset[str],
    timing: Timing,
    now: datetime,
    muted: bool = False,
) -> Flush:
    """Whether a due group notifies now, given its unmuted firing and resolved members.

    Alertmanager's rule (notify/DedupStage.needsUpdate): notify when something fires that the
    last notification did not say, when (send_resolved) something resolved that it did not say,
    or when the repeat interval has passed with alerts still firing. A digest notifies whenever
    there is anything to say. `muted`: some member is silenced or inhibited, so look again after
    group_interval in case that ends.
    """
    told = resolved if timing.send_resolved else frozenset()
    if timing.digest_at is not None:
        notify = bool(firing or told)
    else:
        last = group.last_notified_at
        notify = (
            not firing <= group.notified_firing
            or not told <= group.notified_resolved
            or (bool(firing) and last is not None and now >= last + timing.repeat_interval)
        )
    sent_at = now if notify else group.last_notified_at
    again: datetime | None = None
    if timing.digest_at is not None:
        again = timing.next_digest(now) if firing or muted else None
    elif firing and sent_at is not None:
        again = timing.deliverable(sent_at + timing.repeat_interval)
    if muted:
        recheck = timing.deliverable(now + timing.group_interval)
        again = recheck if again is None else min(again, recheck)
    if notify:
        after = Group(again, now, firing, told)
    else:  # what has resolved or gone quiet leaves the log, so its next firing is news again
        after = Group(
            again, group.last_notified_at, group.notified_firing & firing, group.notified_resolved
        )
    return Flush(notify, firing, told, after)
