"""Scale-out, proven: two scoring and two alerts processes share their consumer groups; one of
each is SIGKILLed mid-stream. The survivors take over the partitions: every figure is stored
once, every score once, and every notification reaches the subscriber under its own
Idempotency-Key. The time from the kill until each group has committed everything is printed."""

import asyncio
import json
import time
from typing import Any

import httpx
import psycopg
from prometheus_client import REGISTRY

from chiso_core import topics
from chiso_core.broker import ensure_topics
from chiso_core.lag import LagProbe
from chiso_core.settings import BrokerSettings
from tests.alerting import nobody_owes, subscribe
from tests.e2e.conftest import StartService
from tests.e2e.support import count, monthly_figures, wait_for
from tests.http_recorder import http_recorder

SMALL_BATCHES = {"CHISO_BATCH_MAX_RECORDS": "20", "CHISO_BATCH_TIMEOUT_MS": "20"}
ALERTS_ENV = {
    **SMALL_BATCHES,
    "CHISO_WEBHOOK_ALLOW_NETS": json.dumps(["127.0.0.0/8"]),
    "CHISO_DISPATCH_INTERVAL_S": "0.2",
    "CHISO_DELIVERY_TIMEOUT_S": "1",
    "CHISO_SWEEP_INTERVAL_S": "3600",
    "CHISO_GROUP_ID": "alerts-scale",
}


def lag(bootstrap: str, group: str, topic: str) -> float:
    """The group's lag as the consumers export it (chiso_core.lag), summed over partitions."""
    asyncio.run(
        LagProbe(BrokerSettings(kafka_bootstrap_servers=bootstrap), group, topic).run_once()
    )
    return sum(
        s.value
        for metric in REGISTRY.collect()
        if metric.name == "chiso_consumer_lag"
        for s in metric.samples
        if s.labels["group"] == group and s.labels["topic"] == topic
    )


def test_two_of_each_one_killed_mid_stream(
    start_service: StartService, database_url: str, bootstrap_servers: str, auth: dict[str, str]
) -> None:
    asyncio.run(ensure_topics(BrokerSettings(kafka_bootstrap_servers=bootstrap_servers)))
    nobody_owes(database_url)
    figures = monthly_figures(100, 2016, 30.0, 0.1)  # 3 provinces x 2 indicators x 100 months
    n = len(figures)
    scoring_env = {**SMALL_BATCHES, "CHISO_GROUP_ID": "scoring-scale"}
    with http_recorder() as hook:
        subscribe(database_url, hook.url("/hook"))
        # Started together (each joins its group meanwhile), then waited for.
        processes = [
            start_service("ingest", wait=False),
            *(start_service("scoring", wait=False, **scoring_env) for _ in range(2)),
            *(start_service("alerts", wait=False, **ALERTS_ENV) for _ in range(2)),
        ]
        for process in processes:
            process.wait_ready()
        ingest, doomed_scoring, _, doomed_alerts, _ = processes

        def post(part: list[dict[str, Any]]) -> None:
            answer = httpx.post(
                f"{ingest.url}/v1/observations",
                json={"observations": part},
                headers=auth,
                timeout=60,
            )
            assert answer.status_code == 202, answer.text
            assert answer.json()["accepted"] == len(part)

        # The first half of every series' months, the kill once a quarter is stored, then the
        # second half: the stream goes on after the kill whatever the machine's speed (one fast
        # enough had stored all of a single request before the test first looked).
        periods = sorted({f["period"] for f in figures})
        halfway = periods[len(periods) // 2]
        post([f for f in figures if f["period"] < halfway])
        stored = "SELECT count(*) FROM observations"
        wait_for(lambda: count(database_url, stored) >= n // 4, 60, "a quarter stored")
        for doomed in (doomed_scoring, doomed_alerts):
            assert doomed.proc is not None
            doomed.proc.kill()
        killed_at = time.monotonic()
        at_kill = count(database_url, stored)
        post([f for f in figures if f["period"] >= halfway])

        wait_for(lambda: count(database_url, stored) == n, 80, "every figure stored")
        wait_for(lambda: lag(bootstrap_servers, "scoring-scale", topics.OBSERVATIONS) == 0, 30, "")
        scoring_s = time.monotonic() - killed_at
        wait_for(lambda: lag(bootstrap_servers, "alerts-scale", topics.SCORES) == 0, 60, "")
        alerts_s = time.monotonic() - killed_at
        outbox = "SELECT count(*) FROM notification_outbox"
        wait_for(lambda: count(database_url, outbox) == 0, 30, "outbox emptied")
        print(
            f"\nscale-out: killed at {at_kill}/{n} stored; scoring group caught up "
            f"{scoring_s:.1f} s after the kill, alerts group {alerts_s:.1f} s"
        )

    assert count(database_url, "SELECT count(DISTINCT message_id) FROM observations") == n
    assert count(database_url, "SELECT count(*) FROM scores") == n
    with psycopg.connect(database_url) as conn:
        log = "SELECT notification_key FROM notification_log WHERE outcome = 'sent'"
        sent = {key for (key,) in conn.execute(log).fetchall()}
    keys = hook.keys()
    assert sent, "no notification was decided: the alerts half proved nothing"
    assert set(keys) == sent
    # At-least-once to the receiver: a repeat only for what the killed process had in flight,
    # under the same key, so the subscriber drops it.
    repeats = sum(k - 1 for k in keys.values())
    print(f"scale-out: {len(sent)} notifications, {repeats} repeated under their key")
    assert repeats <= 50
