"""A batch of items through to the broker: the I/O around the pure steps of `intake`."""

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import orjson
import psycopg
import structlog
from aiokafka.errors import KafkaError
from prometheus_client import Counter
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from chiso_core import topics
from chiso_core.access.agencies import Agency
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.db import within
from chiso_core.messaging import new_meta
from chiso_core.problems import ApiError, retry_later
from chiso_core.publisher import Publisher
from chiso_ingest import intake
from chiso_ingest.intake import Figure, Item, PointKey
from chiso_ingest.store import latest_figures

log = structlog.get_logger(__name__)
ITEMS = Counter("chiso_ingest_items", "Observations received over HTTP, by outcome", ["outcome"])


def _as_sent(item: Item) -> bytes:
    try:
        return orjson.dumps(item.as_sent(), default=str)
    except TypeError:  # an integer beyond 64 bits, which orjson refuses and JSON allows
        return json.dumps(item.as_sent(), default=str).encode()


def _audit(item: Item, agency: Agency, origin: str) -> tuple[bytes, observation_pb2.Rejected]:
    reason = "; ".join(f"{p.field}: {p.problem}" for p in item.problems)
    return agency.name.encode(), observation_pb2.Rejected(
        meta=new_meta("ingest"),
        origin=f"{origin} by {agency.name} (key {agency.key_id}) {item.where}",
        key=agency.name.encode(),
        payload=_as_sent(item),
        reason=reason,
    )


class Ingestor:
    def __init__(
        self,
        publisher: Publisher,
        pool: AsyncConnectionPool,
        catalog: CatalogCache,
        publish_timeout_s: float,
    ) -> None:
        self.publisher, self.pool, self.catalog = publisher, pool, catalog
        self.publish_timeout_s = publish_timeout_s

    async def current_catalog(self) -> Catalog:
        try:
            return await self.catalog.get()
        except (psycopg.Error, PoolTimeout) as e:
            raise retry_later("the catalog is not available; retry later") from e

    async def _latest(self, points: list[PointKey]) -> dict[PointKey, Figure]:
        """The latest stored figures; without the database every figure counts as new (a
        re-sent one then makes no revision in scoring either: nothing is lost either way)."""
        try:
            return await within(self.pool, lambda conn: latest_figures(conn, points))
        except (psycopg.Error, PoolTimeout) as e:
            log.warning("latest figures not read; none counted unchanged", error=repr(e))
            return {}

    async def ingest(
        self, items: Sequence[Item], agency: Agency, *, dry_run: bool, channel: str, origin: str
    ) -> dict[str, Any]:
        """The import summary, once every published message was acknowledged. `channel` (api,
        file) and the agency make each figure's source; `origin` names the request in audits."""
        catalog = await self.current_catalog()
        intake.read(items)
        intake.check_all(items, catalog)
        if out := intake.out_of_scope(items, catalog, agency):
            raise ApiError(403, "outside this key's scope; nothing was published", out)
        intake.to_messages(items, catalog, source=f"{channel}:{agency.name}")
        points = [i.point for i in items if i.point is not None]
        intake.decide(items, await self._latest(points))
        if not dry_run:
            await self._publish(items, agency, origin)
        result = intake.summary(items, dry_run)
        if not dry_run:
            for outcome in ("accepted", "unchanged", "rejected"):
                ITEMS.labels(outcome).inc(result[outcome])
        return result

    async def _publish(self, items: Sequence[Item], agency: Agency, origin: str) -> None:
        accepted = [i.message for i in items if i.outcome == "accepted" and i.message]
        rejected = [_audit(i, agency, origin) for i in items if i.outcome == "rejected"]
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                await asyncio.gather(
                    self.publisher.publish(topics.OBSERVATIONS, accepted),
                    self.publisher.publish_rejected(rejected),
                )
        except (KafkaError, OSError, TimeoutError) as e:
            log.warning("broker did not acknowledge", error=repr(e), items=len(accepted))
            raise retry_later(
                "the broker did not acknowledge the batch; nothing may be assumed stored: retry"
            ) from e
