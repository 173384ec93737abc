"""The stale sweep: series that stopped reporting raise no score, so a periodic look finds them.
One replica sweeps at a time (a transaction-scoped advisory lock); the others skip the round."""

from datetime import UTC, datetime

from psycopg_pool import AsyncConnectionPool

from chiso_alerts.lifecycle import store, transitions
from chiso_alerts.lifecycle.context import Judging
from chiso_alerts.rules.stale import jurisdiction_stale, stale
from chiso_core.publisher import Publisher

_LOCK = 0x636869736F_5357  # "chiso" "SW": any constant no other part of chiso locks on


class Sweeper:
    def __init__(self, pool: AsyncConnectionPool, publisher: Publisher, judging: Judging) -> None:
        self.pool, self.publisher, self.judging = pool, publisher, judging

    async def run_once(self) -> int:
        """Judge every series for staleness; returns how many alerts changed state."""
        now = datetime.now(UTC)
        context = await self.judging.context(now)
        async with self.pool.connection() as conn, conn.transaction():
            cur = await conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK])
            row = await cur.fetchone()
            if row is None or not row[0]:
                return 0
            judged = []
            by_jurisdiction: dict[str, list[transitions.Judged]] = {}
            for key, last_end in await store.all_series(conn):
                verdict = stale(
                    key,
                    last_end,
                    context.cadence(key.indicator),
                    context.params.for_indicator(key.indicator),
                    context.today,
                    context.rule_names(key),
                )
                one = transitions.Judged(verdict, key.province)
                judged.append(one)
                by_jurisdiction.setdefault(key.jurisdiction, []).append(one)
            for jurisdiction, series in by_jurisdiction.items():
                name = context.jurisdiction_name(jurisdiction)
                verdict = jurisdiction_stale(jurisdiction, name, [j.verdict for j in series])
                judged.append(transitions.Judged(verdict, series[0].province))
            changed = await transitions.apply(conn, judged, context.lifecycle, self.publisher, now)
            return len(changed)
