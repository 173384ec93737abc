"""The Kafka broker factory and topic set-up, for any Kafka-protocol broker."""

from collections.abc import Iterable

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY

from chiso_core import topics
from chiso_core.settings import BrokerSettings

log = structlog.get_logger(__name__)

_PROMETHEUS = KafkaPrometheusMiddleware(registry=REGISTRY, app_name="chiso")


def make_broker(settings: BrokerSettings, client_id: str) -> KafkaBroker:
    """A broker whose every publish waits for all in-sync replicas (acks=all).

    No idempotent producer (not every Kafka-protocol broker grants producer ids); a duplicate
    from a producer retry is absorbed downstream, where writes are idempotent.
    """
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=client_id,
        acks="all",
        middlewares=[_PROMETHEUS],
        logger=None,
    )


async def ensure_topics(settings: BrokerSettings, names: Iterable[str] = topics.ALL) -> list[str]:
    """Creates the topics that are missing; returns the names it created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names if name not in existing]
        if missing:
            await admin.create_topics(
                [
                    NewTopic(
                        name,
                        num_partitions=settings.topic_partitions,
                        replication_factor=settings.topic_replication_factor,
                    )
                    for name in missing
                ]
            )
            log.info("topics created", topics=missing)
        return missing
    finally:
        await admin.close()
