"""What every alerts API handler is given: the collaborators (found on `app.state.wiring`),
the caller's scope (its jurisdictions' subtrees × its indicators), a connection, and the one
error shape of refusals."""

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from chiso_core.access.agencies import Agency
from chiso_core.access.auth import Authenticator, bearer
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.db import connection_or_503
from chiso_core.periods import Period
from chiso_core.problems import ApiError, ErrorResponse, Problem
from chiso_core.settings import AlertsSettings
from chiso_core.words import refusals

ERRORS: dict[int | str, dict[str, Any]] = {
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


@dataclass(frozen=True)
class Wiring:
    """The collaborators the handlers use, built once per app; `authenticate` checks keys
    for the 'alerts' permission."""

    pool: AsyncConnectionPool
    settings: AlertsSettings
    catalog: CatalogCache
    authenticate: Authenticator

    def connection(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return connection_or_503(self.pool)


def wiring(request: Request) -> Wiring:
    found: Wiring = request.app.state.wiring
    return found


Wired = Annotated[Wiring, Depends(wiring)]


def refused(status: int, error: str, field: str, problem: str) -> ApiError:
    return ApiError(status, error, [Problem(field=field, problem=problem)])


def not_found(what: str) -> ApiError:
    return refused(404, refusals.no_such(what), "path", refusals.not_in_scope(what))


def period(grain: str | None, start: Any) -> str | None:
    return None if grain is None or start is None else str(Period.of(grain, start))


class Scope:
    """What a key may see: its jurisdictions' subtrees × its indicators."""

    def __init__(self, agency: Agency, catalog: Catalog) -> None:
        self.agency, self.catalog = agency, catalog
        self.jurisdictions = agency.subtree(catalog)

    def check_jurisdictions(self, field: str, ids: Iterable[str]) -> None:
        for i, j in enumerate(ids):
            if j not in self.catalog.jurisdictions:
                raise refused(
                    422, refusals.UNKNOWN_JURISDICTION, f"{field}[{i}]", refusals.not_in_catalog(j)
                )
            if j not in self.jurisdictions:
                raise ApiError(
                    403,
                    refusals.OUTSIDE_SCOPE,
                    [self.agency.outside_jurisdictions(f"{field}[{i}]", j)],
                )

    def check_indicators(self, field: str, codes: Iterable[str]) -> None:
        for i, code in enumerate(codes):
            if code not in self.catalog.indicators:
                raise refused(
                    422, refusals.UNKNOWN_INDICATOR, f"{field}[{i}]", refusals.not_in_catalog(code)
                )
            if code not in self.agency.indicators:
                raise ApiError(
                    403,
                    refusals.OUTSIDE_SCOPE,
                    [self.agency.outside_indicators(f"{field}[{i}]", code)],
                )

    def check_plans(self, field: str, ids: Iterable[str]) -> None:
        for i, p in enumerate(ids):
            if p not in self.catalog.plans:
                raise refused(
                    422, refusals.UNKNOWN_PLAN, f"{field}[{i}]", refusals.not_in_catalog(p)
                )

    def sees(self, labels: dict[str, str]) -> bool:
        indicator = labels.get("indicator")
        return labels.get("jurisdiction") in self.jurisdictions and (
            indicator is None or indicator in self.agency.indicators
        )


async def agency(
    request: Request,
    wired: Wired,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Agency:
    """The agency behind the request's key, which must have the 'alerts' permission."""
    return await wired.authenticate(request, credentials)


async def scope(wired: Wired, caller: Annotated[Agency, Depends(agency)]) -> Scope:
    return Scope(caller, await wired.catalog.get())


Caller = Annotated[Scope, Depends(scope)]
