"""`Authorization: Bearer <key>` → the agency, if it has the permission the API needs. Keys are
looked up in the database and kept for a few seconds, so a revoked key (or a changed
permission) takes effect within `key_cache_s`."""

import time
from typing import Annotated

import psycopg
import structlog
from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from chiso_core.access import agencies, keys
from chiso_core.access.agencies import Agency, Permission
from chiso_core.problems import ApiError, Problem, retry_later

log = structlog.get_logger(__name__)
_MAY = {Permission.REPORT: "report figures", Permission.ALERTS: "use the alerts API"}
bearer = HTTPBearer(
    auto_error=False, description="the agency's API key, from `chiso agency create`"
)


def _unauthorized(problem: str) -> ApiError:
    return ApiError(
        401,
        "not authenticated",
        [Problem(field="Authorization", problem=problem)],
        {"WWW-Authenticate": "Bearer"},
    )


class Authenticator:
    """The FastAPI dependency: 401 without a valid key, 403 for a key whose agency lacks
    `permission`."""

    def __init__(self, pool: AsyncConnectionPool, cache_s: float, permission: Permission) -> None:
        self.pool, self.cache_s, self.permission = pool, cache_s, permission
        self._cache: dict[str, tuple[float, tuple[bytes, Agency]]] = {}

    async def _lookup(self, key_id: str) -> tuple[bytes, Agency] | None:
        hit = self._cache.get(key_id)
        if hit is not None and time.monotonic() - hit[0] < self.cache_s:
            return hit[1]
        try:
            async with self.pool.connection() as conn:
                found = await agencies.find(conn, key_id)
        except (psycopg.Error, PoolTimeout) as e:
            log.warning("cannot check an API key", key_id=key_id, error=repr(e))
            raise retry_later("keys cannot be checked now; retry later") from e
        if found is not None:  # only keys that exist: made-up ids must not fill the memory
            self._cache[key_id] = (time.monotonic(), found)
        return found

    async def __call__(
        self, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> Agency:
        if credentials is None:
            raise _unauthorized("expected `Authorization: Bearer <API key>`")
        parsed = keys.parse(credentials.credentials)
        if parsed is None:
            raise _unauthorized("not a chiso API key (chiso_<key id>_<secret>)")
        key_id, secret = parsed
        found = await self._lookup(key_id)
        if found is None or not keys.matches(secret, found[0]):
            log.info("refused an API key", key_id=key_id)
            raise _unauthorized(f"key {key_id} is unknown or revoked")
        agency = found[1]
        if self.permission not in agency.permissions:
            raise ApiError(
                403,
                f"this key may not {_MAY[self.permission]}",
                [
                    Problem(
                        field="Authorization",
                        problem=f"agency {agency.name!r} has the permissions "
                        f"{', '.join(sorted(agency.permissions))}, not {self.permission}",
                    )
                ],
            )
        return agency
