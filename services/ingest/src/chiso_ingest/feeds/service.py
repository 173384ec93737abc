"""Wiring of `chiso ingest feeds`: every configured feed polled on its schedule, with /healthz,
/readyz and /metrics served beside them; or, with --once, one poll of each and exit."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta

import httpx
import structlog
from fastapi import FastAPI

from chiso_core.broker import ensure_topics
from chiso_core.catalog.store import CatalogCache
from chiso_core.checks import today_in_vietnam
from chiso_core.db import make_pool
from chiso_core.http import ops_router, service_app
from chiso_core.publisher import Publisher
from chiso_core.readiness import broker_and_database_ready
from chiso_core.settings import FeedsSettings
from chiso_ingest.feeds.config import Feed, load_feeds
from chiso_ingest.feeds.poller import Outcome, Poller
from chiso_ingest.ingestor import Ingestor

log = structlog.get_logger(__name__)


@asynccontextmanager
async def pollers(
    settings: FeedsSettings, feeds: list[Feed], today: Callable[[], date] = today_in_vietnam
) -> AsyncIterator[list[Poller]]:
    """The pollers, with the pool, producer, HTTP client and intake they share opened and
    closed; `today` fixes what "today" is, for tests."""
    await ensure_topics(settings)
    pool = make_pool(settings)
    async with (
        pool,
        Publisher(settings, client_id="chiso-ingest-feeds") as publisher,
        # Redirects are not followed: the feed's secret header would go along to wherever the
        # redirect points (a 3xx fails the poll, naming the status; fix the URL).
        httpx.AsyncClient(follow_redirects=False) as client,
    ):
        ingestor = Ingestor(
            publisher,
            pool,
            CatalogCache(pool, settings.catalog_ttl_s),
            settings.publish_timeout_s,
            timedelta(seconds=settings.held_ttl_s),
            today,
        )
        yield [Poller(feed, client, pool, ingestor) for feed in feeds]


async def poll_once(settings: FeedsSettings) -> dict[str, Outcome]:
    """One poll of every feed (at the same time); the outcome of each."""
    feeds = load_feeds(settings.feeds_dir)
    async with pollers(settings, feeds) as running:
        outcomes = await asyncio.gather(*(p.poll() for p in running))
    return {feed.name: outcome for feed, outcome in zip(feeds, outcomes, strict=True)}


def create_app(settings: FeedsSettings) -> FastAPI:
    feeds = load_feeds(settings.feeds_dir)  # a bad configuration stops the start, not a poll
    ready: list[Poller] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with pollers(settings, feeds) as running:
            ready.extend(running)
            tasks = [asyncio.create_task(p.run(), name=p.feed.name) for p in running]
            log.info("feeds polling", feeds=[f.name for f in feeds], port=settings.http_port)
            yield
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def is_ready() -> bool:
        # The pollers share one producer and one pool: the first one's stand for all.
        return (
            bool(ready)
            and await broker_and_database_ready(ready[0].ingestor.publisher.ping, ready[0].pool)()
        )

    app = service_app(settings, title="chiso feeds", version="1", lifespan=lifespan)
    app.include_router(ops_router(is_ready))
    return app
