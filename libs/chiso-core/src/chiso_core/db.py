"""Database access: the connection pool and schema migrations (yoyo, versioned SQL files)."""

from pathlib import Path

from psycopg import sql
from psycopg_pool import AsyncConnectionPool
from yoyo import get_backend, read_migrations

from chiso_core.settings import DatabaseSettings

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
        kwargs={"autocommit": autocommit},
        open=False,
    )
