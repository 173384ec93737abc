"""The scoring service's read API: a plan's scorecard and the history of scores."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from psycopg_pool import AsyncConnectionPool

from chiso_core.catalog import Catalog
from chiso_scoring import reads
from chiso_scoring.reads import Scorecard, ScoreOut


def scores_router(
    pool: AsyncConnectionPool, catalog: Callable[[], Awaitable[Catalog]]
) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["scores"])

    @router.get("/scores", summary="Score history, oldest first")
    async def scores(
        plan: str,
        jurisdiction: str | None = None,
        target: str | None = None,
        since: Annotated[date | None, Query(alias="from")] = None,
        until: Annotated[date | None, Query(alias="to")] = None,
        revision: Annotated[int | None, Query(ge=1, description="default: the current")] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> list[ScoreOut]:
        if revision is None:
            found = (await catalog()).plans.get(plan)
            if found is None:
                raise HTTPException(404, f"no plan {plan!r}")
            revision = found.revision
        async with pool.connection() as conn:
            return await reads.history(
                conn,
                plan,
                revision,
                jurisdiction=jurisdiction,
                target=target,
                since=since,
                until=until,
                limit=limit,
            )

    @router.get("/scorecard", summary="Where every target of a plan stands")
    async def scorecard(plan: str, jurisdiction: str | None = None) -> Scorecard:
        found = (await catalog()).plans.get(plan)
        if found is None:
            raise HTTPException(404, f"no plan {plan!r}")
        where = jurisdiction or found.jurisdiction
        async with pool.connection() as conn:
            return reads.scorecard(found, where, await reads.latest(conn, found, where))

    return router
