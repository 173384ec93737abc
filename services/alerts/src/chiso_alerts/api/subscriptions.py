"""/v1/subscriptions: who is told about which alerts, how and when; each agency sees and
changes its own. A webhook's signing secret is shown once, when it is made."""

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import time
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response
from psycopg import AsyncConnection

from chiso_alerts.api.models import (
    FiltersIn,
    FiltersOut,
    QuietHoursIn,
    QuietHoursOut,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    email_address,
)
from chiso_alerts.api.wiring import ERRORS, Caller, Scope, Wired, not_found, refused
from chiso_alerts.dispatch import store
from chiso_alerts.dispatch.subscription import (
    Filters,
    Subscription,
    format_duration,
    parse_duration,
)
from chiso_alerts.dispatch.timing import QuietHours
from chiso_alerts.notify.addresses import Network, UnsafeAddress, check_url
from chiso_core.words import refusals

router = APIRouter(prefix="/v1", responses=ERRORS, tags=["subscriptions"])


def _out(s: Subscription) -> SubscriptionOut:
    f = s.filters
    return SubscriptionOut(
        id=s.id,
        name=s.name,
        owner=s.owner,
        filters=FiltersOut(
            jurisdictions=list(f.jurisdictions),
            indicators=list(f.indicators),
            plans=list(f.plans),
            severities=list(f.severities),
            rules=list(f.rules),
        ),
        channel=s.channel,
        address=s.address,
        group_by=list(s.group_by),
        group_wait=format_duration(s.group_wait_s),
        group_interval=format_duration(s.group_interval_s),
        repeat_interval=format_duration(s.repeat_interval_s),
        send_resolved=s.send_resolved,
        quiet_hours=QuietHoursOut(**s.quiet_hours.to_json()) if s.quiet_hours else None,
        digest_at=s.digest_at.strftime("%H:%M") if s.digest_at else None,
        escalate_after=None if s.escalate_after_s is None else format_duration(s.escalate_after_s),
    )


async def _address(channel: str, address: str, allowed: Sequence[Network]) -> str:
    if channel == "email":
        try:
            return email_address(address)
        except ValueError as e:
            raise refused(422, refusals.INVALID_ADDRESS, "address", str(e)) from None
    try:
        await check_url(address, allowed)
    except UnsafeAddress as e:
        raise refused(422, refusals.WEBHOOK_REFUSED, "address", str(e)) from None
    return address


def _filters(caller: Scope, f: FiltersIn) -> Filters:
    caller.check_jurisdictions("filters.jurisdictions", f.jurisdictions)
    caller.check_indicators("filters.indicators", f.indicators)
    caller.check_plans("filters.plans", f.plans)
    return Filters(
        jurisdictions=tuple(f.jurisdictions or caller.agency.jurisdictions),
        indicators=tuple(f.indicators or caller.agency.indicators),
        plans=tuple(f.plans),
        severities=tuple(f.severities),
        rules=tuple(f.rules),
    )


def _quiet(q: QuietHoursIn | None) -> QuietHours | None:
    return (
        None
        if q is None
        else QuietHours(time.fromisoformat(q.start), time.fromisoformat(q.end), q.timezone)
    )


@router.post(
    "/subscriptions",
    status_code=201,
    summary="Subscribe to notifications; a webhook's secret is in this answer only",
)
async def post_subscription(
    caller: Caller, wired: Wired, body: SubscriptionIn, response: Response
) -> SubscriptionCreated:
    sub = Subscription(
        id=uuid.uuid4(),
        name=body.name,
        owner=caller.agency.name,
        filters=_filters(caller, body.filters),
        channel=body.channel,
        address=await _address(body.channel, body.address, wired.settings.webhook_allow_nets),
        secret=secrets.token_urlsafe(32) if body.channel == "webhook" else None,
        group_by=tuple(body.group_by),
        group_wait_s=parse_duration(body.group_wait),
        group_interval_s=parse_duration(body.group_interval),
        repeat_interval_s=parse_duration(body.repeat_interval),
        send_resolved=body.send_resolved,
        quiet_hours=_quiet(body.quiet_hours),
        digest_at=time.fromisoformat(body.digest_at) if body.digest_at else None,
        escalate_after_s=parse_duration(body.escalate_after) if body.escalate_after else None,
    )
    async with wired.connection() as conn:
        await store.save_subscription(conn, sub)
    response.headers["Location"] = f"/v1/subscriptions/{sub.id}"
    return SubscriptionCreated(**dict(_out(sub)), secret=sub.secret)


@router.get("/subscriptions", summary="This agency's subscriptions")
async def list_subscriptions(caller: Caller, wired: Wired) -> list[SubscriptionOut]:
    async with wired.connection() as conn:
        found = await store.owned_subscriptions(conn, caller.agency.name)
    return [_out(s) for s in found]


async def _one(conn: AsyncConnection, caller: Scope, id: UUID) -> Subscription:
    found = await store.owned_subscriptions(conn, caller.agency.name, [id])
    if not found:
        raise not_found("subscription")
    return found[0]


@router.get("/subscriptions/{id}", summary="One subscription")
async def get_subscription(caller: Caller, wired: Wired, id: UUID) -> SubscriptionOut:
    async with wired.connection() as conn:
        return _out(await _one(conn, caller, id))


def _changes(caller: Scope, body: SubscriptionPatch) -> dict[str, Any]:
    """The fields a patch sets, checked (all but the address, checked against the channel)."""
    sent = body.model_fields_set
    changes: dict[str, Any] = {}
    if body.name is not None:
        changes["name"] = body.name
    if body.filters is not None:
        changes["filters"] = _filters(caller, body.filters)
    if body.group_by is not None:
        changes["group_by"] = tuple(body.group_by)
    for field in ("group_wait", "group_interval", "repeat_interval"):
        if (value := getattr(body, field)) is not None:
            changes[f"{field}_s"] = parse_duration(value)
    if body.send_resolved is not None:
        changes["send_resolved"] = body.send_resolved
    if "quiet_hours" in sent:
        changes["quiet_hours"] = _quiet(body.quiet_hours)
    if "digest_at" in sent:
        changes["digest_at"] = time.fromisoformat(body.digest_at) if body.digest_at else None
    if "escalate_after" in sent:
        after = body.escalate_after
        changes["escalate_after_s"] = parse_duration(after) if after else None
    return changes


@router.patch("/subscriptions/{id}", summary="Change a subscription")
async def patch_subscription(
    caller: Caller, wired: Wired, id: UUID, body: SubscriptionPatch
) -> SubscriptionOut:
    changes = _changes(caller, body)
    async with wired.connection() as conn, conn.transaction():
        sub = await _one(conn, caller, id)
        if body.address is not None:
            changes["address"] = await _address(
                sub.channel, body.address, wired.settings.webhook_allow_nets
            )
        sub = replace(sub, **changes)
        await store.save_subscription(conn, sub)
    return _out(sub)


@router.delete("/subscriptions/{id}", status_code=204, summary="Unsubscribe")
async def delete_subscription(caller: Caller, wired: Wired, id: UUID) -> Response:
    async with wired.connection() as conn:
        if not await store.delete_subscription(conn, caller.agency.name, id):
            raise not_found("subscription")
    return Response(status_code=204)
