"""Batch consumption on top of FastStream, and the metadata every published message carries."""

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TypeAlias

import psycopg
import stamina
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import BatchSubscriber
from google.protobuf.timestamp_pb2 import Timestamp

from chiso_core import collector
from chiso_core.contracts.v1 import common_pb2, observation_pb2

Record: TypeAlias = ConsumerRecord[bytes, bytes]
_TRANSIENT = (psycopg.OperationalError, KafkaError, OSError)
BatchHandler = Callable[[Sequence[Record]], Awaitable[None]]


def now() -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(datetime.now(UTC))
    return stamp


ID_LENGTH = 36  # a message id: a UUID's text
# where its 32 hex digits stand among its characters (the rest are dashes), which digit says its
# version (4: random), and which its variant (10xx in the first two bits)
_DIGITS = tuple(at for at in range(ID_LENGTH) if at not in (8, 13, 18, 23))
_VERSION, _VARIANT = 14, 19
_TO_VARIANT = bytes.maketrans(b"0123456789abcdef", b"89ab" * 4)


def _uuid_texts(n: int) -> bytearray:
    """n random (version 4) UUIDs' texts end to end, from one read of the system's randomness:
    a uuid4() per message of a thousand-item batch costs more than encoding the message. They
    are written a character place at a time (a strided copy each), not a UUID at a time."""
    digits = os.urandom(16 * n).hex().encode()
    text = bytearray(b"-" * (ID_LENGTH * n))
    for digit, at in enumerate(_DIGITS):
        text[at::ID_LENGTH] = digits[digit::32]
    text[_VERSION::ID_LENGTH] = b"4" * n
    text[_VARIANT::ID_LENGTH] = text[_VARIANT::ID_LENGTH].translate(_TO_VARIANT)
    return text


def message_ids(n: int) -> list[str]:
    """n random (version 4) UUIDs as text, for messages made together."""
    texts = _uuid_texts(n).decode()
    return [texts[i : i + ID_LENGTH] for i in range(0, len(texts), ID_LENGTH)]


def new_meta(
    producer: str, produced_at: Timestamp | None = None, message_id: str | None = None
) -> common_pb2.Meta:
    """`produced_at` may be shared by the messages of one batch, and their ids made at once."""
    return common_pb2.Meta(
        message_id=message_id or str(uuid.uuid4()),
        produced_at=produced_at or now(),
        producer=producer,
    )


def refused(
    producer: str, origin: str, key: bytes, payload: bytes, reason: str
) -> tuple[bytes, observation_pb2.Rejected]:
    """The audit copy of anything refused, for the rejected topic: the one builder of it."""
    return key, observation_pb2.Rejected(
        meta=new_meta(producer), origin=origin, key=key, payload=payload, reason=reason
    )


def rejected(producer: str, record: Record, reason: str) -> tuple[bytes, observation_pb2.Rejected]:
    """The audit copy of a message that could not be processed, keyed like the original."""
    origin = f"{record.topic}/{record.partition}/{record.offset}"
    return refused(producer, origin, record.key or b"", record.value or b"", reason)


async def _undecoded(message: KafkaMessage) -> None:
    """No body: `handle` decodes the records itself. FastStream's own decoder makes a message
    object of each record and tries it as JSON: 6 % of the scoring service's time under its
    bench (docs/operations.md, "Capacity")."""


async def consume_batches(
    broker: KafkaBroker,
    topic: str,
    *,
    group_id: str,
    max_records: int,
    batch_timeout_ms: int,
    handle: BatchHandler,
    consumers: int = 1,
) -> list[BatchSubscriber]:
    """At-least-once batch consumption on a started broker: offsets are committed only after
    `handle` returned. Returns the members, consuming.

    A transient failure (database or broker away) is retried with back-off; if it lasts, the
    partitions are rewound to the batch's first records and it is delivered again. `handle` must
    therefore be idempotent, and deal with poison messages itself.

    `consumers` members of the group in this process, each with partitions of its own: a
    batch holds records of one partition (the client drains one partition at a time), so one
    consumer's batches run one after another, and while one waits on the database another's
    can use the process.
    """

    async def on_batch(body: None, message: KafkaMessage) -> None:
        raw = message.raw_message
        records = raw if isinstance(raw, tuple) else (raw,)
        async for attempt in stamina.retry_context(
            on=_TRANSIENT, attempts=None, timeout=60, wait_max=5
        ):
            # paused for each attempt, not the retries: it runs while a retry waits
            with attempt, collector.paused():
                await handle(records)

    members = []
    for _ in range(consumers):  # a subscriber each, so an aiokafka consumer each
        member = broker.subscriber(
            topic,
            group_id=group_id,
            batch=True,
            max_records=max_records,
            batch_timeout_ms=batch_timeout_ms,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_undecoded,
        )
        member(on_batch)
        members.append(member)
    # Started together, not as the broker starts its subscribers (one after another): a member's
    # start waits until the group has given it partitions, so members started in turn join in
    # turn, and each join is a rebalance that stops the members already consuming until it
    # ends — 5 s a join on the embedded broker (Tansu), and as many rebalances as members.
    # Together, they join in one (docs/operations.md, "How it scales").
    await asyncio.gather(*(member.start() for member in members))
    return members
