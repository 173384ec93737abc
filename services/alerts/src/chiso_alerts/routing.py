"""Alerts into subscribers' aggregation groups (Alertmanager's routes): a firing alert joins
the group of every subscription whose filters match it; a resolved one brings its groups
forward. Groups are rows, so a restart forgets nothing."""

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from chiso_alerts import groups
from chiso_alerts.rules.lifecycle import AlertState, State
from chiso_alerts.subscriptions import Subscription, group_key, matches

GroupId = tuple[UUID, str]


async def _groups(conn: AsyncConnection, ids: Sequence[GroupId]) -> dict[GroupId, groups.Group]:
    cur = await conn.execute(
        "SELECT g.subscription_id, g.group_key, g.flush_at, g.last_notified_at"
        " FROM notification_groups g"
        " JOIN unnest(%s::uuid[], %s::text[]) AS k(s, g) ON g.subscription_id = k.s"
        " AND g.group_key = k.g",
        [[s for s, _ in ids], [g for _, g in ids]],
    )
    return {
        (s, g): groups.Group(flush_at=flush_at, last_notified_at=last)
        for s, g, flush_at, last in await cur.fetchall()
    }


async def route(
    conn: AsyncConnection,
    alerts: Sequence[AlertState],
    subscriptions: Sequence[Subscription],
    in_subtree: Callable[[str, str], bool],
    now: datetime,
) -> None:
    """Put firing `alerts` into their groups and schedule every group one of `alerts` is in."""
    members: dict[GroupId, tuple[dict[str, str], set[str]]] = {}
    for alert in alerts:
        if alert.state is not State.FIRING:
            continue
        for sub in subscriptions:
            if matches(sub, alert.labels, in_subtree):
                key, labels = group_key(sub, alert.labels)
                members.setdefault((sub.id, key), (labels, set()))[1].add(alert.fingerprint)
    resolved = [a.fingerprint for a in alerts if a.state is State.RESOLVED]
    if resolved:
        cur = await conn.execute(
            "SELECT m.subscription_id, m.group_key, g.group_labels"
            " FROM notification_group_alerts m JOIN notification_groups g"
            " USING (subscription_id, group_key) WHERE m.fingerprint = ANY(%s)",
            [resolved],
        )
        for s, g, labels in await cur.fetchall():
            members.setdefault((s, g), (labels, set()))
    if not members:
        return
    timing = {sub.id: sub.timing for sub in subscriptions}
    known = await _groups(conn, list(members))
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            INSERT INTO notification_groups (subscription_id, group_key, group_labels, flush_at)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (subscription_id, group_key) DO UPDATE SET flush_at = EXCLUDED.flush_at
            """,
            [
                (s, g, Jsonb(labels), groups.on_change(known.get((s, g)), timing[s], now))
                for (s, g), (labels, _) in members.items()
                if s in timing
            ],
        )
        await cur.executemany(
            "INSERT INTO notification_group_alerts (subscription_id, group_key, fingerprint)"
            " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            [(s, g, fp) for (s, g), (_, fps) in members.items() for fp in fps],
        )
