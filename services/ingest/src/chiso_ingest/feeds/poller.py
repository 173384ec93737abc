"""One feed's poll: fetch if changed → every row through the one intake (checked, kept to the
feed's scope, weighed, compared with the latest stored; published in batches) → advance the
cursor.

The cursor advances only after the broker acknowledged every observation and every rejected
row: a failure anywhere before that leaves it where it was, and the next attempt fetches and
publishes the same document again (consumers drop what they already have).
"""

import asyncio
import hashlib
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

from chiso_core.access.agencies import Agency
from chiso_core.metrics import at_zero
from chiso_core.problems import ApiError
from chiso_ingest.feeds import cursors
from chiso_ingest.feeds.config import Feed, FeedError
from chiso_ingest.feeds.cursors import Cursor
from chiso_ingest.feeds.fetch import Document, TransientFetchError, fetch
from chiso_ingest.feeds.rows import records, to_items
from chiso_ingest.ingestor import Ingestor, Request

log = structlog.get_logger(__name__)

FETCHES = Counter("chiso_feed_fetches", "Polls of a feed, by outcome", ["feed", "outcome"])
ROWS = Counter(
    "chiso_feed_observations", "Rows of a feed published, by outcome", ["feed", "outcome"]
)
LAST_SUCCESS = Gauge(
    "chiso_feed_last_success_timestamp_seconds", "When a poll of the feed last succeeded", ["feed"]
)

_TRANSIENT = (
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


def _unavailable(error: Exception) -> bool:
    """The intake's "retry later": the broker or the database away."""
    return isinstance(error, ApiError) and error.status == 503


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class Poller:
    feed: Feed
    client: httpx.AsyncClient
    pool: AsyncConnectionPool
    ingestor: Ingestor

    def _backoff(self, error: Exception) -> bool | float:
        """Whether to retry, or how long to wait when the server said (Retry-After)."""
        if isinstance(error, TransientFetchError) and error.retry_after_s is not None:
            return min(error.retry_after_s, self.feed.retry.max_s)
        return isinstance(error, _TRANSIENT) or _unavailable(error)

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
        except (FeedError, ApiError, *_TRANSIENT) as e:
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

    @property
    def agency(self) -> Agency:
        """The feed as the agency its figures come from, with the feed's scope."""
        scope = self.feed.scope
        return Agency(self.feed.name, "feed", scope.jurisdictions, scope.indicators, frozenset())

    async def _publish(self, document: Document) -> tuple[int, int]:
        """Every row through the one intake, in batches: (published, rejected)."""
        catalog = await self.ingestor.current_catalog()
        items = to_items(self.feed, records(self.feed, document.body), catalog)
        request = Request(self.agency, "feed", f"feed:{self.feed.name}", whole=False)
        published = rejected = 0
        for chunk in _chunks(items, self.feed.batch_size):
            result = await self.ingestor.ingest(chunk, request)
            published += result["accepted"]
            rejected += result["rejected"]
        return published, rejected
