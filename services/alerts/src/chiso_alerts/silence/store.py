"""Silences in the database: the active ones read when muting, the visible ones and changes
through the API."""

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from chiso_alerts.silence.silence import Matcher, Silence

_SILENCE = sql.SQL(", ").join(
    map(
        sql.Identifier, ("id", "matchers", "starts_at", "ends_at", "created_by", "comment", "owner")
    )
)


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
