"""Due aggregation groups → notifications in the outbox, in one transaction per round: the
group's memory and the queued notification change together or not at all. Silenced and
inhibited alerts are left out here, when the notification is made (as in Alertmanager), and so
are the firing alerts an acknowledgement quiets."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from chiso_alerts.acknowledge import store as acks_store
from chiso_alerts.acknowledge.ack import Acknowledged, quiets
from chiso_alerts.acknowledge.link import Links
from chiso_alerts.dispatch import store, timing
from chiso_alerts.dispatch.store import Due
from chiso_alerts.dispatch.subscription import Subscription
from chiso_alerts.mutes import Mutes
from chiso_alerts.notify import history, outbox
from chiso_alerts.notify.owners import Owner, OwnerLookup, Target, target_of, with_owner
from chiso_alerts.notify.payload import ACK_URL, NotifiedAlert, webhook_payload

BATCH = 200


@dataclass(frozen=True)
class Round:
    """What every group of a round is judged against."""

    muting: Mutes
    acks: Mapping[str, Sequence[Acknowledged]]
    external_url: str
    links: Links | None
    now: datetime
    owners: Mapping[Target, Owner] = field(default_factory=dict)

    def quieted(self, a: NotifiedAlert) -> bool:
        return quiets(self.acks.get(a.fingerprint, ()), a.status, a.starts_at, _severity(a))

    def told(self, a: NotifiedAlert, sub: Subscription) -> NotifiedAlert:
        a = with_owner(a, self.owners)
        if self.links is None or a.status != "firing":
            return a
        link = self.links.for_alert(a.fingerprint, a.starts_at, sub.id, self.now)
        return replace(a, annotations={**a.annotations, ACK_URL: link})


@dataclass(frozen=True)
class Flushed:
    due: Due
    group: timing.Group
    notification: tuple[str, UUID, str, dict[str, Any]] | None  # an outbox row
    told: Sequence[history.Told] = ()


def _severity(a: NotifiedAlert) -> str | None:
    return a.labels.get("severity")


def flush_group(due: Due, sub: Subscription, members: Sequence[NotifiedAlert], r: Round) -> Flushed:
    muted = {a.fingerprint for a in members if r.muting.muted(a.labels)}
    heard = [a for a in members if a.fingerprint not in muted and not r.quieted(a)]
    decision = timing.flush(
        due.group,
        frozenset(a.fingerprint for a in heard if a.status == "firing"),
        frozenset(a.fingerprint for a in heard if a.status == "resolved"),
        sub.timing,
        r.now,
        muted=any(a.status == "firing" for a in members if a.fingerprint in muted),
    )
    if not decision.notify:
        return Flushed(due, decision.group, None)
    told = [r.told(a, sub) for a in heard if a.fingerprint in decision.firing | decision.resolved]
    payload = webhook_payload(
        receiver=sub.name,
        group_key=f"{sub.id}:{due.key}",
        group_labels=due.labels,
        alerts=told,
        external_url=r.external_url,
    )
    key = outbox.notification_key(sub.id, due.key, due.sequence + 1)
    escalation = sub.escalate_after_s is not None
    return Flushed(
        due,
        decision.group,
        (key, sub.id, sub.channel, payload),
        [(key, a.fingerprint, sub.id, a.status, _severity(a), escalation) for a in told],
    )


class Dispatcher:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        external_url: str,
        links: Links | None = None,
        owners: OwnerLookup | None = None,
    ) -> None:
        self.pool, self.external_url, self.links, self.owners = pool, external_url, links, owners

    async def run_once(self) -> int:
        """Flush the due groups; returns how many notifications were queued."""
        now = datetime.now(UTC)
        async with self.pool.connection() as conn, conn.transaction():
            due = await store.due(conn, now, BATCH)
            if not due:
                return 0
            subs = {s.id: s for s in await store.load_subscriptions(conn)}
            members = await store.members(conn, [d.group_id for d in due], self.external_url)
            alerts = [a for group in members.values() for a in group]
            targets = {t for a in alerts if (t := target_of(a)) is not None}
            r = Round(
                await Mutes.read(conn, now),
                await acks_store.acknowledged(conn, {a.fingerprint for a in alerts}),
                self.external_url,
                self.links,
                now,
                {} if self.owners is None else await self.owners(conn, targets),
            )
            flushed = [
                flush_group(
                    d, subs[d.subscription_id], members.get((d.subscription_id, d.key), []), r
                )
                for d in due
                if d.subscription_id in subs
            ]
            queued = [f.notification for f in flushed if f.notification is not None]
            await outbox.add(conn, queued)
            await history.record(conn, [t for f in flushed for t in f.told])
            await store.save_flushed(
                conn,
                [(f.due, f.group, f.notification is not None) for f in flushed],
                [d for d in due if d.subscription_id not in subs],
            )
            return len(queued)
