"""/v1/silences: silences pinned to units of the key's scope; made by any key of the scope,
expired only by the agency that made them."""

import uuid
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from psycopg import AsyncConnection

from chiso_alerts.api.models import MatcherIn, SilenceIn, SilenceOut
from chiso_alerts.api.wiring import ERRORS, Caller, Scope, Wired, not_found, refused
from chiso_alerts.silence import store
from chiso_alerts.silence.silence import Matcher, Silence, SilenceState, equal_values
from chiso_core.words import refusals

router = APIRouter(prefix="/v1", responses=ERRORS, tags=["silences"])


def _out(s: Silence, now: datetime) -> SilenceOut:
    return SilenceOut(
        id=s.id,
        matchers=[
            MatcherIn(name=m.name, value=m.value, is_regex=m.is_regex, is_equal=m.is_equal)
            for m in s.matchers
        ],
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        created_by=s.created_by,
        comment=s.comment,
        owner=s.owner,
        state=s.state(now),
    )


def matchers(caller: Scope, sent: list[MatcherIn]) -> tuple[Matcher, ...]:
    """The matchers, checked: a silence is pinned to units of the key's scope by an
    equality matcher on `jurisdiction`; a key not following every indicator pins
    `indicator` too."""
    found = tuple(Matcher(m.name, m.value, m.is_regex, m.is_equal) for m in sent)
    for i, m in enumerate(found):
        try:
            m.check()
        except ValueError as e:
            raise refused(422, refusals.INVALID_MATCHER, f"matchers[{i}]", str(e)) from None
    pinned = equal_values(found, "jurisdiction")
    if not pinned:
        raise refused(
            422,
            refusals.SILENCE_WITHOUT_JURISDICTION,
            "matchers",
            refusals.EXPECTED_JURISDICTION_MATCHER,
        )
    caller.check_jurisdictions("matchers(jurisdiction)", pinned)
    if set(caller.catalog.indicators) - set(caller.agency.indicators):
        indicators = equal_values(found, "indicator")
        if not indicators:
            raise refused(
                422,
                refusals.SILENCE_WITHOUT_INDICATOR,
                "matchers",
                refusals.EXPECTED_INDICATOR_MATCHER,
            )
        caller.check_indicators("matchers(indicator)", indicators)
    return found


@router.post("/silences", status_code=201, summary="Silence matching alerts")
async def post_silence(
    caller: Caller, wired: Wired, body: SilenceIn, response: Response
) -> SilenceOut:
    checked = matchers(caller, body.matchers)
    now = datetime.now(UTC)
    starts = body.starts_at or now
    if body.ends_at <= max(starts, now):
        raise refused(422, refusals.SILENCE_ENDS_TOO_SOON, "ends_at", refusals.EXPECTED_LATER_END)
    silence = Silence(
        id=uuid.uuid4(),
        matchers=checked,
        starts_at=starts,
        ends_at=body.ends_at,
        created_by=body.created_by,
        comment=body.comment,
        owner=caller.agency.name,
    )
    async with wired.connection() as conn:
        await store.save_silence(conn, silence)
    response.headers["Location"] = f"/v1/silences/{silence.id}"
    return _out(silence, now)


@router.get("/silences", summary="Silences of the key's jurisdictions")
async def list_silences(
    caller: Caller,
    wired: Wired,
    state: Annotated[list[SilenceState] | None, Query(description="default: all")] = None,
) -> list[SilenceOut]:
    now = datetime.now(UTC)
    async with wired.connection() as conn:
        found = await store.visible_silences(conn, caller.jurisdictions)
    return [_out(s, now) for s in found if not state or s.state(now) in state]


async def _one(conn: AsyncConnection, caller: Scope, id: UUID) -> Silence:
    found = await store.visible_silences(conn, caller.jurisdictions, id)
    if not found:
        raise not_found("silence")
    return found[0]


@router.get("/silences/{id}", summary="One silence")
async def get_silence(caller: Caller, wired: Wired, id: UUID) -> SilenceOut:
    async with wired.connection() as conn:
        return _out(await _one(conn, caller, id), datetime.now(UTC))


@router.delete(
    "/silences/{id}",
    status_code=204,
    summary="Expire a silence now (one not started yet is removed)",
)
async def delete_silence(caller: Caller, wired: Wired, id: UUID) -> Response:
    async with wired.connection() as conn, conn.transaction():
        silence = await _one(conn, caller, id)
        if silence.owner != caller.agency.name:
            raise refused(
                403,
                refusals.NOT_THIS_AGENCYS_SILENCE,
                "path",
                refusals.made_by(silence.owner),
            )
        await store.expire_silence(conn, silence, datetime.now(UTC))
    return Response(status_code=204)
