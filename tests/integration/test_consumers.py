"""Consumers side by side in one process (chiso_core.messaging.consume_batches, `consumers`):
each member of the group holds partitions of its own, a batch that waits (on the database, here
on an event the test holds) holds up its own member's partitions only, and the members' start
stops none of them. Over the real broker."""

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from chiso_core.broker import ensure_topics, make_broker
from chiso_core.messaging import Record, consume_batches
from chiso_core.settings import BrokerSettings
from tests.kafka_io import produce_to

PARTITIONS = 3


def assignments(members: Sequence[Any]) -> list[set[int]]:
    """The partitions each member (a FastStream subscriber, its aiokafka consumer) holds now."""
    consumers: list[AIOKafkaConsumer | None] = [member.consumer for member in members]
    return [{tp.partition for tp in c.assignment()} if c else set() for c in consumers]


async def until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


@pytest.mark.parametrize("consumers", [2, 3])
async def test_a_waiting_batch_holds_up_only_its_own_members_partitions(
    bootstrap_servers: str, consumers: int
) -> None:
    settings = BrokerSettings(
        kafka_bootstrap_servers=bootstrap_servers, topic_partitions=PARTITIONS
    )
    topic = f"consumers-{uuid.uuid4().hex[:8]}"
    await ensure_topics(settings, [topic])
    broker = make_broker(settings, client_id="test-consumers")
    handled: list[tuple[int, bytes]] = []
    release = asyncio.Event()
    held = -1  # the partition whose batches wait for `release`

    async def handle(records: Sequence[Record]) -> None:
        if any(r.partition == held for r in records):
            await release.wait()
        handled.extend((r.partition, r.value or b"") for r in records)

    await broker.start()
    try:
        members = await consume_batches(
            broker,
            topic,
            group_id=f"group-{topic}",
            max_records=10,
            batch_timeout_ms=20,
            handle=handle,
            consumers=consumers,
        )
        assert len(members) == consumers

        def shared() -> bool:
            """Every partition held by one member, none by two, and every member holding some
            while there are partitions enough."""
            owners = assignments(members)
            held_by = sorted(p for owned in owners for p in owned)
            busy = sum(1 for owned in owners if owned)
            return held_by == list(range(PARTITIONS)) and busy == min(consumers, PARTITIONS)

        await until(shared, 30, "the group's partitions shared among its members")
        owners = assignments(members)
        held = next(iter(owners[0]))
        others = sorted(p for a in owners[1:] for p in a)
        await produce_to(bootstrap_servers, topic, [(held, b"waits")])
        await produce_to(bootstrap_servers, topic, [(p, f"on {p}".encode()) for p in others])
        await until(
            lambda: {p for p, _ in handled} == set(others),
            30,
            "the other members' partitions handled while one batch waits",
        )
        assert (held, b"waits") not in handled
        release.set()
        await until(lambda: (held, b"waits") in handled, 30, "the waiting batch handled")
    finally:
        release.set()
        await broker.stop()


@pytest.mark.parametrize("consumers", [2, 3])
async def test_the_members_start_without_stopping_each_other(
    bootstrap_servers: str, consumers: int
) -> None:
    """Members started one after another join the group one after another, and each join is a
    rebalance that stops the members already consuming until it ends (5 s on the embedded
    broker). Started together, they join once: no partition's batches pause while they start.
    A partition each, so that a member's pauses are not its other partitions' batches."""
    settings = BrokerSettings(kafka_bootstrap_servers=bootstrap_servers, topic_partitions=consumers)
    topic = f"consumers-{uuid.uuid4().hex[:8]}"
    await ensure_topics(settings, [topic])
    # enough for each partition's batches to last longer than a rebalance would stop them
    per_partition = 200
    await produce_to(
        bootstrap_servers,
        topic,
        [(p, f"{p}/{k}".encode()) for k in range(per_partition) for p in range(consumers)],
    )
    broker = make_broker(settings, client_id="test-consumers")
    batches: dict[int, list[float]] = {p: [] for p in range(consumers)}
    done = asyncio.Event()
    handled = 0

    async def handle(records: Sequence[Record]) -> None:
        nonlocal handled
        await asyncio.sleep(0.15)  # a batch's work, the loop free meanwhile
        for partition in {r.partition for r in records}:
            batches[partition].append(time.perf_counter())
        handled += len(records)
        if handled >= per_partition * consumers:
            done.set()

    await broker.start()
    try:
        await consume_batches(
            broker,
            topic,
            group_id=f"group-{topic}",
            max_records=5,
            batch_timeout_ms=20,
            handle=handle,
            consumers=consumers,
        )
        await asyncio.wait_for(done.wait(), 90)
    finally:
        await broker.stop()
    pauses = {p: max(b - a for a, b in pairwise(times)) for p, times in batches.items()}
    assert max(pauses.values()) < 2.5, pauses
