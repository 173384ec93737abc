"""Silences and subscriptions in the database: read by the notification pipeline, made and
changed through the API."""

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from chiso_alerts.silences import Matcher, Silence
from chiso_alerts.subscriptions import Subscription, from_row, to_row


def _columns(*names: str) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, names))


_SUBSCRIPTION = _columns(
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
)
_SILENCE = _columns("id", "matchers", "starts_at", "ends_at", "created_by", "comment", "owner")


def _silence(row: Mapping[str, Any]) -> Silence:
    return Silence(
        id=row["id"],
        matchers=tuple(Matcher.from_json(m) for m in row["matchers"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        created_by=row["created_by"],
        comment=row["comment"],
        owner=row["owner"],
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
            " %(repeat_interval_s)s, %(send_resolved)s, %(quiet_hours)s, %(digest_at)s)"
            " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, filters = EXCLUDED.filters,"
            " address = EXCLUDED.address, group_by = EXCLUDED.group_by,"
            " group_wait_s = EXCLUDED.group_wait_s, group_interval_s = EXCLUDED.group_interval_s,"
            " repeat_interval_s = EXCLUDED.repeat_interval_s,"
            " send_resolved = EXCLUDED.send_resolved, quiet_hours = EXCLUDED.quiet_hours,"
            " digest_at = EXCLUDED.digest_at, updated_at = now()"
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


async def active_silences(conn: AsyncConnection, now: datetime) -> list[Silence]:
    """The silences muting at `now`."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL(
                "SELECT {} FROM silences WHERE starts_at <= %s AND ends_at > %s ORDER BY id"
            ).format(_SILENCE),
            (now, now),
        )
        return [_silence(r) for r in await cur.fetchall()]


async def visible_silences(
    conn: AsyncConnection, jurisdictions: Collection[str], id: UUID | None = None
) -> list[Silence]:
    """The silences pinned (by an equality matcher on `jurisdiction`) to one of these
    jurisdictions, newest first; only the one with `id`, if given."""
    query = sql.SQL(
        "SELECT {} FROM silences WHERE EXISTS ("
        " SELECT 1 FROM jsonb_array_elements(matchers) m"
        " WHERE m->>'name' = 'jurisdiction' AND (m->>'isEqual')::boolean"
        " AND NOT (m->>'isRegex')::boolean AND m->>'value' = ANY(%s))"
    ).format(_SILENCE)
    params: list[Any] = [list(jurisdictions)]
    if id is not None:
        query += sql.SQL(" AND id = %s")
        params.append(id)
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query + sql.SQL(" ORDER BY starts_at DESC, id"), params)
        return [_silence(r) for r in await cur.fetchall()]


async def save_silence(conn: AsyncConnection, silence: Silence) -> None:
    await conn.execute(
        sql.SQL("INSERT INTO silences ({}) VALUES (%s, %s, %s, %s, %s, %s, %s)").format(_SILENCE),
        (
            silence.id,
            Jsonb([m.to_json() for m in silence.matchers]),
            silence.starts_at,
            silence.ends_at,
            silence.created_by,
            silence.comment,
            silence.owner,
        ),
    )


async def expire_silence(conn: AsyncConnection, silence: Silence, now: datetime) -> None:
    """Ends an active silence now; one that has not started is deleted (it never muted)."""
    if now <= silence.starts_at:
        await conn.execute("DELETE FROM silences WHERE id = %s", (silence.id,))
    elif now < silence.ends_at:
        await conn.execute(
            "UPDATE silences SET ends_at = %s, updated_at = now() WHERE id = %s",
            (now, silence.id),
        )
