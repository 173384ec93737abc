"""Due aggregation groups → notifications in the outbox, in one transaction per round: the
group's memory and the queued notification change together or not at all. Silenced and
inhibited alerts are left out here, when the notification is made (as in Alertmanager)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from chiso_alerts import groups, outbox, store
from chiso_alerts.directory import active_silences, load_subscriptions
from chiso_alerts.inhibition import inhibited
from chiso_alerts.links import generator_url
from chiso_alerts.notify.payload import NotifiedAlert, webhook_payload
from chiso_alerts.rules.lifecycle import State
from chiso_alerts.silences import Silence, silenced_by
from chiso_alerts.subscriptions import Subscription

BATCH = 200


@dataclass(frozen=True)
class Due:
    subscription_id: UUID
    key: str
    labels: dict[str, str]
    group: groups.Group
    sequence: int


async def _due(conn: AsyncConnection, now: datetime) -> list[Due]:
    cur = await conn.execute(
        "SELECT subscription_id, group_key, group_labels, flush_at, last_notified_at,"
        " notified_firing, notified_resolved, sequence FROM notification_groups"
        " WHERE flush_at <= %s ORDER BY flush_at LIMIT %s FOR UPDATE SKIP LOCKED",
        [now, BATCH],
    )
    return [
        Due(s, g, labels, groups.Group(flush_at, last, frozenset(firing), frozenset(resolved)), seq)
        for s, g, labels, flush_at, last, firing, resolved, seq in await cur.fetchall()
    ]


async def _members(
    conn: AsyncConnection, ids: Sequence[tuple[UUID, str]], external_url: str
) -> dict[tuple[UUID, str], list[NotifiedAlert]]:
    cur = await conn.execute(
        "SELECT m.subscription_id, m.group_key, a.fingerprint, a.labels, a.annotations, a.state,"
        " a.starts_at, a.ends_at FROM notification_group_alerts m"
        " JOIN unnest(%s::uuid[], %s::text[]) AS k(s, g)"
        " ON m.subscription_id = k.s AND m.group_key = k.g"
        " JOIN alerts a ON a.fingerprint = m.fingerprint ORDER BY a.starts_at, a.fingerprint",
        [[s for s, _ in ids], [g for _, g in ids]],
    )
    found: dict[tuple[UUID, str], list[NotifiedAlert]] = {}
    for s, g, fp, labels, annotations, state, starts, ends in await cur.fetchall():
        status: Literal["firing", "resolved"] = "firing" if state == State.FIRING else "resolved"
        alert = NotifiedAlert(
            fp, status, labels, annotations, starts, ends, generator_url(external_url, labels)
        )
        found.setdefault((s, g), []).append(alert)
    return found


@dataclass(frozen=True)
class Flushed:
    due: Due
    group: groups.Group
    notification: tuple[str, UUID, str, dict[str, Any]] | None  # an outbox row


def flush_group(
    due: Due,
    sub: Subscription,
    members: Sequence[NotifiedAlert],
    silences: Sequence[Silence],
    inhibitors: Sequence[dict[str, str]],
    external_url: str,
    now: datetime,
) -> Flushed:
    muted = {
        a.fingerprint
        for a in members
        if silenced_by(a.labels, silences, now) or inhibited(a.labels, inhibitors)
    }
    heard = [a for a in members if a.fingerprint not in muted]
    decision = groups.flush(
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


async def _save(conn: AsyncConnection, flushed: Sequence[Flushed], gone: Sequence[Due]) -> None:
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            UPDATE notification_groups SET flush_at = %s, last_notified_at = %s,
                   notified_firing = %s, notified_resolved = %s, sequence = %s
             WHERE subscription_id = %s AND group_key = %s
            """,
            [
                (
                    f.group.flush_at,
                    f.group.last_notified_at,
                    sorted(f.group.notified_firing),
                    sorted(f.group.notified_resolved),
                    f.due.sequence + (f.notification is not None),
                    f.due.subscription_id,
                    f.due.key,
                )
                for f in flushed
            ],
        )
        # Resolved members have been told (or were not to be): they leave their group.
        await cur.executemany(
            "DELETE FROM notification_group_alerts m USING alerts a"
            " WHERE m.subscription_id = %s AND m.group_key = %s"
            " AND a.fingerprint = m.fingerprint AND a.state <> 'firing'",
            [(f.due.subscription_id, f.due.key) for f in flushed],
        )
        await cur.executemany(
            "DELETE FROM notification_groups WHERE subscription_id = %s AND group_key = %s",
            [(d.subscription_id, d.key) for d in gone],
        )


class Dispatcher:
    def __init__(self, pool: AsyncConnectionPool, external_url: str) -> None:
        self.pool, self.external_url = pool, external_url

    async def run_once(self) -> int:
        """Flush the due groups; returns how many notifications were queued."""
        now = datetime.now(UTC)
        async with self.pool.connection() as conn, conn.transaction():
            due = await _due(conn, now)
            if not due:
                return 0
            subs = {s.id: s for s in await load_subscriptions(conn)}
            silences = await active_silences(conn, now)
            inhibitors = await store.inhibiting(conn)
            members = await _members(
                conn, [(d.subscription_id, d.key) for d in due], self.external_url
            )
            flushed = [
                flush_group(
                    d,
                    subs[d.subscription_id],
                    members.get((d.subscription_id, d.key), []),
                    silences,
                    inhibitors,
                    self.external_url,
                    now,
                )
                for d in due
                if d.subscription_id in subs
            ]
            queued = [f.notification for f in flushed if f.notification is not None]
            await outbox.add(conn, queued)
            await _save(conn, flushed, [d for d in due if d.subscription_id not in subs])
            return len(queued)
