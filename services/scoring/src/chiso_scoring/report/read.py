"""The report's one trip to the database: the loaded catalog and the plan's scores."""

from datetime import date

import psycopg

from chiso_core.catalog.store import read as read_catalog
from chiso_core.periods import Period
from chiso_core.settings import ReportSettings
from chiso_scoring import reads
from chiso_scoring.reads import UnknownPlan
from chiso_scoring.report.content import Report, build


async def read(settings: ReportSettings, plan_id: str, as_of: Period | None, today: date) -> Report:
    async with await psycopg.AsyncConnection.connect(settings.database_url) as conn:
        await conn.set_isolation_level(psycopg.IsolationLevel.REPEATABLE_READ)
        return await snapshot(conn, plan_id, as_of, today)


async def snapshot(
    conn: psycopg.AsyncConnection, plan_id: str, as_of: Period | None, today: date
) -> Report:
    """The catalog and the plan's scores as they stood together (the printed report and the
    live page both read it so)."""
    async with conn.transaction():
        catalog = await read_catalog(conn)
        plan = catalog.plans.get(plan_id)
        if plan is None:
            raise UnknownPlan(plan_id, sorted(catalog.plans))
        scores = await reads.history(
            conn,
            plan.id,
            plan.revision,
            jurisdiction=plan.jurisdiction,
            until=None if as_of is None else as_of.end,
        )
        explained = await reads.explanations(conn, plan.id, catalog.agencies)
        received = await reads.first_reported(conn, plan.jurisdiction)
    return build(catalog, plan.id, scores, as_of, today, explained, received)
