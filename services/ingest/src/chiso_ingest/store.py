"""Ingest's reads of what scoring stored: one round trip per request."""

from collections.abc import Iterable

from psycopg import AsyncConnection

from chiso_ingest.intake import Figure, PointKey


async def latest_figures(
    conn: AsyncConnection, points: Iterable[PointKey]
) -> dict[PointKey, Figure]:
    """The latest stored figure of each given point (those that exist)."""
    keys = list(set(points))
    if not keys:
        return {}
    cur = await conn.execute(
        """
        SELECT DISTINCT ON (o.jurisdiction_id, o.indicator_code, o.grain, o.period_start)
               o.jurisdiction_id, o.indicator_code, o.grain, o.period_start,
               o.value, o.numerator, o.denominator
          FROM observations o
          JOIN unnest(%s::text[], %s::text[], %s::text[], %s::date[]) AS k(j, i, g, p)
            ON o.jurisdiction_id = k.j AND o.indicator_code = k.i
           AND o.grain = k.g AND o.period_start = k.p
         ORDER BY o.jurisdiction_id, o.indicator_code, o.grain, o.period_start, o.revision DESC
        """,
        [[k[i] for k in keys] for i in range(4)],
    )
    return {(j, i, g, p): (v, n, d) for j, i, g, p, v, n, d in await cur.fetchall()}
