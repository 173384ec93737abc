"""What the demo waits for before it prints its scorecard, read from a real TimescaleDB: every
target scored in this run whose latest score is off track has its own status alert open. A
target judged by an earlier run is not waited for (its score's message may have gone with that
run's embedded broker)."""

from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest
from psycopg.types.json import Jsonb

from chiso_devstack import scorecard

SINCE = datetime(2026, 12, 1, 8, tzinfo=UTC)
NOW, EARLIER = SINCE + timedelta(seconds=5), SINCE - timedelta(hours=1)
MAY, JUNE = date(2026, 5, 1), date(2026, 6, 1)

# (target, period, status, computed at)
Score = tuple[str, date, str, datetime]
# (target, rule, state)
Alert = tuple[str, str, str]


def _store(conn: psycopg.Connection, scores: list[Score], alerts: list[Alert]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO scores (period_start, grain, plan_id, plan_revision, target_id,"
            " jurisdiction_id, indicator_code, method, method_version, actual, expected,"
            " target_value, due_year, gap, progress, status, observation_revision, computed_at)"
            " VALUES (%s, 'month', 'p', 1, %s, 'khanh_hoa', 'i', 'm', '1', 1, 1, 2, 2030, 1,"
            " 0.5, %s, 1, %s)",
            [(period, target, status, at) for target, period, status, at in scores],
        )
        cur.executemany(
            "INSERT INTO alerts (fingerprint, labels, state, starts_at) VALUES (%s, %s, %s, %s)",
            [
                (
                    f"{target}-{rule}-{n}",
                    Jsonb(
                        {"plan": "p", "target": target, "jurisdiction": "khanh_hoa", "rule": rule}
                    ),
                    state,
                    EARLIER,
                )
                for n, (target, rule, state) in enumerate(alerts)
            ],
        )


@pytest.mark.parametrize(
    ("scores", "alerts", "expected"),
    [
        ([("a", JUNE, "on_track", NOW)], [], (1, 0)),
        ([("a", JUNE, "off_track", NOW)], [], (1, 1)),
        ([("a", JUNE, "deteriorating", NOW)], [], (1, 1)),
        ([("a", JUNE, "off_track", NOW)], [("a", "status", "pending")], (1, 0)),
        ([("a", JUNE, "off_track", NOW)], [("a", "status", "firing")], (1, 0)),
        # a resolved alert, an owner's reminder or another target's alert does not count
        ([("a", JUNE, "off_track", NOW)], [("a", "status", "resolved")], (1, 1)),
        ([("a", JUNE, "off_track", NOW)], [("a", "calendar", "firing")], (1, 1)),
        ([("a", JUNE, "off_track", NOW)], [("b", "status", "firing")], (1, 1)),
        # only the latest period counts: off track in May, on track in June
        ([("a", MAY, "off_track", NOW), ("a", JUNE, "on_track", NOW)], [], (2, 0)),
        ([("a", MAY, "on_track", NOW), ("a", JUNE, "off_track", NOW)], [], (2, 1)),
        # judged by an earlier run: neither scored now nor waited for
        ([("a", JUNE, "off_track", EARLIER)], [], (0, 0)),
        ([("a", JUNE, "off_track", EARLIER), ("b", JUNE, "off_track", NOW)], [], (1, 1)),
    ],
)
def test_the_demo_waits_for_each_off_track_target_scored_now_to_have_its_alert(
    database_url: str, scores: list[Score], alerts: list[Alert], expected: tuple[int, int]
) -> None:
    with psycopg.connect(database_url) as conn:
        _store(conn, scores, alerts)
        assert scorecard.progress(conn, SINCE) == expected
