"""A batch of items through to the broker: the I/O around the pure steps of `intake`. The one
ingestor every way a figure comes in goes through (the JSON API, file uploads, feeds)."""

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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
from chiso_core.checks import Checked, Held, Rejected, today_in_vietnam
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.db import within
from chiso_core.messaging import message_ids, refused
from chiso_core.metrics import at_zero
from chiso_core.problems import ApiError, Problem, retry_later
from chiso_core.publisher import Publisher
from chiso_core.words import refusals
from chiso_core.words.problems import Lang
from chiso_ingest import intake, store
from chiso_ingest.convert import to_messages
from chiso_ingest.intake import Accepted, Item, Outcome, Unreadable, Verdict

log = structlog.get_logger(__name__)
OUTCOMES = ("accepted", "unchanged", "held", "rejected")
ITEMS = at_zero(
    Counter("chiso_ingest_items", "Figures received, by outcome", ["outcome"]),
    outcome=OUTCOMES,
)


def _as_sent(item: Item) -> bytes:
    try:
        return orjson.dumps(item.as_sent(), default=str)
    except TypeError:  # an integer beyond 64 bits, which orjson refuses and JSON allows
        return json.dumps(item.as_sent(), default=str).encode()


def reason(item: Item, outcome: Unreadable | Rejected) -> str:
    """Why an item was refused, as the rejected topic carries it: in Vietnamese, each problem
    naming its field as the API's answer does."""
    return "; ".join(f"{item.path(i.field)}: {i.text.vi}" for i in outcome.issues)


def audit(
    item: Item, outcome: Unreadable | Rejected, agency: str, origin: str
) -> tuple[bytes, observation_pb2.Rejected]:
    """The audit copy of a refused item, keyed by the agency that sent it."""
    key = agency.encode()
    return refused("ingest", f"{origin} {item.where}", key, _as_sent(item), reason(item, outcome))


@dataclass(frozen=True)
class Request:
    """Who sent the items, how, and what they asked for."""

    agency: Agency
    channel: str  # api, file, feed
    origin: str  # names the request and who sent it in audits
    dry_run: bool = False
    lang: Lang = "vi"
    whole: bool = True  # 403 when no item is within scope (an API request), else each rejected

    @property
    def source(self) -> str:
        return f"{self.channel}:{self.agency.name}"


class Ingestor:
    def __init__(
        self,
        publisher: Publisher,
        pool: AsyncConnectionPool,
        catalog: CatalogCache,
        publish_timeout_s: float,
        held_for: timedelta,
        today: Callable[[], date] = today_in_vietnam,
    ) -> None:
        self.publisher, self.pool, self.catalog = publisher, pool, catalog
        self.publish_timeout_s, self.held_for, self.today = publish_timeout_s, held_for, today

    async def current_catalog(self) -> Catalog:
        try:
            return await self.catalog.get()
        except (psycopg.Error, PoolTimeout) as e:
            raise retry_later(refusals.CATALOG_AWAY) from e

    async def ingest(self, items: Sequence[Item], request: Request) -> dict[str, Any]:
        """The import summary, once every published message was acknowledged."""
        catalog = await self.current_catalog()
        verdicts = self._checked(items, catalog, request)
        outcomes, were_held = await self._judged(items, verdicts, request)
        if not request.dry_run:
            await self._publish(items, outcomes, request)
            await self._settle(outcomes, were_held, request)
        result = intake.summary(items, outcomes, request.dry_run, request.lang)
        if not request.dry_run:
            for outcome in OUTCOMES:
                ITEMS.labels(outcome).inc(result[outcome])
        return result

    def _checked(self, items: Sequence[Item], catalog: Catalog, request: Request) -> list[Verdict]:
        """Every item checked and kept to the agency's scope; 403 only when no item is in it."""
        intake.read(items)
        agency = request.agency
        today, allowed = self.today(), agency.subtree(catalog)
        verdicts: list[Verdict] = []
        outside = 0
        for item in items:
            verdict = intake.checked(item, catalog, today)
            sent = item.parsed.jurisdiction if item.parsed is not None else ""
            scoped = intake.in_scope(verdict, agency, allowed, sent)
            outside += scoped is not verdict
            verdicts.append(scoped)
        if request.whole and items and outside == len(items):
            problems = [
                Problem.model_validate(p)
                for item, v in zip(items, verdicts, strict=True)
                if isinstance(v, Rejected)
                for p in intake.problems(item, v, request.lang)
            ]
            raise ApiError(403, refusals.OUTSIDE_SCOPE_NOTHING_PUBLISHED, problems)
        return verdicts

    async def _judged(
        self, items: Sequence[Item], verdicts: list[Verdict], request: Request
    ) -> tuple[list[Outcome], set[intake.PointKey]]:
        """Weighed against their series (unless confirmed), compared with the latest stored;
        and the points where the agency has a figure held."""
        figures = [v for v in verdicts if isinstance(v, Checked)]
        points = [intake.point(c) for c in figures]
        found = await self._stored(points, request.agency.name)
        weighed = []
        for item, verdict in zip(items, verdicts, strict=True):
            confirmed = False
            if isinstance(verdict, Checked) and item.parsed is not None and item.parsed.confirm:
                sent = (verdict.value, verdict.numerator, verdict.denominator)
                confirmed = found.held.get(intake.point(verdict)) == sent
            weighed.append(intake.weighed(verdict, found.history, confirmed))
        ids = message_ids(len(weighed))
        passed = [v if isinstance(v, Checked) else None for v in weighed]
        messages = to_messages(passed, request.source, None, ids)
        return intake.decide(weighed, found.latest, messages, ids), set(found.held)

    async def _stored(self, points: list[intake.PointKey], agency: str) -> store.Stored:
        """What the batch is judged against; without the database every figure counts as
        new and none is weighed (nothing is lost: a re-sent figure makes no revision in
        scoring either)."""
        try:
            return await within(self.pool, lambda conn: store.stored_for(conn, agency, points))
        except (psycopg.Error, PoolTimeout) as e:
            log.warning("stored figures not read; none weighed or unchanged", error=repr(e))
            return store.Stored({}, {}, {})

    async def _publish(
        self, items: Sequence[Item], outcomes: Sequence[Outcome], request: Request
    ) -> None:
        accepted = [o.message for o in outcomes if isinstance(o, Accepted)]
        refused = [
            audit(i, o, request.agency.name, request.origin)
            for i, o in zip(items, outcomes, strict=True)
            if isinstance(o, Unreadable | Rejected)
        ]
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                await asyncio.gather(
                    self.publisher.publish(topics.OBSERVATIONS, accepted),
                    self.publisher.publish_rejected(refused),
                )
        except (KafkaError, OSError, TimeoutError) as e:
            log.warning("broker did not acknowledge", error=repr(e), items=len(accepted))
            raise retry_later(refusals.BROKER_DID_NOT_ACKNOWLEDGE) from e

    async def _settle(
        self, outcomes: Sequence[Outcome], were_held: set[intake.PointKey], request: Request
    ) -> None:
        """Held figures kept; those confirmed or corrected by a published figure released."""
        held = [o for o in outcomes if isinstance(o, Held)]
        released = [intake.point(o.checked) for o in outcomes if isinstance(o, Accepted)]
        if not held and not were_held.intersection(released):
            return
        try:
            await within(
                self.pool,
                lambda conn: store.settle(
                    conn, request.agency.name, request.source, released, held, self.held_for
                ),
            )
        except (psycopg.Error, PoolTimeout) as e:
            raise retry_later(refusals.DATABASE_AWAY) from e
