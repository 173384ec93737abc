"""How many score messages a back-fill publishes: the series every plan of the repository's
catalog targets first get two recent years of monthly figures (the live feed), then 1,000 older
monthly figures arrive, spread over the series, in batches of 100, oldest page first (an archive
import). Counts the scores published on `chiso.scores.v1` during the back-fill, and the scores
judged (written or found unchanged). Prints one JSON line. Not part of the test run:
`make bench-backfill`.
"""

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psycopg
from aiokafka import ConsumerRecord
from google.protobuf.message import Message
from psycopg_pool import AsyncConnectionPool

from chiso_core import db, topics
from chiso_core.catalog import Catalog, load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_core.catalog.store import CatalogCache
from chiso_core.checks import Checked, Reported, check, today_in_vietnam
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.messaging import Record
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres, free_port
from chiso_ingest.convert import to_message
from chiso_scoring.pipeline import ScoringPipeline

CATALOG = Path(__file__).resolve().parents[1] / "catalog"


class CountingPublisher(Publisher):
    """The real publisher, counting the scores it sends."""

    scores = 0

    async def publish(self, topic: str, items: Iterable[tuple[bytes, Message]]) -> int:
        sent = await super().publish(topic, items)
        if topic == topics.SCORES:
            self.scores += sent
        return sent


def figures(
    catalog: Catalog, months: Iterable[int]
) -> list[tuple[bytes, observation_pb2.Observation]]:
    """One figure per targeted series and month (a month count), on a gentle upward line."""
    series = sorted(
        {(p.jurisdiction, t.indicator) for p in catalog.plans.values() for t in p.targets}
    )
    today = today_in_vietnam()
    messages = []
    for m in months:
        for jurisdiction, indicator in series:
            figure = Reported(
                indicator,
                jurisdiction,
                f"{m // 12}-{m % 12 + 1:02d}",
                round(20 + 0.05 * (m - 24000), 3),
            )
            checked = check(figure, catalog, today)
            if not isinstance(checked, Checked):
                raise SystemExit(f"the bench's own figure is refused: {figure}: {checked}")
            messages.append(to_message(checked, source="bench"))
    return messages


def records(items: list[tuple[bytes, observation_pb2.Observation]]) -> list[Record]:
    """As the consumer hands them over (the scores still cross the real broker)."""
    out: list[Record] = []
    for k, (key, msg) in enumerate(items):
        value = msg.SerializeToString()
        out.append(
            ConsumerRecord(
                topic=topics.OBSERVATIONS,
                partition=0,
                offset=k,
                timestamp=0,
                timestamp_type=0,
                key=key,
                value=value,
                checksum=None,
                serialized_key_size=len(key),
                serialized_value_size=len(value),
                headers=(),
            )
        )
    return out


async def drive(
    bootstrap: str, url: str, catalog: Catalog, total: int, batch: int
) -> dict[str, Any]:
    async with (
        AsyncConnectionPool(url, min_size=1, max_size=2) as pool,
        CountingPublisher(BrokerSettings(kafka_bootstrap_servers=bootstrap), "bench") as publisher,
    ):
        pipeline = ScoringPipeline(pool, publisher, CatalogCache(pool))
        live = figures(catalog, range(2024 * 12, 2026 * 12))
        await pipeline.handle(records(live))
        per_series = len(live) // 24
        months = -(-total // per_series)
        old = figures(catalog, range(2024 * 12 - months, 2024 * 12))[:total]
        publisher.scores = 0
        started = time.perf_counter()
        for start in range(0, len(old), batch):
            await pipeline.handle(records(old[start : start + batch]))
        return {
            "series": per_series,
            "live_figures": len(live),
            "backfilled": len(old),
            "batch": batch,
            "score_messages": publisher.scores,
            "seconds": round(time.perf_counter() - started, 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--figures", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        EmbeddedPostgres(
            Path(folder) / "pg", free_port(), Path(folder) / "pg.log", jobs=False
        ) as pg,
        EmbeddedBroker(free_port(), Path(folder) / "tansu.log") as broker,
    ):
        url = pg.url
        db.migrate(url)
        catalog = load_catalog(CATALOG)
        with psycopg.connect(url) as conn, conn.transaction():
            catalog_store.load(conn, catalog)
        result = asyncio.run(
            drive(broker.bootstrap_servers, url, catalog, args.figures, args.batch)
        )
    print(json.dumps({"bench": "backfill", **result}))


if __name__ == "__main__":
    main()
