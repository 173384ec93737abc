"""Wiring of the ingest service: HTTP API → validated protobuf → chiso.observations.v1."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
import structlog
from aiokafka.errors import KafkaError
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import Counter
from psycopg_pool import PoolTimeout

from chiso_core import topics
from chiso_core.broker import ensure_topics
from chiso_core.catalog.api import catalog_router
from chiso_core.catalog.store import CatalogCache
from chiso_core.db import make_pool
from chiso_core.http import ops_router, service_app
from chiso_core.publisher import Publisher
from chiso_core.readiness import broker_and_database_ready
from chiso_core.settings import IngestSettings
from chiso_core.telemetry import configure_logging
from chiso_ingest.convert import check, to_message
from chiso_ingest.errors import error_response, on_validation_error
from chiso_ingest.limits import BodySizeLimit
from chiso_ingest.models import BatchAccepted, ErrorResponse, ItemResult, ObservationBatch, Problem

log = structlog.get_logger(__name__)

ITEMS = Counter("chiso_ingest_items", "Observations received over HTTP, by outcome", ["outcome"])
RETRY_AFTER_S = "5"

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "malformed JSON",
        413: "body or item count over the limit",
        422: "an item is invalid; nothing was published",
        503: "the broker did not acknowledge; nothing may be assumed stored: retry",
    }.items()
}


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    settings = settings or IngestSettings()
    configure_logging(settings)
    publisher = Publisher(settings, client_id="chiso-ingest")
    pool = make_pool(settings)
    catalog = CatalogCache(pool, settings.catalog_ttl_s)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings)
        await pool.open(wait=True)
        await publisher.start()
        log.info("ingest ready", port=settings.http_port)
        yield
        await publisher.stop()
        await pool.close()

    app = service_app(
        title="chiso ingest API",
        summary="Agencies report indicator figures; each is published to chiso.observations.v1.",
        version="1",
        lifespan=lifespan,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_exception_handler(RequestValidationError, on_validation_error)

    app.include_router(ops_router(broker_and_database_ready(publisher.ping, pool)))
    app.include_router(catalog_router(catalog.get))

    @app.post(
        "/v1/observations",
        status_code=202,
        response_model=BatchAccepted,
        responses=_ERRORS,
        tags=["observations"],
        summary="Report a batch of figures",
    )
    async def post_observations(batch: ObservationBatch) -> BatchAccepted | JSONResponse:
        """All or nothing: 202 once the broker acknowledged every item, otherwise no item counts."""
        if len(batch.observations) > settings.max_items:
            return error_response(
                413,
                "too many observations",
                [
                    Problem(
                        field="observations",
                        problem=f"at most {settings.max_items} items per request",
                    )
                ],
            )
        try:
            current = await catalog.get()
        except (psycopg.Error, PoolTimeout):
            return error_response(
                503,
                "the catalog is not available; retry later",
                [],
                **{"Retry-After": RETRY_AFTER_S},
            )
        problems = [
            p
            for i, item in enumerate(batch.observations)
            for p in check(item, current, f"observations[{i}]")
        ]
        if problems:
            ITEMS.labels("rejected").inc(len(batch.observations))
            return error_response(422, "invalid observations", problems)
        messages = [to_message(item, current, source="api") for item in batch.observations]
        try:
            async with asyncio.timeout(settings.publish_timeout_s):
                await publisher.publish(topics.OBSERVATIONS, messages)
        except (KafkaError, OSError, TimeoutError) as e:
            log.warning("broker did not acknowledge", error=repr(e), items=len(messages))
            return error_response(
                503,
                "the broker did not acknowledge the batch; retry later",
                [],
                **{"Retry-After": RETRY_AFTER_S},
            )
        ITEMS.labels("accepted").inc(len(messages))
        return BatchAccepted(
            accepted=len(messages),
            items=[
                ItemResult(index=i, status="accepted", message_id=m.meta.message_id)
                for i, (_, m) in enumerate(messages)
            ],
        )

    return app
