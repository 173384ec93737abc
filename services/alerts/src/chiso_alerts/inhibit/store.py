"""Inhibition's SQL: the alerts that inhibit others, read when muting."""

from psycopg import AsyncConnection

from chiso_alerts.inhibit.inhibit import SOURCES


async def inhibiting(conn: AsyncConnection) -> list[dict[str, str]]:
    """The labels of the firing alerts that inhibit others."""
    cur = await conn.execute(
        "SELECT labels FROM alerts WHERE state = 'firing' AND labels->>'alertname' = ANY(%s)",
        [list(SOURCES)],
    )
    return [labels for (labels,) in await cur.fetchall()]
