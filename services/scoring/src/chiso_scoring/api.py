"""The scoring service's read API: a plan's scorecard and the history of scores, for keys with
the 'read' permission, or for anyone when the operator publishes scorecards."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from psycopg_pool import AsyncConnectionPool

from chiso_core.catalog import Catalog
from chiso_core.catalog.api import unknown_plan
from chiso_core.catalog.models import Plan
from chiso_core.db import connection_or_503
from chiso_core.problems import ErrorResponse, PlainText
from chiso_scoring import reads
from chiso_scoring.reads import ExplanationRecord, Scorecard, ScoreOut

# What the read routes (this API and the live page) may answer besides 200.
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        401: "no API key, or an unknown or revoked one (unless scorecards are public)",
        403: "the key has no 'read' permission",
        404: "no such plan",
        422: "a parameter does not fit: each problem names it and what was expected",
        429: "too many failed authentications from this address",
        503: "the database is not available: retry after Retry-After seconds",
    }.items()
}


def scores_router(
    pool: AsyncConnectionPool,
    catalog: Callable[[], Awaitable[Catalog]],
    reader: Callable[..., Awaitable[object]] | None = None,
) -> APIRouter:
    """`reader`, a dependency that refuses a request without a key allowed to read (e.g. a
    chiso_core Authenticator for Permission.READ); None publishes the scores to anyone."""
    router = APIRouter(
        prefix="/v1",
        tags=["scores"],
        responses=READ_ERRORS,
        dependencies=[] if reader is None else [Depends(reader)],
    )

    async def plan_of(plan: str) -> Plan:
        found = (await catalog()).plans.get(plan)
        if found is None:
            raise unknown_plan(plan, "plan")
        return found

    @router.get("/scores", summary="Score history, oldest first")
    async def scores(
        plan: PlainText,
        jurisdiction: PlainText | None = None,
        target: PlainText | None = None,
        since: Annotated[date | None, Query(alias="from")] = None,
        until: Annotated[date | None, Query(alias="to")] = None,
        revision: Annotated[
            int | None, Query(ge=1, le=1_000_000, description="default: the current")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> list[ScoreOut]:
        if revision is None:
            revision = (await plan_of(plan)).revision
        async with connection_or_503(pool) as conn:
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
    async def scorecard(plan: PlainText, jurisdiction: PlainText | None = None) -> Scorecard:
        found = await plan_of(plan)
        where = jurisdiction or found.jurisdiction
        agencies = (await catalog()).agencies
        async with connection_or_503(pool) as conn:
            latest = await reads.latest(conn, found, where)
            explained = await reads.explanations(conn, found.id, agencies)
        return reads.scorecard(found, where, latest, agencies, explained)

    @router.get("/explanations", summary="Owners' explanations of a plan's targets, newest first")
    async def explanations(
        plan: PlainText,
        target: PlainText | None = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    ) -> list[ExplanationRecord]:
        found = await plan_of(plan)
        agencies = (await catalog()).agencies
        async with connection_or_503(pool) as conn:
            return await reads.explanation_history(conn, found.id, target, limit, agencies)

    return router
