"""Nothing acknowledged is lost: the broker stops answering in the middle of a stream of
requests to the ingest process, then comes back; every item answered 202 is on the topic, and
every request that could not be acknowledged was answered 503 with Retry-After.

The broker is stopped with SIGSTOP and continued with SIGCONT: to the service that is a broker
gone away (connections hang, nothing is acknowledged), and the embedded broker, which keeps its
log in memory, still holds what it acknowledged, so it can be counted once it is back.
"""

import asyncio
import signal
from pathlib import Path
from typing import Any

import httpx

from chiso_core import topics
from chiso_core.contracts.v1 import observation_pb2
from chiso_devstack.embedded import EmbeddedBroker, free_port
from tests.e2e.conftest import StartService
from tests.kafka_io import read_topic

PER_REQUEST = 10
REQUESTS = 24
STOPPED = range(8, 12)  # the requests sent while the broker is stopped


def batch(n: int) -> list[dict[str, Any]]:
    """Ten figures no other request sends: distinct periods, so none is 'unchanged'."""
    return [
        {
            "indicator": "online_public_service_usage",
            "jurisdiction": "tam_duong",
            "period": f"{2000 + (n * PER_REQUEST + i) // 12}-{(n * PER_REQUEST + i) % 12 + 1:02d}",
            "value": 40.0,
        }
        for i in range(PER_REQUEST)
    ]


def test_every_acknowledged_item_arrives_and_the_rest_are_503(
    start_service: StartService, tmp_path: Path, auth: dict[str, str]
) -> None:
    broker = EmbeddedBroker(free_port(), tmp_path / "own-broker.log").start()
    assert broker.proc is not None
    try:
        ingest = start_service(
            "ingest",
            CHISO_KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
            CHISO_PUBLISH_TIMEOUT_S="2",
        )
        answers: list[httpx.Response] = []
        with httpx.Client(base_url=ingest.url, headers=auth, timeout=30) as client:
            for n in range(REQUESTS):
                if n == STOPPED.start:
                    broker.proc.send_signal(signal.SIGSTOP)
                if n == STOPPED.stop:
                    broker.proc.send_signal(signal.SIGCONT)
                answers.append(client.post("/v1/observations", json={"observations": batch(n)}))

        codes = [a.status_code for a in answers]
        assert set(codes) <= {202, 503}, codes
        assert [codes[n] for n in STOPPED] == [503] * len(STOPPED), codes
        assert codes[: STOPPED.start] == [202] * STOPPED.start, codes
        assert codes[-1] == 202, f"the service did not recover once the broker was back: {codes}"
        for a in answers:
            if a.status_code == 503:
                assert int(a.headers["retry-after"]) > 0
        acknowledged = {
            item["message_id"]
            for a in answers
            if a.status_code == 202
            for item in a.json()["items"]
        }
        assert len(acknowledged) == PER_REQUEST * codes.count(202)

        records = asyncio.run(read_topic(broker.bootstrap_servers, topics.OBSERVATIONS))
        arrived = {
            observation_pb2.Observation.FromString(r.value or b"").meta.message_id for r in records
        }
        assert acknowledged <= arrived, f"{len(acknowledged - arrived)} acknowledged items lost"
    finally:
        broker.proc.send_signal(signal.SIGCONT)
        broker.stop()
