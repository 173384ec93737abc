"""The lifecycle's SQL: series windows and alerts of a batch read in one query each, written
pipelined in the caller's transaction."""

import asyncio
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from psycopg import AsyncConnection, AsyncCursor
from psycopg.types.json import Jsonb

from chiso_alerts.rules import window
from chiso_alerts.rules.lifecycle import AlertState, State
from chiso_alerts.rules.model import SeriesKey
from chiso_core.periods import Period
from chiso_core.turns import in_turns


async def load_windows(
    conn: AsyncConnection, keys: Iterable[SeriesKey]
) -> dict[SeriesKey, window.Window]:
    keys = list(keys)
    by_id = {(k.plan_id, k.target_id, k.jurisdiction): k for k in keys}
    cur = await conn.execute(
        "SELECT s.plan_id, s.target_id, s.jurisdiction_id, s.points FROM alert_series s"
        " JOIN unnest(%s::text[], %s::text[], %s::text[]) AS k(p, t, j)"
        " ON s.plan_id = k.p AND s.target_id = k.t AND s.jurisdiction_id = k.j",
        [
            [k.plan_id for k in keys],
            [k.target_id for k in keys],
            [k.jurisdiction for k in keys],
        ],
    )
    return {by_id[p, t, j]: window.from_json(points) for p, t, j, points in await cur.fetchall()}


async def save_windows(conn: AsyncConnection, windows: dict[SeriesKey, window.Window]) -> None:
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            INSERT INTO alert_series (plan_id, target_id, jurisdiction_id, indicator_code,
                                      province_code, due_year, points, last_period_end)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (plan_id, target_id, jurisdiction_id) DO UPDATE SET
                indicator_code = EXCLUDED.indicator_code, due_year = EXCLUDED.due_year,
                points = EXCLUDED.points, last_period_end = EXCLUDED.last_period_end,
                updated_at = now()
            """,
            [
                (
                    k.plan_id,
                    k.target_id,
                    k.jurisdiction,
                    k.indicator,
                    k.province,
                    k.due_year,
                    Jsonb(window.to_json(w)),
                    w[-1].period.end,
                )
                async for k, w in in_turns(windows.items())
            ],
        )


async def all_series(conn: AsyncConnection) -> list[tuple[SeriesKey, date]]:
    """Every judged series with the end of its latest scored period, for the stale sweep."""
    cur = await conn.execute(
        "SELECT plan_id, target_id, jurisdiction_id, indicator_code, province_code, due_year,"
        " last_period_end FROM alert_series"
    )
    return [(SeriesKey(*row[:6]), row[6]) for row in await cur.fetchall()]


_ALERT = (
    "SELECT fingerprint, labels, annotations, state, starts_at, ends_at, fired_at, last_grain,"
    " last_period FROM alerts"
)


def _alert_states(rows: Iterable[tuple[Any, ...]]) -> list[AlertState]:
    return [
        AlertState(
            fp,
            labels,
            annotations,
            State(state),
            starts,
            ends,
            fired,
            None if grain is None else Period.of(grain, period),
        )
        for fp, labels, annotations, state, starts, ends, fired, grain, period in rows
    ]


# Alerts converted from their rows a part at a time: a row's labels and annotations are JSON,
# and 5,000 rows converted at once held the event loop ~50 ms (a sweep, a batch of new series).
_PART = 500


async def _alerts_read(cur: AsyncCursor[Any]) -> list[AlertState]:
    """The alerts a query read, the event loop given a turn between parts."""
    alerts: list[AlertState] = []
    while rows := await cur.fetchmany(_PART):
        alerts += _alert_states(rows)
        await asyncio.sleep(0)
    return alerts


async def load_alerts(conn: AsyncConnection, fingerprints: Iterable[str]) -> dict[str, AlertState]:
    # In binary format (`%b`), as scoring's keys: tens of thousands of fingerprints (a batch of
    # 5,000 new series, or a sweep), which the text format quotes one by one on the event loop
    # (40,000: 47 ms in text, 14 ms in binary).
    cur = await conn.execute(
        _ALERT + " WHERE fingerprint = ANY(%b::text[])", [list(set(fingerprints))]
    )
    return {a.fingerprint: a for a in await _alerts_read(cur)}


async def open_alerts(conn: AsyncConnection, rule: str) -> list[AlertState]:
    """The rule's pending and firing alerts."""
    cur = await conn.execute(
        _ALERT + " WHERE state IN ('pending', 'firing') AND labels->>'rule' = %s", [rule]
    )
    return await _alerts_read(cur)


async def save_alerts(
    conn: AsyncConnection, alerts: Sequence[AlertState], changed: Sequence[AlertState]
) -> None:
    """Upsert `alerts`; record every state change of `changed` in alert_events."""
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            INSERT INTO alerts (fingerprint, labels, annotations, state, starts_at, ends_at,
                                fired_at, last_grain, last_period)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (fingerprint) DO UPDATE SET
                labels = EXCLUDED.labels, annotations = EXCLUDED.annotations,
                state = EXCLUDED.state, starts_at = EXCLUDED.starts_at,
                ends_at = EXCLUDED.ends_at, fired_at = EXCLUDED.fired_at,
                last_grain = EXCLUDED.last_grain, last_period = EXCLUDED.last_period,
                updated_at = now()
            """,
            [
                (
                    a.fingerprint,
                    Jsonb(a.labels),
                    Jsonb(a.annotations),
                    str(a.state),
                    a.starts_at,
                    a.ends_at,
                    a.fired_at,
                    None if a.last_period is None else str(a.last_period.grain),
                    None if a.last_period is None else a.last_period.start,
                )
                for a in alerts
            ],
        )
        await cur.executemany(
            "INSERT INTO alert_events (fingerprint, state, period_start, labels, annotations)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                (
                    a.fingerprint,
                    str(a.state),
                    None if a.last_period is None else a.last_period.start,
                    Jsonb(a.labels),
                    Jsonb(a.annotations),
                )
                for a in changed
            ],
        )


async def explained(
    conn: AsyncConnection, targets: Collection[tuple[str, str]]
) -> dict[tuple[str, str], list[Period]]:
    """Every period the owners explained, for each of these (plan, target) pairs that has one."""
    if not targets:
        return {}
    plans, ids = zip(*targets, strict=True)
    cur = await conn.execute(
        "SELECT e.plan_id, e.target_id, array_agg(DISTINCT e.period) FROM target_explanations e"
        " JOIN unnest(%s::text[], %s::text[]) AS k(p, t) ON e.plan_id = k.p AND e.target_id = k.t"
        " GROUP BY e.plan_id, e.target_id",
        [list(plans), list(ids)],
    )
    return {
        (plan, target): [Period.parse(p) for p in periods]
        for plan, target, periods in await cur.fetchall()
    }
