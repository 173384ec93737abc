"""Batched, acknowledged publishing straight through the Kafka client.

Services publish thousands of messages per request or batch: they are appended to one record
batch per partition and handed to the client whole, where a send() per message (a future, a
partitioner call and a lookup each) would cost more than the encoding itself.
"""

import asyncio
import functools
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any, Self

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, MessageSizeTooLargeError, ProducerClosed
from aiokafka.partitioner import DefaultPartitioner
from google.protobuf.message import Message
from prometheus_client import Counter

from chiso_core import topics
from chiso_core.metrics import at_zero
from chiso_core.settings import BrokerSettings
from chiso_core.turns import in_turns

PUBLISHED = at_zero(
    Counter("chiso_published_messages", "Messages the broker acknowledged", ["topic"]),
    topic=topics.ALL,
)


def _read_outcome(future: "asyncio.Future[Any]") -> None:
    if not future.cancelled():
        future.exception()


@functools.lru_cache(maxsize=65_536)
def partition_of(key: bytes, partitions: tuple[int, ...]) -> int:
    """The partition the Java client (and aiokafka's send) picks for a key: murmur2. Keys repeat
    (a province and an indicator), and the pure-Python hash is slow: each is hashed once."""
    partition: int = DefaultPartitioner()(key, list(partitions), list(partitions))
    return partition


class Publisher:
    def __init__(self, settings: BrokerSettings, client_id: str) -> None:
        self._settings = settings
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    @property
    def producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise ProducerClosed("the publisher is not started")
        return self._producer

    async def start(self) -> None:
        # Made here, not in __init__: the client binds to the running event loop.
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._settings.kafka_bootstrap_servers,
            client_id=self._client_id,
            acks="all",  # acknowledged by every in-sync replica
            linger_ms=2,
            max_batch_size=1 << 20,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def ping(self) -> bool:
        try:
            await self.producer.client.fetch_all_metadata()
        except (KafkaError, OSError):
            return False
        return True

    async def publish(self, topic: str, items: Iterable[tuple[bytes, Message]]) -> int:
        """Sends every message and returns once the broker acknowledged all of them.

        Raises the first send error; a caller that gets one must treat every item as
        unacknowledged (a retry is safe: consumers drop what they already have).
        """
        producer = self.producer
        futures: list[asyncio.Future[Any]] = []
        try:
            count = await self._send_batches(producer, topic, items, futures)
            await asyncio.gather(*futures)
        except BaseException:
            # With the batch API the caller reads every batch's outcome; one left unread would
            # be logged (and its traceback formatted) whenever it is collected.
            for future in futures:
                future.add_done_callback(_read_outcome)
            raise
        PUBLISHED.labels(topic).inc(count)
        return count

    @staticmethod
    async def _send_batches(
        producer: AIOKafkaProducer,
        topic: str,
        items: Iterable[tuple[bytes, Message]],
        futures: list[asyncio.Future[Any]],
    ) -> int:
        """Appends the messages to one batch per partition, hands each to the client as it is
        full or at the end, and collects their futures; returns how many messages went."""
        partitions = tuple(sorted(await producer.partitions_for(topic)))
        open_batches: dict[int, Any] = {}
        count = 0
        async for key, message in in_turns(items):
            partition = partition_of(key, partitions)
            value = message.SerializeToString()
            batch = open_batches.get(partition)
            if batch is None or batch.append(key=key, value=value, timestamp=None) is None:
                if batch is not None:  # full: sent as it is, in order, and a new one begun
                    futures.append(await producer.send_batch(batch, topic, partition=partition))
                batch = open_batches[partition] = producer.create_batch()
                if batch.append(key=key, value=value, timestamp=None) is None:
                    raise MessageSizeTooLargeError(f"a message of {len(value)} bytes")
            count += 1
        for partition, batch in open_batches.items():
            futures.append(await producer.send_batch(batch, topic, partition=partition))
        return count

    async def publish_rejected(self, items: Sequence[tuple[bytes, Message]]) -> None:
        if items:
            await self.publish(topics.OBSERVATIONS_REJECTED, items)
