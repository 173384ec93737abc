"""The notification history's SQL: which alerts each queued notification told of, written in
the transaction that queues it; read with every delivery attempt of `notification_log`."""

from collections.abc import Sequence
from typing import Any, Literal
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row

Told = tuple[str, str, UUID, Literal["firing", "resolved"], str | None, bool]
Delivery = Literal["delivered", "pending", "failed"]


async def record(conn: AsyncConnection, rows: Sequence[Told]) -> None:
    """(notification key, fingerprint, subscription, status, severity, escalation) rows."""
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO notification_alerts (notification_key, fingerprint, subscription_id,"
            " status, severity, escalation) VALUES (%s, %s, %s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            rows,
        )


async def of_alert(conn: AsyncConnection, fingerprint: str) -> list[dict[str, Any]]:
    """The notifications that told of an alert, oldest first, each with its subscription and
    its delivery attempts."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            """
            SELECT n.notification_key, n.subscription_id, s.name AS subscription, s.channel,
                   n.status, n.severity, n.escalation, n.at AS queued_at,
                   EXISTS (SELECT 1 FROM notification_outbox o
                            WHERE o.notification_key = n.notification_key) AS queued,
                   coalesce((SELECT jsonb_agg(jsonb_build_object(
                                 'attempt', l.attempt, 'outcome', l.outcome,
                                 'detail', l.detail, 'at', l.at) ORDER BY l.at, l.id)
                               FROM notification_log l
                              WHERE l.notification_key = n.notification_key), '[]') AS attempts
              FROM notification_alerts n LEFT JOIN subscriptions s ON s.id = n.subscription_id
             WHERE n.fingerprint = %s ORDER BY n.at, n.notification_key
            """,
            [fingerprint],
        )
        return await cur.fetchall()


def delivery(attempts: Sequence[dict[str, Any]], queued: bool) -> Delivery:
    """delivered: an attempt was taken; failed: given up; pending: waiting to be (re)sent."""
    outcomes = [a["outcome"] for a in attempts]
    if "sent" in outcomes:
        return "delivered"
    return "pending" if queued or not outcomes else "failed"
