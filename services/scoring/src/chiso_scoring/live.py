"""The scorecard live, for the IOC's screen when no Grafana runs (the embedded default): the
printed report's page read afresh on each request, with the firing alerts from `dash_alerts`."""

import asyncio
import html
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from chiso_core.catalog import Catalog
from chiso_core.db import connection_or_503
from chiso_core.problems import ApiError, PlainText, Problem
from chiso_core.words import problems as say
from chiso_scoring.api import READ_ERRORS
from chiso_scoring.reads import UnknownPlan
from chiso_scoring.report.content import FiringAlert, Live
from chiso_scoring.report.read import snapshot
from chiso_scoring.report.render import html as render

_FIRING = """
    SELECT severity, summary, target_id, fired_at
      FROM dash_alerts
     WHERE state = 'firing' AND (plan_id = %s OR (plan_id IS NULL AND jurisdiction_id = %s))
     ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, fired_at
"""


_PAGE: dict[int | str, dict[str, Any]] = {
    200: {"description": "the page", "content": {"text/html": {"schema": {"type": "string"}}}}
}


def _index(catalog: Catalog) -> str:
    items = "".join(
        f'<li><a href="/scorecard/{html.escape(p.id)}">'
        f"{html.escape(catalog.jurisdictions[p.jurisdiction].name_vi)}</a>"
        f" — {html.escape(p.title)}</li>"
        for p in sorted(catalog.plans.values(), key=lambda p: p.id)
        if p.jurisdiction in catalog.jurisdictions
    )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Bảng theo dõi chỉ tiêu</title></head><body>"
        f"<h1>Bảng theo dõi thực hiện chỉ tiêu</h1><ul>{items}</ul></body></html>"
    )


def live_router(
    pool: AsyncConnectionPool,
    catalog: Callable[[], Awaitable[Catalog]],
    reader: Callable[..., Awaitable[object]] | None = None,
) -> APIRouter:
    """`reader` as for the scores API: the page shows what the API shows, to the same callers
    (anyone only when the operator publishes scorecards)."""
    router = APIRouter(
        tags=["live"],
        responses=READ_ERRORS,
        dependencies=[] if reader is None else [Depends(reader)],
    )

    # A page when it works, the API's JSON error shape when it does not (401, 404, 503 …).
    @router.get("/scorecard", responses=_PAGE, summary="Plans with a live scorecard")
    async def index() -> HTMLResponse:
        return HTMLResponse(_index(await catalog()))

    @router.get("/scorecard/{plan}", responses=_PAGE, summary="A plan's scorecard, live")
    async def scorecard(plan: PlainText) -> HTMLResponse:
        async with connection_or_503(pool) as conn:
            try:
                report = await snapshot(conn, plan, None, date.today())
            except UnknownPlan as e:
                no_plan = say.unknown_plan(plan).both()
                raise ApiError(404, no_plan, [Problem(field="plan", problem=no_plan)]) from e
            async with conn.cursor(row_factory=class_row(FiringAlert)) as cur:
                await cur.execute(_FIRING, [plan, report.plan.jurisdiction])
                alerts = await cur.fetchall()
        # the charts and the template are CPU work: off the event loop
        return HTMLResponse(await asyncio.to_thread(render, report, Live(alerts, "/scorecard")))

    return router
