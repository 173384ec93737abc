"""Alerts' SQL: the current alerts of a batch in one query, changes written pipelined."""

from collections.abc import Iterable, Sequence

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from chiso_alerts.legacy_rules import Alert
from chiso_core.periods import Period


async def load(conn: AsyncConnection, fingerprints: Iterable[str]) -> dict[str, Alert]:
    cur = await conn.execute(
        "SELECT fingerprint, labels, annotations->>'summary', state, starts_at, ends_at,"
        " last_grain, last_period FROM alerts WHERE fingerprint = ANY(%s)",
        [list(set(fingerprints))],
    )
    return {
        fp: Alert(fp, labels, summary or "", state, starts, ends, Period.of(grain, period))
        for fp, labels, summary, state, starts, ends, grain, period in await cur.fetchall()
    }


async def save(conn: AsyncConnection, alerts: Sequence[Alert], changed: Sequence[Alert]) -> None:
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            INSERT INTO alerts (fingerprint, labels, annotations, state, starts_at, ends_at,
                                last_grain, last_period)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (fingerprint) DO UPDATE SET
                annotations = EXCLUDED.annotations, state = EXCLUDED.state,
                starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
                last_grain = EXCLUDED.last_grain, last_period = EXCLUDED.last_period,
                updated_at = now()
            """,
            [
                (
                    a.fingerprint,
                    Jsonb(a.labels),
                    Jsonb({"summary": a.summary}),
                    a.state,
                    a.starts_at,
                    a.ends_at,
                    str(a.last_period.grain),
                    a.last_period.start,
                )
                for a in alerts
            ],
        )
        await cur.executemany(
            "INSERT INTO alert_events (fingerprint, state, period_start) VALUES (%s, %s, %s)",
            [(a.fingerprint, a.state, a.last_period.start) for a in changed],
        )
