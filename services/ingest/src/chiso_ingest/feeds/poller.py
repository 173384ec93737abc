"""One feed's poll: fetch if changed → check every row → publish in batches → advance the cursor.

The cursor advances only after the broker acknowledged every observation and every rejected
row: a failure anywhere before that leaves it where it was, and the next attempt fetches and
publishes the same document again (consumers drop what they already have).
"""

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

import httpx
import psycopg
import stamina
import structlog
from aiokafka.errors import KafkaError
from prometheus_client import Counter, Gauge
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from chiso_core import topics
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.messaging import new_meta
from chiso_core.metrics import at_zero
from chiso_core.publisher import Publisher
from chiso_ingest.convert import to_message
from chiso_ingest.feeds import cursors
from chiso_ingest.feeds.config import Feed, FeedError
from chiso_ingest.feeds.cursors import Cursor
from chiso_ingest.feeds.fetch import Document, TransientFetchError, fetch
from chiso_ingest.feeds.rows import Rejected, records, to_observations

log = structlog.get_logger(__name__)

FETCHES = Counter("chiso_feed_fetches", "Polls of a feed, by outcome", ["feed", "outcome"])
ROWS = Counter(
    "chiso_feed_observations", "Rows of a feed published, by outcome", ["feed", "outcome"]
)
LAST_SUCCESS = Gauge(
    "chiso_feed_last_success_timestamp_seconds", "When a poll of the feed last succeeded", ["feed"]
)

_TRANSIENT = (
    httpx.TransportError,
    TransientFetchError,
    KafkaError,
    OSError,
    TimeoutError,
    psycopg.OperationalError,
    PoolTimeout,
)
T = TypeVar("T")


class Outcome(StrEnum):
    PUBLISHED = "published"  # a new document, its rows published
    NOT_MODIFIED = "not_modified"  # 304
    UNCHANGED = "unchanged"  # 200 with the very body already published
    FAILED = "failed"


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class Poller:
    feed: Feed
    client: httpx.AsyncClient
    pool: AsyncConnectionPool
    publisher: Publisher
    catalog: CatalogCache

    @property
    def source(self) -> str:
        return f"feed:{self.feed.name}"

    def _backoff(self, error: Exception) -> bool | float:
        """Whether to retry, or how long to wait when the server said (Retry-After)."""
        if isinstance(error, TransientFetchError) and error.retry_after_s is not None:
            return min(error.retry_after_s, self.feed.retry.max_s)
        return isinstance(error, _TRANSIENT)

    async def poll(self) -> Outcome:
        """One poll, retried with exponential back-off and jitter while the failure is
        transient; FAILED once it gives up (the next scheduled poll tries again)."""
        retry = self.feed.retry
        try:
            async for attempt in stamina.retry_context(
                on=self._backoff,
                attempts=retry.attempts,
                timeout=retry.timeout_s,
                wait_initial=retry.initial_s,
                wait_max=retry.max_s,
                wait_jitter=retry.jitter_s,
            ):
                with attempt:  # stamina logs each retry it schedules
                    outcome = await self._poll_once()
        except (FeedError, *_TRANSIENT) as e:
            # str(e), never the request: its headers hold the feed's secret.
            log.warning("feed poll failed", feed=self.feed.name, error=str(e) or repr(e))
            FETCHES.labels(self.feed.name, Outcome.FAILED).inc()
            return Outcome.FAILED
        FETCHES.labels(self.feed.name, outcome).inc()
        LAST_SUCCESS.labels(self.feed.name).set_to_current_time()
        return outcome

    async def run(self) -> None:
        """Polls on the feed's schedule until cancelled."""
        at_zero(FETCHES, feed=[self.feed.name], outcome=Outcome)
        at_zero(ROWS, feed=[self.feed.name], outcome=("published", "rejected"))
        try:
            async with self.pool.connection() as conn:
                if cursor := await cursors.read(conn, self.feed.name):
                    LAST_SUCCESS.labels(self.feed.name).set(cursor.checked_at.timestamp())
        except (psycopg.Error, PoolTimeout) as e:  # the first poll will retry the database
            log.warning("feed cursor not read at start", feed=self.feed.name, error=str(e))
        while True:
            try:
                await self.poll()
            except Exception:  # a bug in one poll must not stop the feed's schedule
                log.exception("feed poll crashed", feed=self.feed.name)
                FETCHES.labels(self.feed.name, Outcome.FAILED).inc()
            await asyncio.sleep(self.feed.every.total_seconds())

    async def _poll_once(self) -> Outcome:
        async with self.pool.connection() as conn:
            cursor = await cursors.read(conn, self.feed.name)
        document = await fetch(self.client, self.feed, cursor)
        now = datetime.now(UTC)
        digest = hashlib.sha256(document.body).digest() if document else None
        if document is None or (cursor is not None and cursor.body_sha256 == digest):
            async with self.pool.connection() as conn:
                await cursors.checked(conn, self.feed.name, now)
            outcome = Outcome.NOT_MODIFIED if document is None else Outcome.UNCHANGED
            log.info("feed has nothing new", feed=self.feed.name, outcome=str(outcome))
            return outcome
        assert digest is not None
        published, rejected = await self._publish(document)
        async with self.pool.connection() as conn:
            await cursors.advance(
                conn,
                Cursor(
                    feed=self.feed.name,
                    etag=document.etag,
                    last_modified=document.last_modified,
                    body_sha256=digest,
                    published=published,
                    rejected=rejected,
                    advanced_at=now,
                    checked_at=now,
                ),
            )
        ROWS.labels(self.feed.name, "published").inc(published)
        ROWS.labels(self.feed.name, "rejected").inc(rejected)
        log.info("feed published", feed=self.feed.name, published=published, rejected=rejected)
        return Outcome.PUBLISHED

    async def _publish(self, document: Document) -> tuple[int, int]:
        catalog = await self.catalog.get()
        rows = to_observations(self.feed, records(self.feed, document.body), catalog)
        messages = [to_message(item, catalog, source=self.source) for item in rows.accepted]
        for chunk in _chunks(messages, self.feed.batch_size):
            await self.publisher.publish(topics.OBSERVATIONS, chunk)
        audit = [self._audit(r) for r in rows.rejected]
        for rejected_chunk in _chunks(audit, self.feed.batch_size):
            await self.publisher.publish_rejected(rejected_chunk)
        return len(messages), len(audit)

    def _audit(self, row: Rejected) -> tuple[bytes, observation_pb2.Rejected]:
        return b"", observation_pb2.Rejected(
            meta=new_meta("ingest"),
            origin=f"{self.source} {row.where}",
            payload=json.dumps(row.row, ensure_ascii=False, default=str).encode(),
            reason=row.reason,
        )
