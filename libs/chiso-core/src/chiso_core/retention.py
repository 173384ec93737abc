"""Retention: what the database may forget, and when. Apache-licensed TimescaleDB has no
retention policies, so this runs as a command (`chiso retention`, on a timer in compose):

- `scores`: whole chunks of periods older than `retention_score_years` go with `drop_chunks`
  (cheap: a chunk is a table; scores are recomputable from the observations by a rescore);
- `idempotent_responses`: rows past their `expires_at` (ingest already ignores them);
- `notification_log`: attempts older than `retention_notification_log_days`, and with them
  `notification_alerts` (which alerts each notification told of, for the history);
- `alert_events`: transitions older than `retention_alert_events_days` (the alert itself, its
  current state, stays).

Observations are the record and are never dropped. Deletes go in batches, each its own
transaction, so no lock is held long and a stop half-way leaves a consistent database.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg
from psycopg import sql

from chiso_core.settings import RetentionSettings

BATCH = 10_000


@dataclass(frozen=True)
class Cutoffs:
    score_periods_before: date
    notification_log_before: datetime
    alert_events_before: datetime


def cutoffs(now: datetime, settings: RetentionSettings) -> Cutoffs:
    """Pure: the dates before which each kind of row goes. Score periods by whole years, so a
    cutoff never splits a year of the yearly chunks."""
    return Cutoffs(
        score_periods_before=date(now.year - settings.retention_score_years, 1, 1),
        notification_log_before=now - timedelta(days=settings.retention_notification_log_days),
        alert_events_before=now - timedelta(days=settings.retention_alert_events_days),
    )


# table → the condition of an expired row (%(before)s: its cutoff)
_DELETES = {
    "idempotent_responses": "expires_at <= now()",
    "notification_log": "at < %(before)s",
    "notification_alerts": "at < %(before)s",
    "alert_events": "at < %(before)s",
}


def _delete(conn: psycopg.Connection, table: str, before: datetime | None) -> int:
    statement = sql.SQL(
        "DELETE FROM {table} WHERE ctid = ANY (ARRAY("
        "SELECT ctid FROM {table} WHERE {expired} LIMIT {batch}))"
    ).format(
        table=sql.Identifier(table),
        expired=sql.SQL(_DELETES[table]),  # a constant of this module, never input
        batch=sql.Literal(BATCH),
    )
    deleted = 0
    while True:
        with conn.transaction():
            n = conn.execute(statement, {"before": before}).rowcount
        deleted += n
        if n < BATCH:
            return deleted


def run(
    database_url: str, settings: RetentionSettings, now: datetime | None = None
) -> dict[str, int]:
    """One pass; what went, by table (chunks for scores)."""
    limits = cutoffs(now or datetime.now(UTC), settings)
    with psycopg.connect(database_url, autocommit=True) as conn:
        with conn.transaction():
            chunks = conn.execute(
                "SELECT count(*) FROM drop_chunks('scores', older_than => %s::date)",
                [limits.score_periods_before],
            ).fetchone()
        return {
            "scores (chunks)": int(chunks[0]) if chunks else 0,
            "idempotent_responses": _delete(conn, "idempotent_responses", None),
            "notification_log": _delete(conn, "notification_log", limits.notification_log_before),
            "notification_alerts": _delete(
                conn, "notification_alerts", limits.notification_log_before
            ),
            "alert_events": _delete(conn, "alert_events", limits.alert_events_before),
        }
