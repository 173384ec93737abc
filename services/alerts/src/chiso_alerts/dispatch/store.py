"""Dispatch's SQL: subscriptions (read by routing and dispatching, made and changed through the
API), and the aggregation groups with their members, written in the caller's transaction."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from chiso_alerts.dispatch.subscription import Subscription, from_row, to_row
from chiso_alerts.dispatch.timing import Group
from chiso_alerts.notify.links import generator_url
from chiso_alerts.notify.payload import NotifiedAlert
from chiso_alerts.rules.lifecycle import State

GroupId = tuple[UUID, str]
_SUBSCRIPTION = sql.SQL(", ").join(
    map(
        sql.Identifier,
        (
            "id",
            "name",
            "owner",
            "filters",
            "channel",
            "address",
            "secret",
            "group_by",
            "group_wait_s",
            "group_interval_s",
            "repeat_interval_s",
            "send_resolved",
            "quiet_hours",
            "digest_at",
            "escalate_after_s",
        ),
    )
)


async def load_subscriptions(conn: AsyncConnection) -> list[Subscription]:
    """Every subscription not deleted, secrets included."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL("SELECT {} FROM subscriptions WHERE deleted_at IS NULL ORDER BY id").format(
                _SUBSCRIPTION
            )
        )
        return [from_row(r) for r in await cur.fetchall()]


async def owned_subscriptions(
    conn: AsyncConnection, owner: str, ids: Collection[UUID] | None = None
) -> list[Subscription]:
    """The agency's subscriptions not deleted, oldest first (only `ids`, if given)."""
    query = sql.SQL("SELECT {} FROM subscriptions WHERE deleted_at IS NULL AND owner = %s").format(
        _SUBSCRIPTION
    )
    params: list[Any] = [owner]
    if ids is not None:
        query += sql.SQL(" AND id = ANY(%s)")
        params.append(list(ids))
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query + sql.SQL(" ORDER BY created_at, id"), params)
        return [from_row(r) for r in await cur.fetchall()]


async def save_subscription(conn: AsyncConnection, sub: Subscription) -> None:
    """Insert the subscription, or update the one with its id (never its owner or secret)."""
    row = to_row(sub)
    row["filters"] = Jsonb(row["filters"])
    row["quiet_hours"] = Jsonb(row["quiet_hours"]) if row["quiet_hours"] else None
    await conn.execute(
        sql.SQL(
            "INSERT INTO subscriptions ({})"
            " VALUES (%(id)s, %(name)s, %(owner)s, %(filters)s, %(channel)s, %(address)s,"
            " %(secret)s, %(group_by)s, %(group_wait_s)s, %(group_interval_s)s,"
            " %(repeat_interval_s)s, %(send_resolved)s, %(quiet_hours)s, %(digest_at)s,"
            " %(escalate_after_s)s)"
            " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, filters = EXCLUDED.filters,"
            " address = EXCLUDED.address, group_by = EXCLUDED.group_by,"
            " group_wait_s = EXCLUDED.group_wait_s, group_interval_s = EXCLUDED.group_interval_s,"
            " repeat_interval_s = EXCLUDED.repeat_interval_s,"
            " send_resolved = EXCLUDED.send_resolved, quiet_hours = EXCLUDED.quiet_hours,"
            " digest_at = EXCLUDED.digest_at, escalate_after_s = EXCLUDED.escalate_after_s,"
            " updated_at = now()"
        ).format(_SUBSCRIPTION),
        row,
    )


async def delete_subscription(conn: AsyncConnection, owner: str, id: UUID) -> bool:
    """Soft: the row stays for the notification log; False if there was none to delete."""
    cur = await conn.execute(
        "UPDATE subscriptions SET deleted_at = now(), updated_at = now()"
        " WHERE id = %s AND owner = %s AND deleted_at IS NULL",
        (id, owner),
    )
    return cur.rowcount == 1


# Aggregation groups


def _ids(ids: Sequence[GroupId]) -> list[list[Any]]:
    return [[s for s, _ in ids], [g for _, g in ids]]


async def groups(conn: AsyncConnection, ids: Sequence[GroupId]) -> dict[GroupId, Group]:
    """The timing of the groups with these ids that exist."""
    cur = await conn.execute(
        "SELECT g.subscription_id, g.group_key, g.flush_at, g.last_notified_at"
        " FROM notification_groups g"
        " JOIN unnest(%s::uuid[], %s::text[]) AS k(s, g) ON g.subscription_id = k.s"
        " AND g.group_key = k.g",
        _ids(ids),
    )
    return {
        (s, g): Group(flush_at=flush_at, last_notified_at=last)
        for s, g, flush_at, last in await cur.fetchall()
    }


async def groups_holding(
    conn: AsyncConnection, fingerprints: Sequence[str]
) -> list[tuple[GroupId, dict[str, str]]]:
    """The groups these alerts are members of, with their labels."""
    cur = await conn.execute(
        "SELECT m.subscription_id, m.group_key, g.group_labels"
        " FROM notification_group_alerts m JOIN notification_groups g"
        " USING (subscription_id, group_key) WHERE m.fingerprint = ANY(%s)",
        [list(fingerprints)],
    )
    return [((s, g), labels) for s, g, labels in await cur.fetchall()]


async def schedule(
    conn: AsyncConnection,
    flush_at: Sequence[tuple[GroupId, dict[str, str], datetime]],
    members: Sequence[tuple[GroupId, str]],
) -> None:
    """Create or reschedule groups (id, labels, when to look); add (group, fingerprint)
    members."""
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            INSERT INTO notification_groups (subscription_id, group_key, group_labels, flush_at)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (subscription_id, group_key) DO UPDATE SET flush_at = EXCLUDED.flush_at
            """,
            [(s, g, Jsonb(labels), at) for (s, g), labels, at in flush_at],
        )
        await cur.executemany(
            "INSERT INTO notification_group_alerts (subscription_id, group_key, fingerprint)"
            " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            [(s, g, fp) for (s, g), fp in members],
        )


@dataclass(frozen=True)
class Due:
    subscription_id: UUID
    key: str
    labels: dict[str, str]
    group: Group
    sequence: int

    @property
    def group_id(self) -> GroupId:
        return self.subscription_id, self.key


async def due(conn: AsyncConnection, now: datetime, limit: int) -> list[Due]:
    """Up to `limit` groups due at `now`, locked; other replicas skip them meanwhile."""
    cur = await conn.execute(
        "SELECT subscription_id, group_key, group_labels, flush_at, last_notified_at,"
        " notified_firing, notified_resolved, sequence FROM notification_groups"
        " WHERE flush_at <= %s ORDER BY flush_at LIMIT %s FOR UPDATE SKIP LOCKED",
        [now, limit],
    )
    return [
        Due(s, g, labels, Group(flush_at, last, frozenset(firing), frozenset(resolved)), seq)
        for s, g, labels, flush_at, last, firing, resolved, seq in await cur.fetchall()
    ]


async def members(
    conn: AsyncConnection, ids: Sequence[GroupId], external_url: str
) -> dict[GroupId, list[NotifiedAlert]]:
    """The alerts of each group, oldest first, as notifications tell them."""
    cur = await conn.execute(
        "SELECT m.subscription_id, m.group_key, a.fingerprint, a.labels, a.annotations, a.state,"
        " a.starts_at, a.ends_at FROM notification_group_alerts m"
        " JOIN unnest(%s::uuid[], %s::text[]) AS k(s, g)"
        " ON m.subscription_id = k.s AND m.group_key = k.g"
        " JOIN alerts a ON a.fingerprint = m.fingerprint ORDER BY a.starts_at, a.fingerprint",
        _ids(ids),
    )
    found: dict[GroupId, list[NotifiedAlert]] = {}
    for s, g, fp, labels, annotations, state, starts, ends in await cur.fetchall():
        status: Literal["firing", "resolved"] = "firing" if state == State.FIRING else "resolved"
        alert = NotifiedAlert(
            fp, status, labels, annotations, starts, ends, generator_url(external_url, labels)
        )
        found.setdefault((s, g), []).append(alert)
    return found


async def save_flushed(
    conn: AsyncConnection, flushed: Sequence[tuple[Due, Group, bool]], gone: Sequence[Due]
) -> None:
    """Remember each flushed group (due, what it remembers now, whether it notified); drop
    the groups of deleted subscriptions (`gone`)."""
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            UPDATE notification_groups SET flush_at = %s, last_notified_at = %s,
                   notified_firing = %s, notified_resolved = %s, sequence = %s
             WHERE subscription_id = %s AND group_key = %s
            """,
            [
                (
                    group.flush_at,
                    group.last_notified_at,
                    sorted(group.notified_firing),
                    sorted(group.notified_resolved),
                    d.sequence + notified,
                    d.subscription_id,
                    d.key,
                )
                for d, group, notified in flushed
            ],
        )
        # Resolved members have been told (or were not to be): they leave their group.
        await cur.executemany(
            "DELETE FROM notification_group_alerts m USING alerts a"
            " WHERE m.subscription_id = %s AND m.group_key = %s"
            " AND a.fingerprint = m.fingerprint AND a.state <> 'firing'",
            [(d.subscription_id, d.key) for d, _, _ in flushed],
        )
        await cur.executemany(
            "DELETE FROM notification_groups WHERE subscription_id = %s AND group_key = %s",
            [(d.subscription_id, d.key) for d in gone],
        )


# Escalation


@dataclass(frozen=True)
class Firing:
    fingerprint: str
    labels: dict[str, str]
    starts_at: datetime
    fired_at: datetime


async def firing_since(conn: AsyncConnection, before: datetime) -> list[Firing]:
    """The alerts firing since `before` or earlier."""
    cur = await conn.execute(
        "SELECT fingerprint, labels, starts_at, fired_at FROM alerts"
        " WHERE state = 'firing' AND fired_at <= %s ORDER BY fired_at, fingerprint",
        [before],
    )
    return [Firing(*row) for row in await cur.fetchall()]


async def grouped(
    conn: AsyncConnection, subscriptions: Sequence[UUID], fingerprints: Sequence[str]
) -> set[tuple[UUID, str]]:
    """Which of these alerts are already in a group of which of these subscriptions."""
    cur = await conn.execute(
        "SELECT subscription_id, fingerprint FROM notification_group_alerts"
        " WHERE subscription_id = ANY(%s) AND fingerprint = ANY(%s)",
        [list(subscriptions), list(fingerprints)],
    )
    return {(s, fp) for s, fp in await cur.fetchall()}
