"""Killing scoring mid-batch, then restarting it, leaves exactly one observation row and one
score per input: offsets are committed only after the database transaction, and writes are
idempotent."""

import asyncio
import time
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from chiso_core import topics
from tests.e2e.conftest import StartService
from tests.e2e.support import count, monthly_figures

N = 200


def figures() -> list[dict[str, Any]]:
    return monthly_figures(N // 6 + 1, 2020, 30.0, 0.1)[:N]


async def committed_everything(bootstrap: str, group_id: str) -> bool:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = [
            TopicPartition(topics.OBSERVATIONS, p)
            for p in consumer.partitions_for_topic(topics.OBSERVATIONS) or []
        ]
        ends = await consumer.end_offsets(tps)
        behind = [tp for tp in tps if (await consumer.committed(tp) or 0) < ends[tp]]
        return bool(tps) and not behind
    finally:
        await consumer.stop()


@pytest.mark.parametrize("failpoint", ["scoring.before_commit", "scoring.after_commit"])
def test_a_killed_scoring_process_loses_and_duplicates_nothing(
    start_service: StartService,
    database_url: str,
    bootstrap_servers: str,
    failpoint: str,
    auth: dict[str, str],
) -> None:
    ingest = start_service("ingest")
    doomed = start_service("scoring", CHISO_FAILPOINTS=failpoint, CHISO_GROUP_ID="scoring-crash")
    answer = httpx.post(
        f"{ingest.url}/v1/observations",
        json={"observations": figures()},
        headers=auth,
        timeout=30,
    )
    assert answer.status_code == 202, answer.text

    assert doomed.proc is not None
    assert doomed.proc.wait(timeout=60) == -9, (
        "the failpoint should have killed scoring with SIGKILL"
    )
    stored_at_crash = count(database_url, "SELECT count(*) FROM observations")
    if failpoint == "scoring.before_commit":
        assert stored_at_crash == 0, "the killed transaction must leave nothing"
    else:
        assert stored_at_crash > 0, "the first batch was committed before the kill"

    start_service("scoring", CHISO_GROUP_ID="scoring-crash")
    deadline = time.monotonic() + 60
    while not asyncio.run(committed_everything(bootstrap_servers, "scoring-crash")):
        assert time.monotonic() < deadline, "the restarted scoring did not catch up"
        time.sleep(0.3)

    assert count(database_url, "SELECT count(*) FROM observations") == N
    assert count(database_url, "SELECT count(DISTINCT message_id) FROM observations") == N
    assert count(database_url, "SELECT count(*) FROM scores") == N
