"""Acknowledgements' SQL: recorded in the caller's transaction, read by the dispatcher (do
they quiet an alert?), the escalator and the history."""

from collections.abc import Collection
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from chiso_alerts.acknowledge.ack import Acknowledged


async def record(
    conn: AsyncConnection,
    *,
    fingerprint: str,
    starts_at: datetime,
    severity: str,
    by_name: str,
    via: Literal["api", "link"],
    agency: str | None = None,
    subscription_id: UUID | None = None,
    comment: str = "",
) -> dict[str, Any]:
    """Keep one acknowledgement; returns it as stored."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "INSERT INTO alert_acknowledgements (fingerprint, starts_at, severity, by_name, via,"
            " agency, subscription_id, comment) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " RETURNING fingerprint, starts_at, severity, by_name, via, agency, subscription_id,"
            " comment, at",
            [fingerprint, starts_at, severity, by_name, via, agency, subscription_id, comment],
        )
        row = await cur.fetchone()
    assert row is not None
    return row


async def acknowledged(
    conn: AsyncConnection, fingerprints: Collection[str]
) -> dict[str, list[Acknowledged]]:
    """The acknowledgements of these alerts' current episodes."""
    cur = await conn.execute(
        "SELECT k.fingerprint, k.starts_at, k.severity FROM alert_acknowledgements k"
        " JOIN alerts a ON a.fingerprint = k.fingerprint AND a.starts_at = k.starts_at"
        " WHERE k.fingerprint = ANY(%s)",
        [list(fingerprints)],
    )
    found: dict[str, list[Acknowledged]] = {}
    for fp, starts_at, severity in await cur.fetchall():
        found.setdefault(fp, []).append(Acknowledged(starts_at, severity))
    return found


async def told_firing(
    conn: AsyncConnection, fingerprints: Collection[str]
) -> dict[str, list[tuple[str | None, datetime]]]:
    """When subscribers (escalation subscriptions aside) were first told of each severity of
    these alerts firing."""
    cur = await conn.execute(
        "SELECT fingerprint, severity, min(at) FROM notification_alerts"
        " WHERE fingerprint = ANY(%s) AND status = 'firing' AND NOT escalation"
        " GROUP BY fingerprint, severity",
        [list(fingerprints)],
    )
    found: dict[str, list[tuple[str | None, datetime]]] = {}
    for fp, severity, at in await cur.fetchall():
        found.setdefault(fp, []).append((severity, at))
    return found


async def history(conn: AsyncConnection, fingerprint: str) -> list[dict[str, Any]]:
    """Every acknowledgement of an alert, oldest first."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT starts_at, severity, by_name, via, agency, subscription_id, comment, at"
            " FROM alert_acknowledgements WHERE fingerprint = %s ORDER BY at, id",
            [fingerprint],
        )
        return await cur.fetchall()
