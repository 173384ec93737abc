"""Alerts addressed to a target's owner, end to end: ingest, scoring and alerts as processes
over the real broker and TimescaleDB, a leader's catch-all webhook and the lead agency's webhook
on loopback. A target turns off track → its owner is asked to explain → the explanation is
posted → the request resolves. An overdue figure reminds its owner and raises ReportOverdue,
which inhibits the target's off-track alert; the figure's arrival resolves both. The leader's
catch-all subscription hears none of the owner's alerts."""

import asyncio
import json
from datetime import date
from typing import Any

import httpx

from chiso_core import topics
from chiso_core.broker import ensure_topics
from chiso_core.periods import Period
from chiso_core.settings import BrokerSettings
from chiso_devstack.processes import ServiceProcess, agency_key
from tests.alerting import drifting, subscribe
from tests.e2e.conftest import StartService
from tests.e2e.support import rows, wait_for
from tests.http_recorder import Recorder, http_recorder
from tests.kafka_io import produce

LEAD = "vp_ubnd_tam_duong"  # leads Tam Đường's online public services (catalog/plans)
PLAN, TARGET = "tam_duong_nq57", "online_public_service_usage_2030"
ENV = {
    "CHISO_WEBHOOK_ALLOW_NETS": json.dumps(["127.0.0.0/8"]),
    "CHISO_DISPATCH_INTERVAL_S": "0.2",
    "CHISO_SWEEP_INTERVAL_S": "1",
    "CHISO_EXPLANATION_DUE_S": "3600",
}
OWNER_ALERTS = {"ExplanationRequested", "ExplanationOverdue", "ReportDue", "ReportOverdue"}


def month(back: int) -> Period:
    return Period.month_of(date.today(), back)


def post(
    ingest: ServiceProcess, auth: dict[str, str], figures: dict[int, float], **at: str
) -> None:
    """Tam Đường's online public services: {months back: value}; `at`: another indicator."""
    observations = [
        {
            "indicator": at.get("indicator", "online_public_service_usage"),
            "jurisdiction": "tam_duong",
            "period": str(month(back)),
            "value": value,
        }
        for back, value in figures.items()
    ]
    answer = httpx.post(
        f"{ingest.url}/v1/observations", json={"observations": observations}, headers=auth
    )
    assert answer.status_code == 202, answer.text


def told(hook: Recorder) -> list[dict[str, Any]]:
    """Every alert the webhook was told of, in order."""
    return [a for r in hook.received() for a in r.json()["alerts"]]


# Only the target these tests report on: the catalog's other targets, never reported, remind
# their leads too (tests/integration/test_never_reported.py), this lead among them.


def heard(hook: Recorder, alertname: str, status: str) -> list[dict[str, Any]]:
    return [
        a
        for a in told(hook)
        if a["labels"]["alertname"] == alertname
        and a["status"] == status
        and (a["labels"]["plan"], a["labels"]["target"]) == (PLAN, TARGET)
    ]


def state(database_url: str, alertname: str) -> str | None:
    found = rows(
        database_url,
        "SELECT state FROM alerts WHERE labels->>'alertname' = %s"
        " AND labels->>'plan' = %s AND labels->>'target' = %s",
        [alertname, PLAN, TARGET],
    )
    return None if not found else str(found[0][0])


def test_an_off_track_target_asks_its_owner_and_the_explanation_answers(
    start_service: StartService, database_url: str, auth: dict[str, str]
) -> None:
    owner_key = agency_key(
        database_url, LEAD, ["tam_duong"], ["online_public_service_usage"], ["report", "alerts"]
    )
    with http_recorder() as leader, http_recorder() as owner:
        subscribe(database_url, leader.url("/leader"))
        owner_sub = subscribe(database_url, owner.url("/owner"), owner=LEAD)
        ingest = start_service("ingest")
        start_service("scoring")
        alerts = start_service("alerts", **ENV)
        # Tam Đường stalls: half a point in five months where the path asks 0.7 a month
        post(ingest, auth, {5: 40.0, 2: 40.3, 1: 40.4})

        [asked] = wait_for(lambda: heard(owner, "ExplanationRequested", "firing"), 90)
        assert asked["labels"]["owner"] == LEAD
        assert asked["labels"]["target"] == TARGET
        summary = asked["annotations"]["summary"]
        assert summary.startswith("Đề nghị giải trình: ")
        assert f"tháng {month(1).month}/{month(1).year}" in summary
        assert "POST /v1/explanations" in asked["annotations"]["description"]
        wait_for(lambda: heard(leader, "TargetOffTrack", "firing"), 60)

        answer = httpx.post(
            f"{ingest.url}/v1/explanations",
            json={
                "explanations": [
                    {
                        "plan": PLAN,
                        "target": TARGET,
                        "period": str(month(1)),
                        "done": "Đưa 120 thủ tục lên Cổng dịch vụ công toàn trình.",
                        "difficulties": "Người dân vùng sâu chưa quen nộp hồ sơ trực tuyến.",
                        "next_actions": "Tổ công nghệ số cộng đồng hướng dẫn tại 40 xã.",
                    }
                ]
            },
            headers={"Authorization": f"Bearer {owner_key}"},
        )
        assert answer.status_code == 201, answer.text

        wait_for(lambda: heard(owner, "ExplanationRequested", "resolved"), 60)
        assert state(database_url, "ExplanationRequested") == "resolved"
        assert state(database_url, "TargetOffTrack") == "firing"  # explained, not mended

        # the history answers for both notifications: to the owner's subscription, delivered
        def history() -> list[tuple[object, ...]]:
            answer = httpx.get(
                f"{alerts.url}/v1/alerts/{asked['fingerprint']}/notifications", headers=auth
            )
            assert answer.status_code == 200, answer.text
            sent = answer.json()["notifications"]
            return [(n["subscription_id"], n["status"], n["delivery"]) for n in sent]

        wait_for(lambda: all(d == "delivered" for *_, d in history()), 30)
        assert history() == [
            (str(owner_sub), "firing", "delivered"),
            (str(owner_sub), "resolved", "delivered"),
        ]
    assert not {a["labels"]["alertname"] for a in told(leader)} & OWNER_ALERTS


def test_an_overdue_figure_reminds_its_owner_and_holds_the_leaders_alert_until_it_arrives(
    start_service: StartService, database_url: str, bootstrap_servers: str, auth: dict[str, str]
) -> None:
    with http_recorder() as leader, http_recorder() as owner:
        # the leader's group gathers 10 s before it tells: time for the sweep (every second)
        leader_sub = subscribe(database_url, leader.url("/leader"), group_wait_s=10)
        subscribe(database_url, owner.url("/owner"), owner=LEAD)
        ingest = start_service("ingest")
        start_service("scoring")
        start_service("alerts", **ENV)
        # Another indicator reported last month, so Tam Đường as a whole is not silent.
        post(ingest, auth, {1: 30.0}, indicator="cashless_transaction_share")
        # Off track five to three months ago, as scoring judged each month when it came (a
        # figure that old arriving today is judged stale instead), then nothing: two months
        # ago's figure was due by the end of last month.
        asyncio.run(ensure_topics(BrokerSettings(kafka_bootstrap_servers=bootstrap_servers)))
        history = drifting([str(month(back)) for back in (5, 4, 3)])
        asyncio.run(produce(bootstrap_servers, topics.SCORES, history))

        [overdue] = wait_for(lambda: heard(owner, "ReportOverdue", "firing"), 90)
        assert overdue["labels"]["owner"] == LEAD
        assert f"tháng {month(2).month}/{month(2).year}" in overdue["annotations"]["summary"]
        # the reminder can come first: the sweep finds the figure owed by the plan's target
        # alone, while alerts may still be reading the history's scores
        wait_for(lambda: state(database_url, "TargetOffTrack") == "firing", 60)
        # the leader's group has been looked at, past its wait, and told nothing
        flushed = (
            "SELECT count(*) FROM notification_groups g, alerts a"
            " WHERE a.labels->>'alertname' = 'TargetOffTrack'"
            " AND g.subscription_id = %s AND g.flush_at > a.fired_at + interval '10 seconds'"
        )
        wait_for(lambda: rows(database_url, flushed, [leader_sub])[0][0], 60)
        assert not heard(leader, "TargetOffTrack", "firing")

        post(ingest, auth, {2: 60.0, 1: 62.0})  # the figure arrives, and last month's

        wait_for(lambda: heard(owner, "ReportOverdue", "resolved"), 60)
        wait_for(lambda: state(database_url, "TargetOffTrack") == "resolved", 60)
        assert state(database_url, "ReportOverdue") == "resolved"
    assert not heard(leader, "TargetOffTrack", "firing")
    assert not {a["labels"]["alertname"] for a in told(leader)} & OWNER_ALERTS
