"""One figure per seed jurisdiction travels HTTP → broker → scoring → TimescaleDB → alerts,
through the three services running as separate processes."""

from collections.abc import Callable
from datetime import date

import httpx

from chiso_core.periods import Period
from tests.e2e.conftest import StartService
from tests.e2e.support import rows, wait_for

# Recent months: a latest figure is judged as of today, and an old one would be stale.
EARLIER, LAST = (Period.month_of(date.today(), back) for back in (6, 1))


def test_figures_travel_the_whole_pipeline(
    start_service: StartService, database_url: str, auth: dict[str, str]
) -> None:
    ingest = start_service("ingest")
    start_service("scoring")
    start_service("alerts")
    figures = [
        {
            "indicator": "online_public_service_usage",
            "jurisdiction": "khanh_hoa",
            "period": str(EARLIER),
            "value": 60.0,
        },
        {
            "indicator": "online_public_service_usage",
            "jurisdiction": "tien_giang",
            "period": str(EARLIER),
            "value": 55.0,
        },
        {
            "indicator": "online_public_service_usage",
            "jurisdiction": "tam_duong",
            "period": str(EARLIER),
            "value": 40.0,
        },
        # Tam Đường then stalls: half a point in five months, where the path to "> 80" by 2030
        # asks for about 0.7 a month, so it is off track.
        {
            "indicator": "online_public_service_usage",
            "jurisdiction": "tam_duong",
            "period": str(LAST),
            "value": 40.5,
        },
    ]

    answer = httpx.post(
        f"{ingest.url}/v1/observations", json={"observations": figures}, headers=auth, timeout=30
    )

    assert answer.status_code == 202, answer.text
    assert answer.json()["accepted"] == 4
    status_alerts = (
        "SELECT labels->>'jurisdiction', labels->>'plan', state, last_period::text FROM alerts"
        " WHERE labels->>'rule' = 'status'"
    )
    stale_alerts = (
        "SELECT labels->>'jurisdiction', state FROM alerts"
        " WHERE labels->>'alertname' = 'IndicatorStale' ORDER BY 1"
    )
    wait_for(lambda: rows(database_url, status_alerts) and rows(database_url, stale_alerts))
    assert rows(
        database_url,
        "SELECT jurisdiction_id, period_start::text, value, revision"
        " FROM observations ORDER BY 1, 2",
    ) == [
        ("khanh_hoa", str(EARLIER.start), 60.0, 1),
        ("tam_duong", str(EARLIER.start), 40.0, 1),
        ("tam_duong", str(LAST.start), 40.5, 1),
        ("tien_giang", str(EARLIER.start), 55.0, 1),
    ]
    assert rows(
        database_url,
        "SELECT jurisdiction_id, plan_id, period_start::text, status FROM scores ORDER BY 1, 3",
    ) == [
        # Six months without news of a monthly figure: stale.
        ("khanh_hoa", "khanh_hoa_nq57", str(EARLIER.start), "stale"),
        # A first figure shows no trend yet (judged at the end of its month).
        ("tam_duong", "tam_duong_nq57", str(EARLIER.start), "insufficient_data"),
        ("tam_duong", "tam_duong_nq57", str(LAST.start), "off_track"),
        ("tien_giang", "tien_giang_nq57", str(EARLIER.start), "stale"),
    ]
    # One month off track is not yet an alert that fires (two in a row are): pending.
    assert rows(database_url, status_alerts) == [
        ("tam_duong", "tam_duong_nq57", "pending", str(LAST.start))
    ]
    assert rows(database_url, stale_alerts) == [("khanh_hoa", "firing"), ("tien_giang", "firing")]


def test_recovery_resolves_the_alert(
    start_service: StartService, database_url: str, auth: dict[str, str]
) -> None:
    """Two months off track fire the alert; corrected to on track, both months resolve it."""
    ingest = start_service("ingest")
    start_service("scoring")
    start_service("alerts")

    def post(*figures: tuple[int, float]) -> None:
        observations = [
            {
                "indicator": "online_public_service_usage",
                "jurisdiction": "tam_duong",
                "period": str(Period.month_of(date.today(), months_back)),
                "value": value,
            }
            for months_back, value in figures
        ]
        answer = httpx.post(
            f"{ingest.url}/v1/observations", json={"observations": observations}, headers=auth
        )
        assert answer.status_code == 202, answer.text

    def status_is(state: str) -> Callable[[], bool]:
        query = "SELECT state FROM alerts WHERE labels->>'rule' = 'status'"
        return lambda: rows(database_url, query) == [(state,)]

    post((5, 40.0))
    post((2, 40.3))
    wait_for(status_is("pending"))
    post((1, 40.4))
    wait_for(status_is("firing"))
    post((2, 60.0), (1, 62.0))  # the agency corrects both months

    wait_for(status_is("resolved"))
    assert rows(
        database_url,
        "SELECT state FROM alert_events WHERE labels->>'rule' = 'status' ORDER BY id",
    ) == [("pending",), ("firing",), ("resolved",)]
