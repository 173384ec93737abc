"""Retention against a real TimescaleDB: old score chunks dropped (drop_chunks), expired
idempotency keys, old notification logs and alert events deleted; what is young stays; a second
pass removes nothing; deletes in batches reach every row."""

from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest

from chiso_core import retention
from chiso_core.settings import RetentionSettings

NOW = datetime(2026, 11, 15, tzinfo=UTC)


def settings(database_url: str) -> RetentionSettings:
    return RetentionSettings(
        database_url=database_url,
        retention_score_years=15,
        retention_notification_log_days=180,
        retention_alert_events_days=730,
    )


@pytest.mark.parametrize(
    ("now", "years", "expected"),
    [
        (datetime(2026, 11, 15, tzinfo=UTC), 15, date(2011, 1, 1)),
        (datetime(2026, 1, 1, tzinfo=UTC), 1, date(2025, 1, 1)),
        (datetime(2030, 12, 31, 23, 59, tzinfo=UTC), 10, date(2020, 1, 1)),
    ],
)
def test_score_periods_go_by_whole_years(now: datetime, years: int, expected: date) -> None:
    limits = retention.cutoffs(
        now, RetentionSettings(database_url="postgresql://x/y", retention_score_years=years)
    )
    assert limits.score_periods_before == expected
    assert limits.notification_log_before == now - timedelta(days=180)


def _score(period: date) -> tuple[object, ...]:
    return (
        period,
        "month",
        "p",
        1,
        "t",
        "khanh_hoa",
        "i",
        "m",
        "1",
        1.0,
        1.0,
        2.0,
        2030,
        1.0,
        0.5,
        "on_track",
        1,
    )


def _seed(conn: psycopg.Connection) -> None:
    """Old and young rows of each kind (the agency_key fixture made the key they need)."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO scores (period_start, grain, plan_id, plan_revision, target_id,"
            " jurisdiction_id, indicator_code, method, method_version, actual, expected,"
            " target_value, due_year, gap, progress, status, observation_revision)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [_score(date(y, 6, 1)) for y in (2005, 2009, 2024)],
        )
        row = conn.execute("SELECT key_id FROM agency_keys LIMIT 1").fetchone()
        assert row is not None
        key_id = row[0]
        cur.executemany(
            "INSERT INTO idempotent_responses (key_id, idempotency_key, request_hash, status,"
            " body, expires_at) VALUES (%s, %s, '\\x00', 202, '\\x00', %s)",
            [(key_id, f"k{n}", NOW + timedelta(days=d)) for n, d in enumerate([-1000, 1000])],
        )
        cur.executemany(
            "INSERT INTO notification_log (notification_key, channel, attempt, outcome, at)"
            " VALUES (%s, 'webhook', 1, 'sent', %s)",
            [(f"n{d}-{k}", NOW - timedelta(days=d)) for d in (10, 200) for k in range(5)],
        )
        cur.executemany(
            "INSERT INTO notification_alerts (notification_key, fingerprint, subscription_id,"
            " status, at) VALUES (%s, 'f', gen_random_uuid(), 'firing', %s)",
            [(f"n{d}", NOW - timedelta(days=d)) for d in (10, 200, 300)],
        )
        cur.execute(
            "INSERT INTO alerts (fingerprint, labels, state, starts_at, last_period, last_grain)"
            " VALUES ('f', '{}', 'firing', %s, '2024-01-01', 'month')",
            [NOW],
        )
        cur.executemany(
            "INSERT INTO alert_events (fingerprint, state, period_start, at)"
            " VALUES ('f', 'firing', '2024-01-01', %s)",
            [(NOW - timedelta(days=d),) for d in (1, 800, 900)],
        )


def _remaining(conn: psycopg.Connection) -> dict[str, object]:
    def one(query: str) -> object:
        row = conn.execute(query).fetchone()
        assert row is not None
        return row[0]

    return {
        "score years": one(
            "SELECT array_agg(y ORDER BY y) FROM"
            " (SELECT DISTINCT extract(year FROM period_start)::int AS y FROM scores) s"
        ),
        "idempotent": one("SELECT count(*) FROM idempotent_responses"),
        "log": one("SELECT count(*) FROM notification_log"),
        "told": one("SELECT count(*) FROM notification_alerts"),
        "events": one("SELECT count(*) FROM alert_events"),
        "alerts": one("SELECT count(*) FROM alerts"),
    }


def test_what_is_old_goes_and_what_is_young_stays(
    database_url: str, agency_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)  # several batches per table
    with psycopg.connect(database_url) as conn, conn.transaction():
        _seed(conn)

    removed = retention.run(database_url, settings(database_url), now=NOW)

    assert removed == {
        "scores (chunks)": 2,
        "idempotent_responses": 1,
        "notification_log": 5,
        "notification_alerts": 2,
        "alert_events": 2,
    }
    with psycopg.connect(database_url) as conn:
        assert _remaining(conn) == {
            "score years": [2024],
            "idempotent": 1,
            "log": 5,
            "told": 1,
            "events": 1,
            "alerts": 1,
        }
    again = retention.run(database_url, settings(database_url), now=NOW)
    assert set(again.values()) == {0}
