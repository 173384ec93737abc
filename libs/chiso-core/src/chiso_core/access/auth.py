"""`Authorization: Bearer <key>` → the agency, if it has the permission the API needs. Keys are
looked up in the database and kept for a few seconds, so a revoked key (or a changed
permission) takes effect within `key_cache_s`."""

import time
from typing import Annotated

import psycopg
import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from chiso_core.access import agencies, keys
from chiso_core.access.agencies import Agency, Permission
from chiso_core.access.throttle import FailureThrottle
from chiso_core.db import within
from chiso_core.problems import ApiError, Problem, retry_later
from chiso_core.settings import AuthSettings
from chiso_core.words import refusals

log = structlog.get_logger(__name__)
bearer = HTTPBearer(
    auto_error=False, description="the agency's API key, from `chiso agency create`"
)


def _unauthorized(problem: str) -> ApiError:
    return ApiError(
        401,
        refusals.NOT_AUTHENTICATED,
        [Problem(field="Authorization", problem=problem)],
        {"WWW-Authenticate": "Bearer"},
    )


class Authenticator:
    """The FastAPI dependency: 401 without a valid key, 403 for a key whose agency lacks
    `permission`, 429 for a client address past its failed authentications. `check` is the
    same test on a raw Authorization header, for chiso_core.guards.KeyBeforeBody."""

    def __init__(
        self, pool: AsyncConnectionPool, settings: AuthSettings, permission: Permission
    ) -> None:
        self.pool, self.cache_s, self.permission = pool, settings.key_cache_s, permission
        self.throttle = FailureThrottle(settings.auth_failures_max, settings.auth_failure_window_s)
        self._cache: dict[str, tuple[float, tuple[bytes, Agency]]] = {}

    async def _lookup(self, key_id: str) -> tuple[bytes, Agency] | None:
        hit = self._cache.get(key_id)
        if hit is not None and time.monotonic() - hit[0] < self.cache_s:
            return hit[1]
        try:
            found = await within(self.pool, lambda conn: agencies.find(conn, key_id))
        except (psycopg.Error, PoolTimeout) as e:
            log.warning("cannot check an API key", key_id=key_id, error=repr(e))
            raise retry_later(refusals.KEYS_AWAY) from e
        if found is not None:  # only keys that exist: made-up ids must not fill the memory
            self._cache[key_id] = (time.monotonic(), found)
        return found

    def _refuse(self, client: str, problem: str, **logged: str) -> ApiError:
        if self.throttle.failed(client):
            log.info("refused an API key", client=client, **logged)
        return _unauthorized(problem)

    async def agency(self, token: str | None, client: str) -> Agency:
        if wait := self.throttle.wait_s(client):
            raise ApiError(
                429,
                refusals.TOO_MANY_FAILURES,
                [Problem(field="Authorization", problem=refusals.retry_with_a_valid_key(wait))],
                {"Retry-After": str(wait)},
            )
        if token is None:
            raise self._refuse(client, refusals.NO_KEY)
        parsed = keys.parse(token)
        if parsed is None:
            raise self._refuse(client, refusals.NOT_A_KEY)
        key_id, secret = parsed
        found = await self._lookup(key_id)
        if found is None or not keys.matches(secret, found[0]):
            raise self._refuse(client, refusals.unknown_key(key_id), key_id=key_id)
        agency = found[1]
        if self.permission not in agency.permissions:
            raise ApiError(
                403,
                refusals.may_not(self.permission),
                [
                    Problem(
                        field="Authorization",
                        problem=refusals.lacks_permission(
                            agency.name, list(agency.permissions), self.permission
                        ),
                    )
                ],
            )
        return agency

    async def check(self, authorization: str | None, client: str) -> Agency:
        scheme, _, token = (authorization or "").partition(" ")
        return await self.agency(token.strip() if scheme.lower() == "bearer" else None, client)

    async def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Agency:
        client = request.client.host if request.client else ""
        return await self.agency(credentials.credentials if credentials else None, client)
