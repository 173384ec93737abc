"""The alerts API's reads of alerts and their history."""

from collections.abc import Collection, Mapping
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

_ALERT = sql.SQL(
    "SELECT fingerprint, labels, annotations, state, starts_at, ends_at, fired_at,"
    " last_grain, last_period, updated_at FROM alerts"
)


async def alerts(
    conn: AsyncConnection,
    *,
    jurisdictions: Collection[str],
    indicators: Collection[str],
    states: Collection[str],
    labels: Mapping[str, Collection[str]],
    limit: int,
) -> list[dict[str, Any]]:
    """Alerts of these jurisdictions, of these indicators or of none (jurisdiction-wide), in
    these states, each other label among its values if given; newest first."""
    where: list[sql.Composable] = [
        sql.SQL("labels->>'jurisdiction' = ANY(%s)"),
        sql.SQL("(labels->>'indicator' IS NULL OR labels->>'indicator' = ANY(%s))"),
        sql.SQL("state = ANY(%s)"),
    ]
    params: list[Any] = [list(jurisdictions), list(indicators), list(states)]
    for name, values in labels.items():
        where.append(sql.SQL("labels->>{} = ANY(%s)").format(sql.Literal(name)))
        params.append(list(values))
    query = sql.SQL("{} WHERE {} ORDER BY starts_at DESC, fingerprint LIMIT %s").format(
        _ALERT, sql.SQL(" AND ").join(where)
    )
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, [*params, limit])
        return await cur.fetchall()


async def alert(conn: AsyncConnection, fingerprint: str) -> dict[str, Any] | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(_ALERT + sql.SQL(" WHERE fingerprint = %s"), [fingerprint])
        return await cur.fetchone()


async def history(conn: AsyncConnection, fingerprint: str) -> list[dict[str, Any]]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT e.state, e.period_start, a.last_grain, e.at, e.labels, e.annotations"
            "  FROM alert_events e JOIN alerts a USING (fingerprint)"
            " WHERE fingerprint = %s ORDER BY e.at, e.id",
            [fingerprint],
        )
        return await cur.fetchall()
