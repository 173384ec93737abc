"""Batched, acknowledged publishing straight through the Kafka client.

Services publish thousands of messages per request or batch: sent through the client's own
accumulator they go out in a few produce requests, where a per-message framework call (with its
middlewares) would cost more than the send itself.
"""

import asyncio
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Self

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, ProducerClosed
from google.protobuf.message import Message
from prometheus_client import Counter

from chiso_core import topics
from chiso_core.settings import BrokerSettings

PUBLISHED = Counter("chiso_published_messages", "Messages the broker acknowledged", ["topic"])


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
        futures = [
            await self.producer.send(topic, message.SerializeToString(), key=key)
            for key, message in items
        ]
        await asyncio.gather(*futures)
        PUBLISHED.labels(topic).inc(len(futures))
        return len(futures)

    async def publish_rejected(self, items: Sequence[tuple[bytes, Message]]) -> None:
        if items:
            await self.publish(topics.OBSERVATIONS_REJECTED, items)
