"""Due aggregation groups → notifications in the outbox, in one transaction per round: the
group's memory and the queued notification change together or not at all. Silenced and
inhibited alerts are left out here, when the notification is made (as in Alertmanager)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from chiso_alerts.dispatch import store, timing
from chiso_alerts.dispatch.store import Due
from chiso_alerts.dispatch.subscription import Subscription
from chiso_alerts.mutes import Mutes
from chiso_alerts.notify import outbox
from chiso_alerts.notify.payload import NotifiedAlert, webhook_payload

BATCH = 200


@dataclass(frozen=True)
class Flushed:
    due: Due
    group: timing.Group
    notification: tuple[str, UUID, str, dict[str, Any]] | None  # an outbox row


def flush_group(
    due: Due,
    sub: Subscription,
    members: Sequence[NotifiedAlert],
    muting: Mutes,
    external_url: str,
    now: datetime,
) -> Flushed:
    muted = {a.fingerprint for a in members if muting.muted(a.labels)}
    heard = [a for a in members if a.fingerprint not in muted]
    decision = timing.flush(
        due.group,
        frozenset(a.fingerprint for a in heard if a.status == "firing"),
        frozenset(a.fingerprint for a in heard if a.status == "resolved"),
        sub.timing,
        now,
        muted=any(a.status == "firing" for a in members if a.fingerprint in muted),
    )
    if not decision.notify:
        return Flushed(due, decision.group, None)
    told = decision.firing | decision.resolved
    payload = webhook_payload(
        receiver=sub.name,
        group_key=f"{sub.id}:{due.key}",
        group_labels=due.labels,
        alerts=[a for a in heard if a.fingerprint in told],
        external_url=external_url,
    )
    key = outbox.notification_key(sub.id, due.key, due.sequence + 1)
    return Flushed(due, decision.group, (key, sub.id, sub.channel, payload))


class Dispatcher:
    def __init__(self, pool: AsyncConnectionPool, external_url: str) -> None:
        self.pool, self.external_url = pool, external_url

    async def run_once(self) -> int:
        """Flush the due groups; returns how many notifications were queued."""
        now = datetime.now(UTC)
        async with self.pool.connection() as conn, conn.transaction():
            due = await store.due(conn, now, BATCH)
            if not due:
                return 0
            subs = {s.id: s for s in await store.load_subscriptions(conn)}
            muting = await Mutes.read(conn, now)
            members = await store.members(
                conn, [(d.subscription_id, d.key) for d in due], self.external_url
            )
            flushed = [
                flush_group(
                    d,
                    subs[d.subscription_id],
                    members.get((d.subscription_id, d.key), []),
                    muting,
                    self.external_url,
                    now,
                )
                for d in due
                if d.subscription_id in subs
            ]
            queued = [f.notification for f in flushed if f.notification is not None]
            await outbox.add(conn, queued)
            await store.save_flushed(
                conn,
                [(f.due, f.group, f.notification is not None) for f in flushed],
                [d for d in due if d.subscription_id not in subs],
            )
            return len(queued)
