"""The alerts API: alerts, silences and subscriptions, for keys with the 'alerts' permission,
each seeing and changing only what lies in its jurisdictions × indicators."""

import secrets
import uuid
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Annotated, Any
from uuid import UUID

import structlog
from fastapi import APIRouter, Depends, Path, Query, Response
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from chiso_alerts import directory
from chiso_alerts import store as alert_store
from chiso_alerts.api import store
from chiso_alerts.api.models import (
    AlertDetail,
    AlertEvent,
    AlertOut,
    AlertState,
    FiltersIn,
    FiltersOut,
    MatcherIn,
    QuietHoursIn,
    QuietHoursOut,
    Rule,
    Severity,
    SilenceIn,
    SilenceOut,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    email_address,
)
from chiso_alerts.groups import QuietHours
from chiso_alerts.inhibition import inhibited
from chiso_alerts.notify.addresses import UnsafeAddress, check_url
from chiso_alerts.silences import Matcher, Silence, SilenceState, equal_values, silenced_by
from chiso_alerts.subscriptions import (
    Filters,
    Subscription,
    format_duration,
    parse_duration,
)
from chiso_core.access.agencies import Agency
from chiso_core.access.auth import Authenticator
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.db import connection_or_503
from chiso_core.periods import Period
from chiso_core.problems import ApiError, ErrorResponse, Problem
from chiso_core.settings import AlertsSettings

log = structlog.get_logger(__name__)
ACTIVE = ("pending", "firing")
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "malformed JSON",
        401: "no API key, or an unknown or revoked one",
        403: "the key may not use the alerts API, or asked for something outside its scope",
        404: "none such within the key's scope",
        413: "the body is over CHISO_MAX_BODY_BYTES",
        422: "the request does not fit: each problem names its field and what was expected",
        429: "too many failed authentications from this address: retry after Retry-After",
        503: "the database is not available: retry after Retry-After seconds",
    }.items()
}


def _refused(status: int, error: str, field: str, problem: str) -> ApiError:
    return ApiError(status, error, [Problem(field=field, problem=problem)])


def _not_found(what: str) -> ApiError:
    return _refused(404, f"no such {what}", "path", f"no {what} with this id in this key's scope")


def _period(grain: str | None, start: Any) -> str | None:
    return None if grain is None or start is None else str(Period.of(grain, start))


def _silence_out(s: Silence, now: datetime) -> SilenceOut:
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


def _subscription_out(s: Subscription) -> SubscriptionOut:
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
    )


class Scope:
    """What a key may see: its jurisdictions' subtrees × its indicators."""

    def __init__(self, agency: Agency, catalog: Catalog) -> None:
        self.agency, self.catalog = agency, catalog
        self.jurisdictions = agency.subtree(catalog)

    def check_jurisdictions(self, field: str, ids: Iterable[str]) -> None:
        for i, j in enumerate(ids):
            if j not in self.catalog.jurisdictions:
                raise _refused(
                    422, "unknown jurisdiction", f"{field}[{i}]", f"{j!r} is not in the catalog"
                )
            if j not in self.jurisdictions:
                raise ApiError(
                    403,
                    "outside this key's scope",
                    [self.agency.outside_jurisdictions(f"{field}[{i}]", j)],
                )

    def check_indicators(self, field: str, codes: Iterable[str]) -> None:
        for i, code in enumerate(codes):
            if code not in self.catalog.indicators:
                raise _refused(
                    422, "unknown indicator", f"{field}[{i}]", f"{code!r} is not in the catalog"
                )
            if code not in self.agency.indicators:
                raise ApiError(
                    403,
                    "outside this key's scope",
                    [self.agency.outside_indicators(f"{field}[{i}]", code)],
                )

    def check_plans(self, field: str, ids: Iterable[str]) -> None:
        for i, p in enumerate(ids):
            if p not in self.catalog.plans:
                raise _refused(422, "unknown plan", f"{field}[{i}]", f"{p!r} is not in the catalog")

    def sees(self, labels: dict[str, str]) -> bool:
        indicator = labels.get("indicator")
        return labels.get("jurisdiction") in self.jurisdictions and (
            indicator is None or indicator in self.agency.indicators
        )


def routers(
    pool: AsyncConnectionPool,
    settings: AlertsSettings,
    catalog: CatalogCache,
    authenticate: Authenticator,
) -> list[APIRouter]:
    """The routes to include in the alerts service's app (with chiso_core.problems'
    `add_problem_handlers`, so that every refusal has the one error shape); `authenticate`
    checks keys for the 'alerts' permission."""
    router = APIRouter(prefix="/v1", responses=_ERRORS)

    async def scope(agency: Annotated[Agency, Depends(authenticate)]) -> Scope:
        return Scope(agency, await catalog.get())

    Caller = Annotated[Scope, Depends(scope)]

    def connection() -> AbstractAsyncContextManager[AsyncConnection]:
        return connection_or_503(pool)

    # Alerts

    async def annotate(
        conn: AsyncConnection, rows: list[dict[str, Any]], now: datetime
    ) -> list[dict[str, Any]]:
        silences = await directory.active_silences(conn, now)
        firing = await alert_store.inhibiting(conn)
        return [
            {
                **{k: r[k] for k in ("fingerprint", "labels", "annotations", "state")},
                **{k: r[k] for k in ("starts_at", "ends_at", "fired_at", "updated_at")},
                "last_period": _period(r["last_grain"], r["last_period"]),
                "silenced_by": silenced_by(r["labels"], silences, now),
                "inhibited": inhibited(r["labels"], firing),
            }
            for r in rows
        ]

    @router.get("/alerts", tags=["alerts"], summary="Alerts in the key's scope, newest first")
    async def list_alerts(
        caller: Caller,
        state: Annotated[
            list[AlertState] | None, Query(description="default: pending, firing")
        ] = None,
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
        async with connection() as conn:
            rows = await store.alerts(
                conn,
                jurisdictions=jurisdictions,
                indicators=indicators,
                states=state or ACTIVE,
                labels=labels,
                limit=limit,
            )
            return [AlertOut(**a) for a in await annotate(conn, rows, now)]

    @router.get("/alerts/{fingerprint}", tags=["alerts"], summary="One alert with its history")
    async def get_alert(
        caller: Caller, fingerprint: Annotated[str, Path(pattern=r"^[\x21-\x7e]{1,64}$")]
    ) -> AlertDetail:
        now = datetime.now(UTC)
        async with connection() as conn:
            row = await store.alert(conn, fingerprint)
            if row is None or not caller.sees(row["labels"]):
                raise _not_found("alert")
            [alert] = await annotate(conn, [row], now)
            events = await store.history(conn, fingerprint)
        history = [
            AlertEvent(
                state=e["state"],
                period=_period(e["last_grain"], e["period_start"]),
                at=e["at"],
                labels=e["labels"],
                annotations=e["annotations"],
            )
            for e in events
        ]
        return AlertDetail(**alert, history=history)

    # Silences

    def silence_matchers(caller: Scope, sent: list[MatcherIn]) -> tuple[Matcher, ...]:
        """The matchers, checked: a silence is pinned to units of the key's scope by an
        equality matcher on `jurisdiction`; a key not following every indicator pins
        `indicator` too."""
        matchers = tuple(Matcher(m.name, m.value, m.is_regex, m.is_equal) for m in sent)
        for i, m in enumerate(matchers):
            try:
                m.check()
            except ValueError as e:
                raise _refused(422, "invalid matcher", f"matchers[{i}]", str(e)) from None
        pinned = equal_values(matchers, "jurisdiction")
        if not pinned:
            raise _refused(
                422,
                "a silence must name its jurisdiction",
                "matchers",
                'expected a matcher {"name": "jurisdiction", "value": <a unit in this key\'s '
                "scope>} (is_equal true, is_regex false)",
            )
        caller.check_jurisdictions("matchers(jurisdiction)", pinned)
        if set(caller.catalog.indicators) - set(caller.agency.indicators):
            indicators = equal_values(matchers, "indicator")
            if not indicators:
                raise _refused(
                    422,
                    "a silence must name its indicator",
                    "matchers",
                    "this key follows some indicators only: expected a matcher "
                    '{"name": "indicator", "value": <one of them>}',
                )
            caller.check_indicators("matchers(indicator)", indicators)
        return matchers

    @router.post("/silences", status_code=201, tags=["silences"], summary="Silence matching alerts")
    async def post_silence(caller: Caller, body: SilenceIn, response: Response) -> SilenceOut:
        matchers = silence_matchers(caller, body.matchers)
        now = datetime.now(UTC)
        starts = body.starts_at or now
        if body.ends_at <= max(starts, now):
            raise _refused(
                422,
                "a silence must end later",
                "ends_at",
                "expected a time after starts_at and now",
            )
        silence = Silence(
            id=uuid.uuid4(),
            matchers=matchers,
            starts_at=starts,
            ends_at=body.ends_at,
            created_by=body.created_by,
            comment=body.comment,
            owner=caller.agency.name,
        )
        async with connection() as conn:
            await directory.save_silence(conn, silence)
        response.headers["Location"] = f"/v1/silences/{silence.id}"
        return _silence_out(silence, now)

    @router.get("/silences", tags=["silences"], summary="Silences of the key's jurisdictions")
    async def list_silences(
        caller: Caller,
        state: Annotated[list[SilenceState] | None, Query(description="default: all")] = None,
    ) -> list[SilenceOut]:
        now = datetime.now(UTC)
        async with connection() as conn:
            found = await directory.visible_silences(conn, caller.jurisdictions)
        return [_silence_out(s, now) for s in found if not state or s.state(now) in state]

    async def one_silence(conn: AsyncConnection, caller: Scope, id: UUID) -> Silence:
        found = await directory.visible_silences(conn, caller.jurisdictions, id)
        if not found:
            raise _not_found("silence")
        return found[0]

    @router.get("/silences/{id}", tags=["silences"], summary="One silence")
    async def get_silence(caller: Caller, id: UUID) -> SilenceOut:
        async with connection() as conn:
            return _silence_out(await one_silence(conn, caller, id), datetime.now(UTC))

    @router.delete(
        "/silences/{id}",
        status_code=204,
        tags=["silences"],
        summary="Expire a silence now (one not started yet is removed)",
    )
    async def delete_silence(caller: Caller, id: UUID) -> Response:
        async with connection() as conn, conn.transaction():
            silence = await one_silence(conn, caller, id)
            if silence.owner != caller.agency.name:
                raise _refused(
                    403,
                    "not this agency's silence",
                    "path",
                    f"made by {silence.owner!r}; only its keys may expire it",
                )
            await directory.expire_silence(conn, silence, datetime.now(UTC))
        return Response(status_code=204)

    # Subscriptions

    async def check_address(channel: str, address: str) -> str:
        if channel == "email":
            try:
                return email_address(address)
            except ValueError as e:
                raise _refused(422, "invalid address", "address", str(e)) from None
        try:
            await check_url(address, settings.webhook_allow_nets)
        except UnsafeAddress as e:
            raise _refused(422, "webhook address refused", "address", str(e)) from None
        return address

    def filters(caller: Scope, f: FiltersIn) -> Filters:
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

    def quiet(q: QuietHoursIn | None) -> QuietHours | None:
        return (
            None
            if q is None
            else QuietHours(time.fromisoformat(q.start), time.fromisoformat(q.end), q.timezone)
        )

    @router.post(
        "/subscriptions",
        status_code=201,
        tags=["subscriptions"],
        summary="Subscribe to notifications; a webhook's secret is in this answer only",
    )
    async def post_subscription(
        caller: Caller, body: SubscriptionIn, response: Response
    ) -> SubscriptionCreated:
        sub = Subscription(
            id=uuid.uuid4(),
            name=body.name,
            owner=caller.agency.name,
            filters=filters(caller, body.filters),
            channel=body.channel,
            address=await check_address(body.channel, body.address),
            secret=secrets.token_urlsafe(32) if body.channel == "webhook" else None,
            group_by=tuple(body.group_by),
            group_wait_s=parse_duration(body.group_wait),
            group_interval_s=parse_duration(body.group_interval),
            repeat_interval_s=parse_duration(body.repeat_interval),
            send_resolved=body.send_resolved,
            quiet_hours=quiet(body.quiet_hours),
            digest_at=time.fromisoformat(body.digest_at) if body.digest_at else None,
        )
        async with connection() as conn:
            await directory.save_subscription(conn, sub)
        response.headers["Location"] = f"/v1/subscriptions/{sub.id}"
        return SubscriptionCreated(**dict(_subscription_out(sub)), secret=sub.secret)

    @router.get("/subscriptions", tags=["subscriptions"], summary="This agency's subscriptions")
    async def list_subscriptions(caller: Caller) -> list[SubscriptionOut]:
        async with connection() as conn:
            found = await directory.owned_subscriptions(conn, caller.agency.name)
        return [_subscription_out(s) for s in found]

    async def one_subscription(conn: AsyncConnection, caller: Scope, id: UUID) -> Subscription:
        found = await directory.owned_subscriptions(conn, caller.agency.name, [id])
        if not found:
            raise _not_found("subscription")
        return found[0]

    @router.get("/subscriptions/{id}", tags=["subscriptions"], summary="One subscription")
    async def get_subscription(caller: Caller, id: UUID) -> SubscriptionOut:
        async with connection() as conn:
            return _subscription_out(await one_subscription(conn, caller, id))

    @router.patch("/subscriptions/{id}", tags=["subscriptions"], summary="Change a subscription")
    async def patch_subscription(
        caller: Caller, id: UUID, body: SubscriptionPatch
    ) -> SubscriptionOut:
        sent = body.model_fields_set
        changes: dict[str, Any] = {}
        if body.name is not None:
            changes["name"] = body.name
        if body.filters is not None:
            changes["filters"] = filters(caller, body.filters)
        if body.group_by is not None:
            changes["group_by"] = tuple(body.group_by)
        for field in ("group_wait", "group_interval", "repeat_interval"):
            if (value := getattr(body, field)) is not None:
                changes[f"{field}_s"] = parse_duration(value)
        if body.send_resolved is not None:
            changes["send_resolved"] = body.send_resolved
        if "quiet_hours" in sent:
            changes["quiet_hours"] = quiet(body.quiet_hours)
        if "digest_at" in sent:
            changes["digest_at"] = time.fromisoformat(body.digest_at) if body.digest_at else None
        async with connection() as conn, conn.transaction():
            sub = await one_subscription(conn, caller, id)
            if body.address is not None:
                changes["address"] = await check_address(sub.channel, body.address)
            sub = replace(sub, **changes)
            await directory.save_subscription(conn, sub)
        return _subscription_out(sub)

    @router.delete(
        "/subscriptions/{id}", status_code=204, tags=["subscriptions"], summary="Unsubscribe"
    )
    async def delete_subscription(caller: Caller, id: UUID) -> Response:
        async with connection() as conn:
            if not await directory.delete_subscription(conn, caller.agency.name, id):
                raise _not_found("subscription")
        return Response(status_code=204)

    return [router]
