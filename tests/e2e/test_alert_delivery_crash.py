"""Killing the alerts service in the middle of delivery, then restarting it, delivers every
notification to the subscribers' webhook, none lost, and none more than once again."""

import asyncio
import json
import time

import psycopg
import pytest

from chiso_core import topics
from chiso_core.broker import ensure_topics
from chiso_core.settings import BrokerSettings
from tests.alerting import drifting, nobody_owes, recent_months, subscribe
from tests.e2e.conftest import StartService
from tests.http_recorder import http_recorder
from tests.kafka_io import produce

SUBSCRIBERS = 12
ENV = {
    "CHISO_WEBHOOK_ALLOW_NETS": json.dumps(["127.0.0.0/8"]),
    "CHISO_DISPATCH_INTERVAL_S": "0.2",
    "CHISO_DELIVERY_TIMEOUT_S": "1",  # a lease of 3 s: the restarted service retries soon
    "CHISO_SWEEP_INTERVAL_S": "3600",
    "CHISO_GROUP_ID": "alerts-crash",
}


def rows(database_url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(query).fetchall()


@pytest.mark.parametrize("kill", ["while_sending", "alerts.before_send", "alerts.after_send"])
def test_a_killed_sender_loses_no_notification(
    start_service: StartService, database_url: str, bootstrap_servers: str, kill: str
) -> None:
    asyncio.run(ensure_topics(BrokerSettings(kafka_bootstrap_servers=bootstrap_servers)))
    nobody_owes(database_url)
    with http_recorder(delay_s=1.0 if kill == "while_sending" else 0.0) as hook:
        for _ in range(SUBSCRIBERS):
            subscribe(database_url, hook.url("/hook"), filters={"rules": ["status"]})
        failpoint = {} if kill == "while_sending" else {"CHISO_FAILPOINTS": kill}
        doomed = start_service("alerts", **ENV, **failpoint)
        asyncio.run(produce(bootstrap_servers, topics.SCORES, drifting(recent_months(3))))
        assert doomed.proc is not None
        if kill == "while_sending":
            deadline = time.monotonic() + 60
            while not hook.received():
                assert time.monotonic() < deadline, "no notification was ever sent"
                time.sleep(0.02)
            doomed.proc.kill()
            hook.delay_s = 0  # the receiver recovers too: the restarted service's sends land
        assert doomed.proc.wait(timeout=60) == -9
        pending = rows(database_url, "SELECT count(*) FROM notification_outbox")[0][0]
        assert pending == SUBSCRIBERS, "every notification was queued before the kill"

        start_service("alerts", **ENV)
        received = hook.wait_for(SUBSCRIBERS, timeout_s=60)
        deadline = time.monotonic() + 30
        while rows(database_url, "SELECT count(*) FROM notification_outbox")[0][0]:
            assert time.monotonic() < deadline, "the outbox was not emptied"
            time.sleep(0.1)

    # One notification per subscriber, each under its own key; a repeat only for the ones the
    # killed process had sent without recording it.
    keys = hook.keys()
    assert len(keys) == SUBSCRIBERS
    assert max(keys.values()) <= 2
    if kill == "alerts.before_send":
        assert max(keys.values()) == 1
    if kill == "alerts.after_send":
        assert set(keys.values()) == {2}
    sent = rows(
        database_url,
        "SELECT notification_key FROM notification_log WHERE outcome = 'sent'",
    )
    assert {k for (k,) in sent} == set(keys)
    assert {r.json()["status"] for r in received} == {"firing"}
    assert {r.path for r in received} == {"/hook"}
