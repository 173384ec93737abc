"""The shape every consumer service shares: a FastStream batch subscriber inside a FastAPI app
that serves /healthz, /readyz and /metrics, with the broker and the pool opened in its lifespan,
and any periodic loops the service runs beside it."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

import structlog
from fastapi import APIRouter, FastAPI
from prometheus_client import Gauge
from psycopg_pool import AsyncConnectionPool

from chiso_core.broker import ensure_topics, make_broker
from chiso_core.db import make_pool
from chiso_core.guards import Deadline, KeyBeforeBody
from chiso_core.http import ops_router, service_app
from chiso_core.lag import LagProbe
from chiso_core.messaging import BatchHandler, consume_batches
from chiso_core.publisher import Publisher
from chiso_core.readiness import broker_and_database_ready, dependency_probe
from chiso_core.settings import ConsumerSettings
from chiso_core.telemetry import configure_logging

log = structlog.get_logger(__name__)

# A loop that stops succeeding (the stale sweep, the outbox) says so on /metrics: the alerting
# rules compare the last success with the loop's own interval.
LOOP_INTERVAL = Gauge("chiso_loop_interval_seconds", "How often a loop runs", ["loop"])
LOOP_LAST_SUCCESS = Gauge(
    "chiso_loop_last_success_timestamp_seconds", "When a round of the loop last succeeded", ["loop"]
)


@dataclass(frozen=True)
class Loop:
    """Work done every `interval_s` (sooner while `run_once` finds something: it returns a
    count of what it did)."""

    name: str
    interval_s: float
    run_once: Callable[[], Awaitable[int]]

    async def run(self) -> None:
        LOOP_INTERVAL.labels(self.name).set(self.interval_s)
        while True:
            try:
                busy = await self.run_once() > 0
                LOOP_LAST_SUCCESS.labels(self.name).set_to_current_time()
            except Exception:  # the next round retries; a loop that dies would stop silently
                log.exception("loop round failed", loop=self.name)
                busy = False
            await asyncio.sleep(0 if busy else self.interval_s)


@dataclass(frozen=True)
class Parts:
    handle: BatchHandler
    routers: Sequence[APIRouter] = ()
    loops: Sequence[Loop] = ()
    # The routers' key check on a raw Authorization header, run before any body is read.
    key_check: Callable[[str | None, str], Awaitable[object]] | None = None
    # The collaborators the routers' handlers take from `app.state.wiring` (module-level
    # handlers with injected dependencies, as the ingest app's).
    wiring: object | None = None


def consumer_app(
    name: str,
    topic: str,
    settings: ConsumerSettings,
    build: Callable[[AsyncConnectionPool, Publisher], Parts],
) -> FastAPI:
    """`build` makes the service's batch handler, its own HTTP routes and its loops from the
    pool and the publisher this function opens and closes."""
    configure_logging(settings)
    broker = make_broker(settings, client_id=f"chiso-{name}")
    pool = make_pool(settings)
    publisher = Publisher(settings, client_id=f"chiso-{name}")
    parts = build(pool, publisher)
    lag = LagProbe(settings, settings.group_id, topic)
    probe = dependency_probe(lambda: broker.ping(timeout=None), pool)
    loops = [
        *parts.loops,
        Loop("consumer-lag", settings.lag_interval_s, lag.run_once),
        Loop("dependencies", settings.lag_interval_s, probe),
    ]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings)
        await pool.open(wait=True)
        await publisher.start()
        await broker.start()
        await consume_batches(
            broker,
            topic,
            group_id=settings.group_id,
            max_records=settings.batch_max_records,
            batch_timeout_ms=settings.batch_timeout_ms,
            handle=parts.handle,
            consumers=settings.consumers,
        )
        tasks = [asyncio.create_task(loop.run(), name=loop.name) for loop in loops]
        log.info(f"{name} ready", group_id=settings.group_id, topic=topic)
        yield
        for task in tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await broker.stop()
        await publisher.stop()
        await pool.close()

    app = service_app(settings, title=f"chiso {name}", version="1", lifespan=lifespan)
    app.include_router(
        ops_router(broker_and_database_ready(lambda: broker.ping(timeout=None), pool))
    )
    for router in parts.routers:
        app.include_router(router)
    if parts.wiring is not None:
        app.state.wiring = parts.wiring
    # The routes of these services are each a few database round trips.
    app.add_middleware(Deadline, timeout_s=settings.db_timeout_s)
    if parts.key_check is not None:
        app.add_middleware(KeyBeforeBody, check=parts.key_check)
    return app
