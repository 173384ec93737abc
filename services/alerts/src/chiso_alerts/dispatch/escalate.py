"""Escalation: a firing alert nobody acknowledged within an escalation subscription's
`escalate_after` (from when it fired, or from when a worse severity of an acknowledged alert was
told: acknowledge/ack.py, waiting_since) joins that subscription's groups, and is told from
there as any other (its repeats quieted once someone acknowledges it, its resolution told).
Alertmanager leaves this out of scope (prometheus/alertmanager#2150). One replica escalates at
a time."""

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from chiso_alerts.acknowledge import store as acks_store
from chiso_alerts.acknowledge.ack import Acknowledged, quiets, waiting_since
from chiso_alerts.dispatch import store
from chiso_alerts.dispatch.route import join
from chiso_alerts.dispatch.subscription import Subscription, group_key, matches
from chiso_core.catalog.store import CatalogCache

_LOCK = 0x636869736F_4553  # "chiso" "ES": any constant no other part of chiso locks on


def escalations(
    firing: Sequence[store.Firing],
    subscriptions: Sequence[Subscription],
    acks: Mapping[str, Sequence[Acknowledged]],
    told: Mapping[str, Sequence[tuple[str | None, datetime]]],
    grouped: set[tuple[UUID, str]],
    in_subtree: Callable[[str, str], bool],
    now: datetime,
) -> dict[store.GroupId, tuple[dict[str, str], set[str]]]:
    """The escalation groups the unacknowledged, overdue `firing` alerts join (not those
    already in them)."""
    members: dict[store.GroupId, tuple[dict[str, str], set[str]]] = {}
    for sub in subscriptions:
        if sub.escalate_after_s is None:
            continue
        overdue = now - timedelta(seconds=sub.escalate_after_s)
        for a in firing:
            seen = acks.get(a.fingerprint, ())
            since = waiting_since(a.fired_at, a.starts_at, seen, told.get(a.fingerprint, ()))
            if (
                since is not None
                and since <= overdue
                and (sub.id, a.fingerprint) not in grouped
                and not quiets(seen, "firing", a.starts_at, a.labels.get("severity"))
                and matches(sub, a.labels, in_subtree)
            ):
                key, labels = group_key(sub, a.labels)
                members.setdefault((sub.id, key), (labels, set()))[1].add(a.fingerprint)
    return members


class Escalator:
    def __init__(self, pool: AsyncConnectionPool, catalog: CatalogCache) -> None:
        self.pool, self.catalog = pool, catalog

    async def run_once(self) -> int:
        """Escalate what is overdue; returns how many alerts joined an escalation group."""
        now = datetime.now(UTC)
        catalog = await self.catalog.get()
        async with self.pool.connection() as conn, conn.transaction():
            cur = await conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK])
            row = await cur.fetchone()
            if row is None or not row[0]:
                return 0
            subs = [s for s in await store.load_subscriptions(conn) if s.escalate_after_s]
            if not subs:
                return 0
            shortest = min(s.escalate_after_s or 0 for s in subs)
            firing = await store.firing_since(conn, now - timedelta(seconds=shortest))
            fps = [a.fingerprint for a in firing]
            members = escalations(
                firing,
                subs,
                await acks_store.acknowledged(conn, fps),
                await acks_store.told_firing(conn, fps),
                await store.grouped(conn, [s.id for s in subs], fps),
                lambda child, ancestor: child in catalog.subtree(ancestor),
                now,
            )
            if members:
                await join(conn, members, subs, now)
            return sum(len(fps) for _, fps in members.values())
