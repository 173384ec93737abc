"""One series, one writer, even when a producer breaks the key -> partition contract: 240
points are sent four times, each round correcting the one before; rounds 1 and 3 by a producer
that partitions as Kafka's Java client does (murmur2), rounds 2 and 4 at the same time by one
that partitions as librdkafka does by default (CRC32). The revisions of most points land on
different partitions, and two scoring processes of one group (two consumers each) write them at
the same time. Every figure is stored once, the latest revision is the one reported last (round
4), and the stored scores are what a rescore computes (no batch scored a series another was
writing)."""

import asyncio
import time
import zlib
from collections.abc import Callable, Sequence

import psycopg
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.partitioner import DefaultPartitioner

from chiso_core import topics
from chiso_core.catalog import Catalog
from chiso_core.settings import ScoringSettings
from chiso_scoring.rescore import rescore
from tests.e2e.conftest import StartService
from tests.e2e.test_crash_recovery import committed_everything
from tests.integration.conftest import message_of

GROUP = "scoring-two"
SERIES = [
    (jurisdiction, indicator)
    for jurisdiction in ("khanh_hoa", "tien_giang", "tam_duong")
    for indicator in ("online_public_service_usage", "cashless_transaction_share")
]
MONTHS = 40
ROUNDS = (0.0, 0.25, 0.5, 0.75)  # each round's value: 30 + month + this

Partitioner = Callable[[bytes, Sequence[int], Sequence[int]], int]


def crc32(key: bytes, every: Sequence[int], available: Sequence[int]) -> int:
    """librdkafka's default for a keyed message (consistent_random): CRC32 of the key."""
    return every[zlib.crc32(key) % len(every)]


def figures(catalog: Catalog, shift: float) -> list[tuple[bytes, bytes]]:
    return [
        (key, message.SerializeToString())
        for jurisdiction, indicator in SERIES
        for m in range(MONTHS)
        for key, message in [
            message_of(
                catalog,
                {
                    "indicator": indicator,
                    "jurisdiction": jurisdiction,
                    "period": f"{2023 + m // 12}-{m % 12 + 1:02d}",
                    "value": 30.0 + m + shift,
                },
            )
        ]
    ]


async def send(bootstrap: str, items: list[tuple[bytes, bytes]], partitioner: Partitioner) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", partitioner=partitioner)
    await producer.start()
    try:
        await asyncio.gather(
            *[await producer.send(topics.OBSERVATIONS, v, key=k) for k, v in items]
        )
    finally:
        await producer.stop()


async def both(bootstrap: str, rounds: list[list[tuple[bytes, bytes]]]) -> None:
    """Rounds 1 and 3 by murmur2 while rounds 2 and 4 go by CRC32."""

    async def by(partitioner: Partitioner, mine: list[list[tuple[bytes, bytes]]]) -> None:
        for items in mine:
            await send(bootstrap, items, partitioner)

    await asyncio.gather(by(DefaultPartitioner(), rounds[0::2]), by(crc32, rounds[1::2]))


async def members(bootstrap: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([GROUP])
        # the raw DescribeGroups reply: (error, group, state, protocol type, protocol, members)
        _, _, state, _, _, joined, *_ = response.groups[0]
        return len(joined) if state == "Stable" else 0
    finally:
        await admin.close()


def until(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def test_two_scoring_processes_never_write_one_series_at_once(
    start_service: StartService, database_url: str, bootstrap_servers: str, catalog: Catalog
) -> None:
    # two consumers each, as deployed: of the four members, one is left without a partition of
    # the three, so both processes still hold some
    scoring = [
        start_service("scoring", CHISO_GROUP_ID=GROUP, CHISO_CONSUMERS="2") for _ in range(2)
    ]
    until(lambda: asyncio.run(members(bootstrap_servers)) == 4, "both in the group")
    moved = [
        k
        for k, _ in figures(catalog, 0)[::MONTHS]
        if crc32(k, [0, 1, 2], []) != DefaultPartitioner()(k, [0, 1, 2], [0, 1, 2])
    ]
    assert moved, "CRC32 must put some keys on another partition than murmur2"

    rounds = [figures(catalog, shift) for shift in ROUNDS]  # made, so reported, in order
    asyncio.run(both(bootstrap_servers, rounds))
    until(lambda: asyncio.run(committed_everything(bootstrap_servers, GROUP)), "caught up")

    with psycopg.connect(database_url) as conn:
        reported = conn.execute(
            "SELECT count(*), count(DISTINCT message_id), array_agg(DISTINCT revision)"
            " FROM observations WHERE NOT derived"
        ).fetchone()
        latest = conn.execute(
            "SELECT DISTINCT value - floor(value) FROM observations_latest WHERE NOT derived"
        ).fetchall()
        scored = conn.execute(
            "SELECT DISTINCT actual - floor(actual) FROM scores WHERE NOT derived"
        ).fetchall()
    sent = len(ROUNDS) * len(SERIES) * MONTHS
    assert reported == (sent, sent, [1, 2, 3, 4])
    assert latest == [(ROUNDS[-1],)], "the round reported last is every point's latest"
    assert scored == [(ROUNDS[-1],)], "and the one scored"
    settings = ScoringSettings(kafka_bootstrap_servers=bootstrap_servers, database_url=database_url)
    assert asyncio.run(rescore(settings)).written == 0, "the stored scores are a rescore's"
    assert all("batch scored" in s.log_file.read_text() for s in scoring), "both wrote"
