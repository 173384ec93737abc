"""Scores read back: one plan's history and its scorecard, for the read API and the printable
report alike."""

from datetime import date, datetime
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from pydantic import BaseModel

from chiso_core.catalog import Comparator, Plan
from chiso_core.periods import Period


class StatCan(BaseModel):
    ratio: float | None
    category: str | None
    score: float | None


class Unsd(BaseModel):
    ratio: float | None
    category: str | None


class Projection(BaseModel):
    value: float | None
    low: float | None
    high: float | None
    probability: float | None
    needed_annual_change: float | None


class ScoreOut(BaseModel):
    plan_id: str
    plan_revision: int
    target_id: str
    jurisdiction: str
    indicator: str
    period: str
    actual: float
    expected: float | None
    gap: float | None
    progress: float | None
    target_value: float | None
    due_year: int
    status: str
    derived: bool
    statcan: StatCan
    unsd: Unsd
    projection: Projection
    method: str
    method_version: str
    observation_revision: int
    computed_at: datetime


class TargetCard(BaseModel):
    target_id: str
    indicator: str
    comparator: Comparator
    value: float | None
    values: tuple[float, float] | None
    unit: str
    due_year: int
    quote: str
    status: str
    latest: ScoreOut | None


class Scorecard(BaseModel):
    plan_id: str
    plan_revision: int
    jurisdiction: str
    targets: list[TargetCard]


_SELECT = sql.SQL("""
SELECT plan_id, plan_revision, target_id, jurisdiction_id, indicator_code, grain, period_start,
       actual, expected, gap, progress, target_value, due_year, status, derived,
       statcan_ratio, statcan_category, statcan_score, unsd_ratio, unsd_category,
       projected, projected_low, projected_high, probability, needed_annual_change,
       method, method_version, observation_revision, computed_at
  FROM scores
""")


def _score(r: dict[str, Any]) -> ScoreOut:
    return ScoreOut(
        plan_id=r["plan_id"],
        plan_revision=r["plan_revision"],
        target_id=r["target_id"],
        jurisdiction=r["jurisdiction_id"],
        indicator=r["indicator_code"],
        period=str(Period.of(r["grain"], r["period_start"])),
        actual=r["actual"],
        expected=r["expected"],
        gap=r["gap"],
        progress=r["progress"],
        target_value=r["target_value"],
        due_year=r["due_year"],
        status=r["status"],
        derived=r["derived"],
        statcan=StatCan(
            ratio=r["statcan_ratio"], category=r["statcan_category"], score=r["statcan_score"]
        ),
        unsd=Unsd(ratio=r["unsd_ratio"], category=r["unsd_category"]),
        projection=Projection(
            value=r["projected"],
            low=r["projected_low"],
            high=r["projected_high"],
            probability=r["probability"],
            needed_annual_change=r["needed_annual_change"],
        ),
        method=r["method"],
        method_version=r["method_version"],
        observation_revision=r["observation_revision"],
        computed_at=r["computed_at"],
    )


async def history(
    conn: AsyncConnection,
    plan: str,
    revision: int,
    *,
    jurisdiction: str | None = None,
    target: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[ScoreOut]:
    """A plan revision's scores, oldest period first; the filters left out (None) take all."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL("""{select}
             WHERE plan_id = %(plan)s AND plan_revision = %(revision)s
               AND (%(jurisdiction)s::text IS NULL OR jurisdiction_id = %(jurisdiction)s)
               AND (%(target)s::text IS NULL OR target_id = %(target)s)
               AND (%(since)s::date IS NULL OR period_start >= %(since)s)
               AND (%(until)s::date IS NULL OR period_start <= %(until)s)
             ORDER BY period_start, target_id, jurisdiction_id
             LIMIT %(limit)s
            """).format(select=_SELECT),
            {
                "plan": plan,
                "revision": revision,
                "jurisdiction": jurisdiction,
                "target": target,
                "since": since,
                "until": until,
                "limit": limit,  # LIMIT NULL is no limit
            },
        )
        return [_score(r) for r in await cur.fetchall()]


async def latest(conn: AsyncConnection, plan: Plan, jurisdiction: str) -> dict[str, ScoreOut]:
    """Each target's score of its latest period, by target id."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL("""
            SELECT DISTINCT ON (target_id) * FROM (
              {select} WHERE plan_id = %(plan)s AND plan_revision = %(revision)s
                       AND jurisdiction_id = %(jurisdiction)s
            ) latest
             ORDER BY target_id, period_start DESC
            """).format(select=_SELECT),
            {"plan": plan.id, "revision": plan.revision, "jurisdiction": jurisdiction},
        )
        return {s.target_id: s for s in map(_score, await cur.fetchall())}


def scorecard(plan: Plan, jurisdiction: str, latest: dict[str, ScoreOut]) -> Scorecard:
    """Every target of the plan, in the plan's order, with its latest score (if any)."""
    return Scorecard(
        plan_id=plan.id,
        plan_revision=plan.revision,
        jurisdiction=jurisdiction,
        targets=[
            TargetCard(
                target_id=t.id,
                indicator=t.indicator,
                comparator=t.comparator,
                value=t.value,
                values=t.values,
                unit=t.unit,
                due_year=t.due_year,
                quote=t.quote,
                status=latest[t.id].status if t.id in latest else "insufficient_data",
                latest=latest.get(t.id),
            )
            for t in plan.targets
        ],
    )
