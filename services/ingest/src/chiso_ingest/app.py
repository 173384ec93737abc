"""Wiring of the ingest service: agencies' HTTP API → checked protobuf → chiso.observations.v1."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any

import orjson
import psycopg
import structlog
from fastapi import Depends, FastAPI, Header, Query, Request, UploadFile
from fastapi.responses import Response
from psycopg_pool import PoolTimeout
from pydantic import ValidationError

from chiso_core.access.agencies import Agency, Permission
from chiso_core.access.auth import Authenticator
from chiso_core.broker import ensure_topics
from chiso_core.catalog.api import catalog_router
from chiso_core.catalog.store import CatalogCache
from chiso_core.db import make_pool, within
from chiso_core.guards import KeyBeforeBody
from chiso_core.http import ops_router, service_app
from chiso_core.problems import (
    ApiError,
    ErrorResponse,
    Problem,
    add_problem_handlers,
    problem_of,
    retry_later,
)
from chiso_core.publisher import Publisher
from chiso_core.readiness import broker_and_database_ready
from chiso_core.settings import IngestSettings
from chiso_core.telemetry import configure_logging
from chiso_ingest import files, idempotency
from chiso_ingest.files import FileLimits
from chiso_ingest.ingestor import Ingestor
from chiso_ingest.intake import Item
from chiso_ingest.models import Envelope, ImportSummary, ObservationBatch, ObservationIn
from chiso_ingest.parsing import FileReader
from chiso_ingest.ratelimit import RateLimit

log = structlog.get_logger(__name__)
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "malformed JSON, or a form that cannot be read",
        401: "no API key, or an unknown or revoked one",
        403: "the key may not report figures, or an item is outside its jurisdictions or "
        "indicators; nothing was published",
        413: "body or item count over the limit",
        409: "this Idempotency-Key was used for another request",
        422: "the body is not a batch of observations (a single bad item is rejected in the "
        "summary instead)",
        429: "over the key's rate limit: retry after Retry-After seconds",
        503: "the broker did not acknowledge; nothing may be assumed stored: retry",
    }.items()
}
_SUMMARIES: dict[int | str, dict[str, Any]] = {
    202: {"model": ImportSummary, "description": "every accepted item was acknowledged"},
    200: {"model": ImportSummary, "description": "dry_run: checked only, nothing published"},
}
_BATCH_SCHEMA = {
    "type": "object",
    "required": ["observations"],
    "additionalProperties": False,
    "properties": {
        "observations": {"type": "array", "minItems": 1, "items": ObservationIn.model_json_schema()}
    },
}
DryRun = Annotated[bool, Query(description="check every item, publish nothing")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="a retry with the same key gets the first answer (kept for a day)",
    ),
]


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON)


def _items(body: bytes) -> list[Item]:
    """The batch's items: read whole in one pass when every item fits (the usual case), else
    item by item, so that each bad one is rejected on its own."""
    try:
        batch = ObservationBatch.model_validate_json(body)
        return [Item(i, None, parsed=o) for i, o in enumerate(batch.observations)]
    except ValidationError:
        pass
    try:
        raw = Envelope.model_validate_json(body).observations
        return [Item(i, data) for i, data in enumerate(raw)]
    except ValidationError as e:
        errors = e.errors()
        malformed = any(err["type"] == "json_invalid" for err in errors)
        raise ApiError(
            400 if malformed else 422,
            "malformed JSON" if malformed else "not a batch of observations",
            [problem_of(err) for err in errors],
        ) from e


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    settings = settings or IngestSettings()
    configure_logging(settings)
    publisher = Publisher(settings, client_id="chiso-ingest")
    pool = make_pool(settings, autocommit=True)  # every statement here stands alone
    catalog = CatalogCache(pool, settings.catalog_ttl_s)
    ingestor = Ingestor(publisher, pool, catalog, settings.publish_timeout_s)
    authenticate = Authenticator(pool, settings, Permission.REPORT)
    rate_limit = RateLimit(settings.rate_limit_per_s, settings.rate_limit_burst)
    remember_for = timedelta(seconds=settings.idempotency_ttl_s)
    reader = FileReader(
        FileLimits(
            max_rows=settings.file_max_rows,
            max_columns=settings.file_max_columns,
            max_cell_chars=settings.file_max_cell_chars,
            max_unpacked_bytes=settings.file_max_unpacked_bytes,
            budget_s=settings.file_read_budget_s,
        ),
        settings.file_readers,
        settings.file_queue,
    )

    async def agency(found: Annotated[Agency, Depends(authenticate)]) -> Agency:
        if wait := rate_limit.take(found.key_id):
            raise ApiError(
                429,
                f"over this key's rate limit of {settings.rate_limit_per_s:g} requests/s",
                headers={"Retry-After": str(wait)},
            )
        return found

    Caller = Annotated[Agency, Depends(agency)]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings)
        await pool.open(wait=True)
        await publisher.start()
        log.info("ingest ready", port=settings.http_port)
        yield
        await publisher.stop()
        await pool.close()
        reader.close()

    app = service_app(
        settings,
        title="chiso ingest API",
        summary="Agencies report indicator figures; each is published to chiso.observations.v1.",
        version="1",
        lifespan=lifespan,
    )
    app.add_middleware(KeyBeforeBody, check=authenticate.check)
    add_problem_handlers(app, "invalid observations")

    app.include_router(ops_router(broker_and_database_ready(publisher.ping, pool)))
    app.include_router(catalog_router(catalog.get))

    async def once(
        caller: Agency,
        key: str | None,
        request: bytes,
        answer: Callable[[], Awaitable[dict[str, Any]]],
        dry_run: bool,
    ) -> Response:
        """The answer, or with an Idempotency-Key the first answer given to that key."""
        if key is None:
            return _json(200 if dry_run else 202, await answer())
        try:
            kept = await within(pool, lambda conn: idempotency.recall(conn, caller.key_id, key))
            if kept is not None:
                digest, status, body = kept
                if digest != request:
                    raise ApiError(
                        409,
                        "this Idempotency-Key was used for another request",
                        [Problem(field="Idempotency-Key", problem="use a new key for new data")],
                    )
                return Response(body, status_code=status, media_type=JSON)
            status, body = 200 if dry_run else 202, orjson.dumps(await answer())
            await within(
                pool,
                lambda conn: idempotency.remember(
                    conn, caller.key_id, key, request, status, body, remember_for
                ),
            )
        except (psycopg.Error, PoolTimeout) as e:
            log.warning("idempotency store unavailable", error=repr(e))
            raise retry_later("the database is not available; retry later") from e
        return Response(body, status_code=status, media_type=JSON)

    def _count(items: int) -> None:
        if items > settings.max_items:
            raise ApiError(
                413,
                "too many observations",
                [
                    Problem(
                        field="observations",
                        problem=f"at most {settings.max_items} items per request",
                    )
                ],
            )

    @app.post(
        "/v1/observations",
        status_code=202,
        response_model=ImportSummary,
        responses={**_SUMMARIES, **_ERRORS},
        openapi_extra={
            "requestBody": {"required": True, "content": {JSON: {"schema": _BATCH_SCHEMA}}}
        },
        tags=["observations"],
        summary="Report a batch of figures",
    )
    async def post_observations(
        request: Request,
        caller: Caller,
        dry_run: DryRun = False,
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        """Each item is accepted, unchanged or rejected (with its reasons); the valid items of
        a batch count even when others are rejected. 202 once the broker acknowledged every
        accepted item (and the audit copy of every rejected one)."""
        body = await request.body()
        items = _items(body)
        _count(len(items))
        return await once(
            caller,
            idempotency_key,
            idempotency.request_hash(b"json", str(dry_run).encode(), body),
            lambda: ingestor.ingest(
                items, caller, dry_run=dry_run, channel="api", origin="POST /v1/observations"
            ),
            dry_run,
        )

    @app.post(
        "/v1/observations/file",
        status_code=202,
        response_model=ImportSummary,
        responses={**_SUMMARIES, **_ERRORS},
        tags=["observations"],
        summary="Upload a CSV or Excel (.xlsx) file of figures",
    )
    async def post_file(
        file: UploadFile,
        caller: Caller,
        dry_run: DryRun = False,
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        """The template's columns (GET /v1/templates/observations.xlsx or .csv); the same
        summary as a JSON batch, each item with its row number, every problem naming its row."""
        content = await file.read()
        name = (file.filename or "").lower()
        items = await reader.read(name, content)
        _count(len(items))
        return await once(
            caller,
            idempotency_key,
            idempotency.request_hash(name.encode(), str(dry_run).encode(), content),
            lambda: ingestor.ingest(
                items, caller, dry_run=dry_run, channel="file", origin=f"upload {file.filename}"
            ),
            dry_run,
        )

    template_responses: dict[int | str, dict[str, Any]] = {
        401: _ERRORS[401],
        429: _ERRORS[429],
        503: _ERRORS[503],
    }

    @app.get(
        "/v1/templates/observations.xlsx",
        response_class=Response,
        responses={200: {"content": {XLSX: {}}}, **template_responses},
        tags=["observations"],
        summary="The Excel template for this key: its indicators and jurisdictions filled in",
    )
    async def xlsx_template(caller: Caller) -> Response:
        return Response(
            files.template_xlsx(caller, await ingestor.current_catalog()),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="observations.xlsx"'},
        )

    @app.get(
        "/v1/templates/observations.csv",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}}, **template_responses},
        tags=["observations"],
        summary="The CSV template for this key: its indicators and jurisdictions filled in",
    )
    async def csv_template(caller: Caller) -> Response:
        return Response(
            files.template_csv(caller, await ingestor.current_catalog()),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="observations.csv"'},
        )

    return app
