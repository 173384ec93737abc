"""The first answer to a request sent with an Idempotency-Key, kept per API key until it
expires, so that a retry gets that answer instead of being processed again."""

import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import orjson
import psycopg
import structlog
from fastapi.responses import Response
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from chiso_core.db import within
from chiso_core.problems import ApiError, Problem, retry_later
from chiso_core.words import refusals

log = structlog.get_logger(__name__)
JSON = "application/json"


def request_hash(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


async def recall(
    conn: AsyncConnection, key_id: str, idempotency_key: str
) -> tuple[bytes, int, bytes] | None:
    """(request hash, status, body) of the unexpired first answer, if any."""
    cur = await conn.execute(
        "SELECT request_hash, status, body FROM idempotent_responses"
        " WHERE key_id = %s AND idempotency_key = %s AND expires_at > now()",
        (key_id, idempotency_key),
    )
    row = await cur.fetchone()
    return (bytes(row[0]), row[1], bytes(row[2])) if row else None


async def remember(
    conn: AsyncConnection,
    key_id: str,
    idempotency_key: str,
    digest: bytes,
    status: int,
    body: bytes,
    ttl: timedelta,
) -> None:
    """Keeps an answer; an expired one under the same key is replaced, a live one kept (two
    concurrent first requests: the first stored wins). Expired answers of the key go."""
    await conn.execute(
        "DELETE FROM idempotent_responses WHERE key_id = %s AND expires_at <= now()", (key_id,)
    )
    await conn.execute(
        "INSERT INTO idempotent_responses"
        " (key_id, idempotency_key, request_hash, status, body, expires_at)"
        " VALUES (%s, %s, %s, %s, %s, now() + %s) ON CONFLICT DO NOTHING",
        (key_id, idempotency_key, digest, status, body, ttl),
    )


async def once(
    pool: AsyncConnectionPool,
    key_id: str,
    idempotency_key: str | None,
    digest: bytes,
    status: int,
    answer: Callable[[], Awaitable[dict[str, Any]]],
    ttl: timedelta,
) -> Response:
    """The answer, or with an Idempotency-Key the first answer given to that key (409 when the
    key came with another request)."""
    if idempotency_key is None:
        return Response(orjson.dumps(await answer()), status_code=status, media_type=JSON)
    try:
        # within(): a frozen database answers 503 within the pool's timeout, never hangs.
        kept = await within(pool, lambda conn: recall(conn, key_id, idempotency_key))
        if kept is not None:
            first, status, body = kept
            if first != digest:
                raise ApiError(
                    409,
                    refusals.KEY_REUSED,
                    [Problem(field="Idempotency-Key", problem=refusals.NEW_KEY_FOR_NEW_DATA)],
                )
            return Response(body, status_code=status, media_type=JSON)
        body = orjson.dumps(await answer())
        await within(
            pool, lambda conn: remember(conn, key_id, idempotency_key, digest, status, body, ttl)
        )
    except (psycopg.Error, PoolTimeout) as e:
        log.warning("idempotency store unavailable", error=repr(e))
        raise retry_later(refusals.DATABASE_AWAY) from e
    return Response(body, status_code=status, media_type=JSON)
