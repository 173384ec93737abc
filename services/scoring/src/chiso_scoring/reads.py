"""Scores read back: one plan's history and its scorecard, for the read API and the printable
report alike."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from pydantic import BaseModel

from chiso_core.catalog import Agency, Comparator, Plan, Target
from chiso_core.periods import Period
from chiso_core.timeliness import Received


class UnknownPlan(LookupError):
    """No plan by that id in the loaded catalog (the report, the live page, a rescore);
    `known`: the plans there are."""

    def __init__(self, plan: str, known: list[str]) -> None:
        super().__init__(plan)
        self.plan, self.known = plan, known


class ScoreOut(BaseModel):
    """One score, its fields named as in the scores table and score.proto (scorer.FIGURES)."""

    plan_id: str
    plan_revision: int
    target_id: str
    jurisdiction_id: str
    indicator_code: str
    period: str
    actual: float
    due_year: int
    status: str
    derived: bool
    expected: float | None
    target_value: float | None
    gap: float | None
    progress: float | None
    statcan_ratio: float | None
    statcan_category: str | None
    statcan_score: float | None
    unsd_ratio: float | None
    unsd_category: str | None
    projected: float | None
    projected_low: float | None
    projected_high: float | None
    probability: float | None
    needed_annual_change: float | None
    reason: str | None  # None for scores stored before reasons were kept
    method: str
    method_version: str
    observation_revision: int
    computed_at: datetime


class AgencyOut(BaseModel):
    id: str
    name_vi: str
    name_en: str


class OwnersOut(BaseModel):
    """Who answers for the target: the lead agency (chủ trì) and those supporting it."""

    lead: AgencyOut
    supporting: list[AgencyOut]


class ExplanationOut(BaseModel):
    """The owner's latest word on the target (older ones are kept, not shown here)."""

    period: str
    done: str
    difficulties: str
    next_actions: str
    evidence_url: str | None
    by: AgencyOut
    recorded_at: datetime


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
    owners: OwnersOut | None = None
    explanation: ExplanationOut | None = None


class Scorecard(BaseModel):
    plan_id: str
    plan_revision: int
    jurisdiction: str
    targets: list[TargetCard]


# Every field of ScoreOut is a column of the same name, but the period (grain, period_start).
_COLUMNS = [name for name in ScoreOut.model_fields if name != "period"]
_SELECT = sql.SQL("SELECT {columns}, grain, period_start FROM scores").format(
    columns=sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
)


def _score(r: dict[str, Any]) -> ScoreOut:
    return ScoreOut(
        period=str(Period.of(r["grain"], r["period_start"])), **{c: r[c] for c in _COLUMNS}
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


def _agency(agencies: Mapping[str, Agency], agency_id: str) -> AgencyOut:
    # an agency dropped from the catalog after the plan was loaded still shows by its id
    found = agencies.get(agency_id)
    if found is None:
        return AgencyOut(id=agency_id, name_vi=agency_id, name_en=agency_id)
    return AgencyOut(id=found.id, name_vi=found.name_vi, name_en=found.name_en)


def _owners(plan: Plan, target: Target, agencies: Mapping[str, Agency]) -> OwnersOut | None:
    owners = plan.owners_of(target)
    if owners is None:
        return None
    return OwnersOut(
        lead=_agency(agencies, owners.lead),
        supporting=[_agency(agencies, a) for a in owners.supporting],
    )


class ExplanationRecord(ExplanationOut):
    """An explanation in the history: which target it is about, and its number."""

    id: int
    target_id: str


_EXPLANATION = (
    "SELECT id, target_id, period, done, difficulties, next_actions, evidence_url, agency,"
    " recorded_at FROM {} WHERE plan_id = %(plan)s"
    " AND (%(target)s::text IS NULL OR target_id = %(target)s)"
    " ORDER BY recorded_at DESC, id DESC LIMIT %(limit)s"
)


async def _explained(
    conn: AsyncConnection,
    source: str,
    agencies: Mapping[str, Agency],
    plan: str,
    target: str | None = None,
    limit: int | None = None,  # None: no limit
) -> list[ExplanationRecord]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL(_EXPLANATION).format(sql.Identifier(source)),
            {"plan": plan, "target": target, "limit": limit},
        )
        return [
            ExplanationRecord(**{**r, "by": _agency(agencies, r["agency"])})
            for r in await cur.fetchall()
        ]


async def explanations(
    conn: AsyncConnection, plan: str, agencies: Mapping[str, Agency]
) -> dict[str, ExplanationOut]:
    """Each target's latest explanation, by target id."""
    latest = await _explained(conn, "target_explanations_latest", agencies, plan)
    return {
        e.target_id: ExplanationOut(**e.model_dump(exclude={"id", "target_id"})) for e in latest
    }


async def explanation_history(
    conn: AsyncConnection,
    plan: str,
    target: str | None,
    limit: int,
    agencies: Mapping[str, Agency],
) -> list[ExplanationRecord]:
    """Every explanation of the plan's targets (or of one), newest first."""
    return await _explained(conn, "target_explanations", agencies, plan, target, limit)


def scorecard(
    plan: Plan,
    jurisdiction: str,
    latest: dict[str, ScoreOut],
    agencies: Mapping[str, Agency],
    explained: Mapping[str, ExplanationOut],
) -> Scorecard:
    """Every target of the plan, in the plan's order, with its latest score (if any), who
    answers for it and what they last said about it."""
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
                owners=_owners(plan, t, agencies),
                explanation=explained.get(t.id),
            )
            for t in plan.targets
        ],
    )


async def first_reported(conn: AsyncConnection, jurisdiction: str) -> Received:
    """The day (in Vietnam) each period's figure was first reported by an agency (figures
    rolled up from children are nobody's report), by (indicator, jurisdiction, period)."""
    cur = await conn.execute(
        "SELECT indicator_code, grain, period_start,"
        " min(reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
        " FROM observations WHERE jurisdiction_id = %s AND NOT derived"
        " GROUP BY indicator_code, grain, period_start",
        [jurisdiction],
    )
    return {
        (indicator, jurisdiction, Period.of(grain, start)): day
        for indicator, grain, start, day in await cur.fetchall()
    }
