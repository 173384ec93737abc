"""The demo stops a consumer only once its group has read all the broker holds for it (the
embedded broker keeps nothing across a restart), read from a real broker: a group that catches
up is waited for, one that does not is given up on at the timeout with what it left, a service
that has stopped is not waited for, and one that reads nothing is stopped at once."""

import asyncio
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from chiso_core.broker import ensure_topics
from chiso_core.settings import BrokerSettings
from chiso_devstack.processes import ServiceProcess

HELD = 3  # messages on the topic


async def _fill(bootstrap: str, topic: str) -> None:
    await ensure_topics(BrokerSettings(kafka_bootstrap_servers=bootstrap), [topic])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for n in range(HELD):
            await producer.send_and_wait(topic, b"x", partition=n % 2)
    finally:
        await producer.stop()


async def _catch_up(bootstrap: str, group: str, topic: str) -> None:
    """The group commits the end of every partition, as a consumer that read them all."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit({tp: OffsetAndMetadata(end, "") for tp, end in ends.items()})
    finally:
        await consumer.stop()


@pytest.fixture
def service(bootstrap_servers: str, tmp_path: Path) -> Iterator[ServiceProcess]:
    """A running process standing in for a consumer of a topic that holds HELD messages."""
    topic, group = f"drain-{uuid.uuid4().hex[:8]}", f"group-{uuid.uuid4().hex[:8]}"
    asyncio.run(_fill(bootstrap_servers, topic))
    consumer = ServiceProcess("scoring", 0, {}, tmp_path / "log", (group, topic))
    consumer.proc = subprocess.Popen(["sleep", "120"])
    yield consumer
    consumer.proc.kill()
    consumer.proc.wait()


def _timed(service: ServiceProcess, bootstrap: str, timeout: float) -> tuple[int, float]:
    started = time.monotonic()
    left = service.drain(bootstrap, timeout)
    return left, time.monotonic() - started


def test_a_group_that_catches_up_is_waited_for(
    service: ServiceProcess, bootstrap_servers: str
) -> None:
    reads = service.reads
    assert reads is not None
    later = threading.Timer(1.5, lambda: asyncio.run(_catch_up(bootstrap_servers, *reads)))
    later.start()
    left, took = _timed(service, bootstrap_servers, 30)
    later.join()
    assert left == 0
    assert 1.5 <= took < 30


def test_a_group_that_does_not_is_given_up_on_at_the_timeout(
    service: ServiceProcess, bootstrap_servers: str
) -> None:
    left, took = _timed(service, bootstrap_servers, 1.0)
    assert left == HELD
    assert took >= 1.0


def test_a_stopped_service_is_not_waited_for(
    service: ServiceProcess, bootstrap_servers: str
) -> None:
    assert service.proc is not None
    service.proc.kill()
    service.proc.wait()
    left, took = _timed(service, bootstrap_servers, 30)
    assert left == HELD
    assert took < 10  # one reading, not the timeout


def test_a_service_that_reads_nothing_is_not_waited_for(
    bootstrap_servers: str, tmp_path: Path
) -> None:
    ingest = ServiceProcess("ingest", 0, {}, tmp_path / "log")
    ingest.proc = subprocess.Popen(["sleep", "120"])
    try:
        left, took = _timed(ingest, bootstrap_servers, 30)
        assert left == 0
        assert took < 1  # not the timeout
    finally:
        ingest.proc.kill()
        ingest.proc.wait()
