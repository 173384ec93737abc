"""/v1/alerts: the alerts in the key's scope, each with what mutes it; one with its history;
its acknowledgements and the notifications that told of it."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from psycopg import AsyncConnection

from chiso_alerts.acknowledge import store as acks
from chiso_alerts.api import store
from chiso_alerts.api.models import (
    AcknowledgementIn,
    AcknowledgementOut,
    AlertDetail,
    AlertEvent,
    AlertNotifications,
    AlertOut,
    AlertState,
    NotificationOut,
    Rule,
    Severity,
)
from chiso_alerts.api.wiring import ERRORS, Caller, Scope, Wired, not_found, period, refused
from chiso_alerts.mutes import Mutes
from chiso_alerts.notify import history
from chiso_core.problems import ErrorResponse
from chiso_core.words import refusals

ACTIVE = ("pending", "firing")
FINGERPRINT = Path(pattern=r"^[\x21-\x7e]{1,64}$")
router = APIRouter(prefix="/v1", responses=ERRORS, tags=["alerts"])


def _out(r: dict[str, Any], muting: Mutes) -> dict[str, Any]:
    return {
        **{k: r[k] for k in ("fingerprint", "labels", "annotations", "state")},
        **{k: r[k] for k in ("starts_at", "ends_at", "fired_at", "updated_at")},
        "last_period": period(r["last_grain"], r["last_period"]),
        "silenced_by": muting.silenced_by(r["labels"]),
        "inhibited": muting.inhibited(r["labels"]),
    }


@router.get("/alerts", summary="Alerts in the key's scope, newest first")
async def list_alerts(
    caller: Caller,
    wired: Wired,
    state: Annotated[list[AlertState] | None, Query(description="default: pending, firing")] = None,
    jurisdiction: Annotated[list[str] | None, Query(description="with its subtree")] = None,
    indicator: Annotated[list[str] | None, Query()] = None,
    plan: Annotated[list[str] | None, Query()] = None,
    rule: Annotated[list[Rule] | None, Query()] = None,
    severity: Annotated[list[Severity] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[AlertOut]:
    jurisdictions = caller.jurisdictions
    if jurisdiction:
        caller.check_jurisdictions("jurisdiction", jurisdiction)
        jurisdictions = jurisdictions & frozenset().union(
            *(caller.catalog.subtree(j) for j in jurisdiction)
        )
    indicators = set(caller.agency.indicators)
    if indicator:
        caller.check_indicators("indicator", indicator)
        indicators &= set(indicator)
    caller.check_plans("plan", plan or [])
    labels = {k: v for k, v in {"plan": plan, "rule": rule, "severity": severity}.items() if v}
    now = datetime.now(UTC)
    async with wired.connection() as conn:
        rows = await store.alerts(
            conn,
            jurisdictions=jurisdictions,
            indicators=indicators,
            states=state or ACTIVE,
            labels=labels,
            limit=limit,
        )
        muting = await Mutes.read(conn, now)
    return [AlertOut(**_out(r, muting)) for r in rows]


@router.get("/alerts/{fingerprint}", summary="One alert with its history")
async def get_alert(
    caller: Caller, wired: Wired, fingerprint: Annotated[str, FINGERPRINT]
) -> AlertDetail:
    now = datetime.now(UTC)
    async with wired.connection() as conn:
        row = await _visible(conn, caller, fingerprint)
        muting = await Mutes.read(conn, now)
        events = await store.history(conn, fingerprint)
    history = [
        AlertEvent(
            state=e["state"],
            period=period(e["last_grain"], e["period_start"]),
            at=e["at"],
            labels=e["labels"],
            annotations=e["annotations"],
        )
        for e in events
    ]
    return AlertDetail(**_out(row, muting), history=history)


async def _visible(conn: AsyncConnection, caller: Scope, fingerprint: str) -> dict[str, Any]:
    row = await store.alert(conn, fingerprint)
    if row is None or not caller.sees(row["labels"]):
        raise not_found("alert")
    return row


@router.post(
    "/alerts/{fingerprint}/acknowledgements",
    status_code=201,
    summary="Acknowledge a firing alert: not told again until it worsens or resolves",
    responses={409: {"model": ErrorResponse, "description": "the alert is not firing"}},
)
async def acknowledge(
    caller: Caller,
    wired: Wired,
    fingerprint: Annotated[str, FINGERPRINT],
    body: AcknowledgementIn,
    response: Response,
) -> AcknowledgementOut:
    async with wired.connection() as conn, conn.transaction():
        row = await _visible(conn, caller, fingerprint)
        if row["state"] != "firing":
            raise refused(
                409,
                refusals.ONLY_FIRING_ACKNOWLEDGED,
                "path",
                refusals.not_firing(row["state"]),
            )
        ack = await acks.record(
            conn,
            fingerprint=fingerprint,
            starts_at=row["starts_at"],
            severity=row["labels"].get("severity", ""),
            by_name=body.by,
            via="api",
            agency=caller.agency.name,
            comment=body.comment,
        )
    response.headers["Location"] = f"/v1/alerts/{fingerprint}/notifications"
    return AcknowledgementOut(**ack)


@router.get(
    "/alerts/{fingerprint}/notifications",
    summary="What was sent about an alert, to whom and when, delivered or not; who acknowledged",
)
async def notifications(
    caller: Caller, wired: Wired, fingerprint: Annotated[str, FINGERPRINT]
) -> AlertNotifications:
    async with wired.connection() as conn:
        await _visible(conn, caller, fingerprint)
        sent = await history.of_alert(conn, fingerprint)
        acknowledged = await acks.history(conn, fingerprint)
    return AlertNotifications(
        fingerprint=fingerprint,
        notifications=[
            NotificationOut(**n, delivery=history.delivery(n["attempts"], n["queued"]))
            for n in sent
        ],
        acknowledgements=[AcknowledgementOut(**a) for a in acknowledged],
    )
