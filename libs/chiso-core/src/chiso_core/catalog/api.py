"""Read endpoints of the catalog: what agencies report against and what plans promise."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from pydantic import BaseModel

from chiso_core.catalog.models import Catalog, Indicator, Jurisdiction, Plan
from chiso_core.problems import ApiError, Problem, error_responses
from chiso_core.words import problems as say
from chiso_core.words import refusals


def unknown_plan(plan: str, field: str) -> ApiError:
    """404 for a plan the catalog does not hold, naming the parameter that named it."""
    problem = Problem(field=field, problem=say.unknown_plan(plan).both())
    return ApiError(404, refusals.UNKNOWN_PLAN, [problem])


class PlanSummary(BaseModel):
    id: str
    revision: int
    title: str
    issuing_body: str
    jurisdiction: str
    targets: int


def catalog_router(catalog: Callable[[], Awaitable[Catalog]]) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["catalog"])

    @router.get("/indicators", response_model_exclude_none=True, summary="Every indicator")
    async def indicators() -> list[Indicator]:
        return sorted((await catalog()).indicators.values(), key=lambda i: i.code)

    @router.get("/jurisdictions", response_model_exclude_none=True, summary="Every jurisdiction")
    async def jurisdictions() -> list[Jurisdiction]:
        return sorted((await catalog()).jurisdictions.values(), key=lambda j: j.id)

    @router.get("/plans", summary="Every plan at its current revision")
    async def plans() -> list[PlanSummary]:
        return [
            PlanSummary(
                id=p.id,
                revision=p.revision,
                title=p.title,
                issuing_body=p.issuing_body,
                jurisdiction=p.jurisdiction,
                targets=len(p.targets),
            )
            for p in sorted((await catalog()).plans.values(), key=lambda p: p.id)
        ]

    @router.get(
        "/plans/{plan_id}",
        response_model_exclude_none=True,
        summary="One plan, whole",
        responses=error_responses({404: "no plan with this id"}),
    )
    async def plan(plan_id: str) -> Plan:
        found = (await catalog()).plans.get(plan_id)
        if found is None:
            raise unknown_plan(plan_id, "plan_id")
        return found

    return router
