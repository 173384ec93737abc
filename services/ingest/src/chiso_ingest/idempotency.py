"""The first answer to a request sent with an Idempotency-Key, kept per API key until it
expires, so that a retry gets that answer instead of being processed again."""

import hashlib
from datetime import timedelta

from psycopg import AsyncConnection


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
