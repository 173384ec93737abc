"""The lag the consumers export: high watermark minus the group's committed offset, per partition,
read from a real broker; and the arithmetic for every case of a partition (pure)."""

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import REGISTRY

from chiso_core import topics
from chiso_core.broker import ensure_topics
from chiso_core.lag import LagProbe, lag
from chiso_core.settings import BrokerSettings


@pytest.mark.parametrize(
    ("end", "start", "committed", "expected"),
    [
        (10, 0, None, 10),  # the group never committed: everything it holds
        (10, 4, None, 6),  # ... from its first offset, not from 0
        (10, 0, 7, 3),
        (10, 0, 10, 0),
        (10, 0, 12, 0),  # a watermark behind a commit: never negative
        (0, 0, None, 0),
    ],
)
def test_lag_of_one_partition(end: int, start: int, committed: int | None, expected: int) -> None:
    committed_offsets = {} if committed is None else {0: committed}
    assert lag({0: end}, {0: start}, committed_offsets) == {0: expected}


def _sample(group: str, partition: int) -> float | None:
    return REGISTRY.get_sample_value(
        "chiso_consumer_lag",
        {"group": group, "topic": topics.OBSERVATIONS, "partition": str(partition)},
    )


async def test_the_probe_reports_what_the_group_has_not_committed(bootstrap_servers: str) -> None:
    settings = BrokerSettings(kafka_bootstrap_servers=bootstrap_servers)
    await ensure_topics(settings)
    group = f"lag-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        for n in range(5):
            await producer.send_and_wait(topics.OBSERVATIONS, b"x", partition=0, key=b"%d" % n)
        await producer.send_and_wait(topics.OBSERVATIONS, b"y", partition=1, key=b"y")
    finally:
        await producer.stop()
    probe = LagProbe(settings, group, topics.OBSERVATIONS)

    await probe.run_once()
    assert (_sample(group, 0), _sample(group, 1), _sample(group, 2)) == (5, 1, 0)

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partition = TopicPartition(topics.OBSERVATIONS, 0)
        consumer.assign([partition])
        await consumer.commit({partition: OffsetAndMetadata(3, "")})
    finally:
        await consumer.stop()
    await probe.run_once()
    assert (_sample(group, 0), _sample(group, 1)) == (2, 1)
