"""Consumer lag, exported by the consumers themselves: for each partition of the topic a group
reads, the high watermark minus the offset the group committed.

Why here and not a Kafka exporter beside the broker: the number is the one the services commit
(after their database transaction), it needs no extra process in compose, Kubernetes or the
embedded stack, and every replica reports the whole group's lag, so the figure survives the
member that owns a partition being stuck or gone. Dashboards and rules take the `max` per
partition over the replicas (each reports the same value) before summing.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge

from chiso_core.settings import BrokerSettings

LAG = Gauge(
    "chiso_consumer_lag",
    "Messages of a partition the consumer group has not committed yet",
    ["group", "topic", "partition"],
)


def lag(
    ends: Mapping[int, int], starts: Mapping[int, int], committed: Mapping[int, int]
) -> dict[int, int]:
    """Partition → messages not committed. A partition the group never committed lags by all it
    holds (from its first offset); never below 0 (a broker can report a watermark briefly behind
    a commit)."""
    return {
        p: max(end - (committed[p] if committed.get(p, -1) >= 0 else starts.get(p, 0)), 0)
        for p, end in ends.items()
    }


async def read(servers: str, group: str, topic: str) -> dict[int, int]:
    """The group's `lag` on each partition of the topic, read from the broker (an empty map
    while the topic does not exist). Clients are opened per call, so a broker restart between
    calls costs nothing."""
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await consumer.start()
    try:
        await admin.start()
        await consumer.topics()  # fetches the cluster's metadata: the topic's partitions
        partitions = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return {}
        offsets = await admin.list_consumer_group_offsets(group, partitions=partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
    finally:
        await admin.close()
        await consumer.stop()
    return lag(
        {tp.partition: n for tp, n in ends.items()},
        {tp.partition: n for tp, n in starts.items()},
        {tp.partition: meta.offset for tp, meta in offsets.items()},
    )


@dataclass(frozen=True)
class LagProbe:
    """One round: `read` the group's lag, set LAG."""

    settings: BrokerSettings
    group: str
    topic: str

    async def run_once(self) -> int:
        by_partition = await read(self.settings.kafka_bootstrap_servers, self.group, self.topic)
        for partition, messages in by_partition.items():
            LAG.labels(self.group, self.topic, str(partition)).set(messages)
        return 0  # never "busy": the loop waits its interval between rounds
