"""`Authorization: Bearer <key>` → the agency. Keys are looked up in the database and kept for
a few seconds, so a revoked key stops working within `key_cache_s`."""

import time
from typing import Annotated

import psycopg
import structlog
from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from chiso_ingest import agencies, keys
from chiso_ingest.agencies import Agency
from chiso_ingest.errors import ApiError, retry_later
from chiso_ingest.models import Problem

log = structlog.get_logger(__name__)
_bearer = HTTPBearer(
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
    def __init__(self, pool: AsyncConnectionPool, cache_s: float) -> None:
        self.pool, self.cache_s = pool, cache_s
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
        self, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
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
        return found[1]
