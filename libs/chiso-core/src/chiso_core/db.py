"""Database access: the connection pool and schema migrations (yoyo, versioned SQL files)."""

import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import psycopg
import structlog
from psycopg import AsyncConnection, sql
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from yoyo import get_backend, read_migrations

from chiso_core.deadline import finish_within
from chiso_core.problems import retry_later
from chiso_core.settings import DatabaseSettings
from chiso_core.words import refusals

log = structlog.get_logger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")

# A point's revisions, latest first: a reported figure before a derived one, then by the
# figure's own order (the time it was reported, then its message id), never by which consumer
# happened to store it last. The view observations_latest orders the same way (migration 0008);
# every query that picks "the latest revision" names the observations table `o` and uses this.
LATEST_FIRST = sql.SQL('o.derived, o.reported_at DESC, o.message_id COLLATE "C" DESC')


def _yoyo_url(database_url: str) -> str:
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme not in ("postgres", "postgresql"):
        raise ValueError("CHISO_DATABASE_URL must be a postgresql:// URL")
    return f"postgresql+psycopg://{rest}"


def migrate(database_url: str) -> list[str]:
    """Applies the pending migrations under a lock; returns the ids it applied."""
    backend = get_backend(_yoyo_url(database_url))
    try:
        migrations = read_migrations(str(MIGRATIONS))
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.connection.close()


def make_pool(settings: DatabaseSettings, *, autocommit: bool = False) -> AsyncConnectionPool:
    """An unopened pool; open it in the service's lifespan. `autocommit`, for a service whose
    statements each stand alone, saves the BEGIN and COMMIT round trips around every use."""
    return AsyncConnectionPool(
        settings.database_url,
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        # The pool's timeout is also the bound of `within`: one figure for "the database is away".
        timeout=settings.db_timeout_s,
        kwargs={
            "autocommit": autocommit,
            "connect_timeout": max(2, math.ceil(settings.db_timeout_s)),  # libpq's minimum is 2
        },
        open=False,
    )


class DatabaseTimeout(psycopg.OperationalError):
    """The database did not answer in time (an OperationalError, so that whoever handles the
    database being away handles this too)."""


T = TypeVar("T")


async def within(pool: AsyncConnectionPool, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """`work` on a connection of the pool, or DatabaseTimeout after the pool's timeout: a
    frozen server answers nothing, and no socket error comes (its kernel still acknowledges)."""

    async def run() -> T:
        async with pool.connection() as conn:
            return await work(conn)

    try:
        return await finish_within(run(), pool.timeout)
    except TimeoutError:
        raise DatabaseTimeout(f"the database did not answer within {pool.timeout:g} s") from None


@asynccontextmanager
async def connection_or_503(pool: AsyncConnectionPool) -> AsyncIterator[AsyncConnection]:
    """A connection for a request: the database away (or its connection lost) is a 503 with
    Retry-After, not a 500."""
    try:
        async with pool.connection() as conn:
            yield conn
    except (psycopg.OperationalError, PoolTimeout) as e:
        log.warning("database unavailable", error=repr(e))
        raise retry_later(refusals.DATABASE_AWAY) from e
