"""Where each feed stands, kept in the database (table feed_cursors)."""

from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row


@dataclass(frozen=True)
class Cursor:
    feed: str
    etag: str | None
    last_modified: str | None
    body_sha256: bytes
    published: int
    rejected: int
    advanced_at: datetime
    checked_at: datetime


async def read(conn: AsyncConnection, feed: str) -> Cursor | None:
    async with conn.cursor(row_factory=class_row(Cursor)) as cur:
        await cur.execute(
            "SELECT feed, etag, last_modified, body_sha256, published, rejected, advanced_at,"
            " checked_at FROM feed_cursors WHERE feed = %s",
            [feed],
        )
        return await cur.fetchone()


async def advance(conn: AsyncConnection, cursor: Cursor) -> None:
    """Records a document whose observations the broker acknowledged."""
    await conn.execute(
        "INSERT INTO feed_cursors (feed, etag, last_modified, body_sha256, published, rejected,"
        " advanced_at, checked_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (feed) DO UPDATE SET etag = excluded.etag,"
        " last_modified = excluded.last_modified, body_sha256 = excluded.body_sha256,"
        " published = excluded.published, rejected = excluded.rejected,"
        " advanced_at = excluded.advanced_at, checked_at = excluded.checked_at",
        [
            cursor.feed,
            cursor.etag,
            cursor.last_modified,
            cursor.body_sha256,
            cursor.published,
            cursor.rejected,
            cursor.advanced_at,
            cursor.checked_at,
        ],
    )


async def checked(conn: AsyncConnection, feed: str, at: datetime) -> None:
    """A poll that found nothing new (304, or the same body again)."""
    await conn.execute("UPDATE feed_cursors SET checked_at = %s WHERE feed = %s", [at, feed])
