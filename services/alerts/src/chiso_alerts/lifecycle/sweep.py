"""The periodic sweep: what no score announces is found by looking — series that stopped
reporting (stale), figures owed to the reporting calendar (by the series scored, and by the plan
targets that never had a figure; a reminder nothing judges any more resolves), explanations
asked of owners and given. One replica sweeps at a time (a transaction-scoped advisory lock);
the others skip the round."""

from collections.abc import Sequence
from datetime import date

from psycopg_pool import AsyncConnectionPool

from chiso_alerts.lifecycle import store, transitions
from chiso_alerts.lifecycle.context import BatchContext, Clock, Judging, utc_now
from chiso_alerts.lifecycle.orphans import orphaned
from chiso_alerts.lifecycle.owners import Deadlines, owner_verdicts
from chiso_alerts.lifecycle.unreported import unreported_verdicts
from chiso_alerts.rules import calendar
from chiso_alerts.rules.model import SeriesKey
from chiso_alerts.rules.stale import jurisdiction_stale, stale
from chiso_core.publisher import Publisher
from chiso_core.turns import in_turns

_LOCK = 0x636869736F_5357  # "chiso" "SW": any constant no other part of chiso locks on


async def stale_verdicts(
    series: Sequence[tuple[SeriesKey, date]], context: BatchContext
) -> list[transitions.Judged]:
    """Every series' IndicatorStale, and each jurisdiction's JurisdictionStale (in turns)."""
    judged = []
    by_jurisdiction: dict[str, list[transitions.Judged]] = {}
    async for key, last_end in in_turns(series):
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
    async for jurisdiction, judged_there in in_turns(by_jurisdiction.items()):
        name = context.jurisdiction_name(jurisdiction)
        verdict = jurisdiction_stale(jurisdiction, name, [j.verdict for j in judged_there])
        judged.append(transitions.Judged(verdict, judged_there[0].province))
    return judged


class Sweeper:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        publisher: Publisher,
        judging: Judging,
        deadlines: Deadlines,
        clock: Clock = utc_now,
    ) -> None:
        self.pool, self.publisher, self.judging = pool, publisher, judging
        self.deadlines, self.clock = deadlines, clock

    async def run_once(self) -> int:
        """Judge every series; returns how many alerts changed state."""
        now = self.clock()
        context = await self.judging.context(now)
        async with self.pool.connection() as conn, conn.transaction():
            cur = await conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK])
            row = await cur.fetchone()
            if row is None or not row[0]:
                return 0
            series = await store.all_series(conn)
            judged = (
                await stale_verdicts(series, context)
                + await owner_verdicts(conn, series, context, self.deadlines, now)
                + unreported_verdicts(series, context, self.deadlines.report_lead)
            )
            reminders = await store.open_alerts(conn, calendar.RULE)
            # hashing every verdict's labels takes the loop as long as judging them: in turns
            spoken = {j.fingerprint async for j in in_turns(judged)}
            judged += [j async for j in in_turns(orphaned(reminders, spoken, context.catalog))]
            changed = await transitions.apply(conn, judged, context.lifecycle, self.publisher, now)
            return len(changed)
