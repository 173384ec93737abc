"""Ingest's reads of what scoring stored: one round trip per request."""

from collections.abc import Iterable

import orjson
from psycopg import AsyncConnection, sql

from chiso_core.db import LATEST_FIRST
from chiso_ingest.intake import Figure, PointKey


async def latest_figures(
    conn: AsyncConnection, points: Iterable[PointKey]
) -> dict[PointKey, Figure]:
    """The latest stored figure of each given point (those that exist), in scoring's order
    (LATEST_FIRST). The points go as one JSON document: encoding it is a single call, where
    four arrays of a thousand would be adapted value by value."""
    keys = set(points)
    if not keys:
        return {}
    cur = await conn.execute(
        sql.SQL("""
        SELECT DISTINCT ON (o.jurisdiction_id, o.indicator_code, o.grain, o.period_start)
               o.jurisdiction_id, o.indicator_code, o.grain, o.period_start,
               o.value, o.numerator, o.denominator
          FROM observations o
          JOIN jsonb_to_recordset(%s::jsonb) AS k(j text, i text, g text, p date)
            ON o.jurisdiction_id = k.j AND o.indicator_code = k.i
           AND o.grain = k.g AND o.period_start = k.p
         ORDER BY o.jurisdiction_id, o.indicator_code, o.grain, o.period_start, {latest}
        """).format(latest=LATEST_FIRST),
        [orjson.dumps([{"j": j, "i": i, "g": g, "p": p} for j, i, g, p in keys]).decode()],
    )
    return {(j, i, g, p): (v, n, d) for j, i, g, p, v, n, d in await cur.fetchall()}
