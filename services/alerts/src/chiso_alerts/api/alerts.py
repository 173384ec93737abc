"""/v1/alerts: the alerts in the key's scope, each with what mutes it, and one with its
history."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from chiso_alerts.api import store
from chiso_alerts.api.models import AlertDetail, AlertEvent, AlertOut, AlertState, Rule, Severity
from chiso_alerts.api.wiring import ERRORS, Caller, Wired, not_found, period
from chiso_alerts.mutes import Mutes

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
        row = await store.alert(conn, fingerprint)
        if row is None or not caller.sees(row["labels"]):
            raise not_found("alert")
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
