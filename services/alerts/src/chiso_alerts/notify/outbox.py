"""The notification outbox: rows written in the transaction that decides a notification, leased
to one sender at a time, deleted in the transaction that logs the delivery. A sender that dies
holding a lease loses nothing: the row comes back when the lease ends, under the same key."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from chiso_alerts.notify.grafana import annotation_for
from chiso_alerts.notify.outcome import Outcome
from chiso_alerts.notify.payload import NotifiedAlert


def notification_key(*parts: object) -> str:
    """Stable for one notification, so a receiver can drop a repeat (Idempotency-Key)."""
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Pending:
    key: str
    subscription_id: UUID | None
    channel: str
    payload: dict[str, Any]
    attempts: int  # including the one now leased
    created_at: datetime


async def add(
    conn: AsyncConnection,
    rows: Sequence[tuple[str, UUID | None, str, dict[str, Any]]],
) -> None:
    """(key, subscription, channel, payload) rows; a key already queued is not queued twice."""
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO notification_outbox (notification_key, subscription_id, channel, payload)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (notification_key) DO NOTHING",
            [(key, sub, channel, Jsonb(payload)) for key, sub, channel, payload in rows],
        )


async def annotate(conn: AsyncConnection, alerts: Sequence[NotifiedAlert]) -> None:
    """Queue a Grafana annotation for each firing or resolved alert."""
    await add(
        conn,
        [
            (
                notification_key("grafana", a.fingerprint, a.status, a.starts_at.isoformat()),
                None,
                "grafana",
                annotation_for(a),
            )
            for a in alerts
        ],
    )


async def backlog(conn: AsyncConnection) -> tuple[int, float]:
    """Rows waiting, and the age in seconds of the oldest (0 when none)."""
    cur = await conn.execute(
        "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8"
        " FROM notification_outbox"
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0]), float(row[1])


async def lease(
    conn: AsyncConnection, now: datetime, lease_for: timedelta, limit: int
) -> list[Pending]:
    """Take up to `limit` due rows for `lease_for`; other replicas skip them meanwhile."""
    cur = await conn.execute(
        """
        UPDATE notification_outbox o SET next_attempt_at = %(until)s, attempts = attempts + 1
          FROM (SELECT notification_key FROM notification_outbox
                 WHERE next_attempt_at <= %(now)s ORDER BY next_attempt_at
                 LIMIT %(limit)s FOR UPDATE SKIP LOCKED) due
         WHERE o.notification_key = due.notification_key
        RETURNING o.notification_key, o.subscription_id, o.channel, o.payload, o.attempts,
                  o.created_at
        """,
        {"now": now, "until": now + lease_for, "limit": limit},
    )
    return [Pending(*row) for row in await cur.fetchall()]


async def settle(
    conn: AsyncConnection,
    results: Sequence[tuple[Pending, Outcome, datetime | None]],
) -> None:
    """Record each attempt; a row retried later gets its next time, the others leave."""
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO notification_log (notification_key, subscription_id, channel, attempt,"
            " outcome, detail) VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (p.key, p.subscription_id, p.channel, p.attempts, o.kind, o.detail or None)
                for p, o, _ in results
            ],
        )
        await cur.executemany(
            "UPDATE notification_outbox SET next_attempt_at = %s, last_error = %s"
            " WHERE notification_key = %s",
            [(retry_at, o.detail, p.key) for p, o, retry_at in results if retry_at is not None],
        )
        await cur.executemany(
            "DELETE FROM notification_outbox WHERE notification_key = %s",
            [(p.key,) for p, _, retry_at in results if retry_at is None],
        )
