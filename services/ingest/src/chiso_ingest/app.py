"""Wiring of the ingest service: agencies' HTTP API → checked protobuf → chiso.observations.v1.
Route handlers live at module level and get what they use through `Depends`; `create_app`
builds the collaborators once and assembles the app at the bottom."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError

from chiso_core.access.agencies import Agency, Permission
from chiso_core.access.auth import Authenticator
from chiso_core.broker import ensure_topics
from chiso_core.catalog.api import catalog_router
from chiso_core.catalog.store import CatalogCache
from chiso_core.checks import today_in_vietnam
from chiso_core.db import connection_or_503, make_pool
from chiso_core.guards import KeyBeforeBody
from chiso_core.http import ops_router, service_app
from chiso_core.problems import (
    ApiError,
    Problem,
    add_problem_handlers,
    error_responses,
    problem_of,
)
from chiso_core.publisher import Publisher
from chiso_core.readiness import broker_and_database_ready
from chiso_core.settings import IngestSettings
from chiso_core.telemetry import configure_logging
from chiso_core.words import refusals
from chiso_core.words.problems import Lang
from chiso_ingest import idempotency, store, templates
from chiso_ingest.explanations.routes import router as explanations_router
from chiso_ingest.files import FileLimits
from chiso_ingest.idempotency import JSON
from chiso_ingest.ingestor import Ingestor
from chiso_ingest.ingestor import Request as Intake
from chiso_ingest.intake import Item
from chiso_ingest.models import (
    Envelope,
    HeldFigure,
    ImportSummary,
    ObservationBatch,
    ObservationIn,
)
from chiso_ingest.parsing import FileReader
from chiso_ingest.ratelimit import RateLimit
from chiso_ingest.wiring import Caller, IdempotencyKey, Language, Wired, Wiring

log = structlog.get_logger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ERRORS = error_responses(
    {
        400: "malformed JSON, or a form that cannot be read",
        401: "no API key, or an unknown or revoked one",
        403: "the key may not report figures, or no item is within its jurisdictions and "
        "indicators; nothing was published",
        413: "body or item count over the limit",
        409: "this Idempotency-Key was used for another request",
        422: "the body is not a batch of observations (a single bad item is rejected in the "
        "summary instead)",
        429: "over the key's rate limit: retry after Retry-After seconds",
        503: "the broker did not acknowledge; nothing may be assumed stored: retry",
    }
)
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
_TEMPLATE_ERRORS: dict[int | str, dict[str, Any]] = {c: _ERRORS[c] for c in (401, 429, 503)}
DryRun = Annotated[bool, Query(description="check every item, publish nothing")]


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
            refusals.MALFORMED_JSON if malformed else refusals.NOT_A_BATCH_OF_OBSERVATIONS,
            [problem_of(err) for err in errors],
        ) from e


def _count(items: int, settings: IngestSettings) -> None:
    if items > settings.max_items:
        raise ApiError(
            413,
            refusals.TOO_MANY_OBSERVATIONS,
            [Problem(field="observations", problem=refusals.at_most_items(settings.max_items))],
        )


@dataclass(frozen=True)
class Submission:
    """What every request that sends figures carries besides them."""

    wired: Wiring
    agency: Agency
    lang: Lang
    dry_run: bool
    idempotency_key: str | None

    def intake(self, channel: str, what: str) -> Intake:
        origin = f"{what} by {self.agency.name} (key {self.agency.key_id})"
        return Intake(self.agency, channel, origin, self.dry_run, self.lang)

    async def answer(
        self, items: list[Item], intake: Intake, kind: bytes, content: bytes
    ) -> Response:
        """The summary, once, under the request's Idempotency-Key (if any): a retry of the same
        kind, dry run or not, and content gets the first answer."""
        settings = self.wired.settings
        _count(len(items), settings)
        return await idempotency.once(
            self.wired.pool,
            self.agency.key_id,
            self.idempotency_key,
            idempotency.request_hash(kind, str(self.dry_run).encode(), content),
            200 if self.dry_run else 202,
            lambda: self.wired.ingestor.ingest(items, intake),
            timedelta(seconds=settings.idempotency_ttl_s),
        )


async def submission(
    wired: Wired,
    agency: Caller,
    lang: Language,
    dry_run: DryRun = False,
    idempotency_key: IdempotencyKey = None,
) -> Submission:
    return Submission(wired, agency, lang, dry_run, idempotency_key)


Sent = Annotated[Submission, Depends(submission)]


router = APIRouter(tags=["observations"])


@router.post(
    "/v1/observations",
    status_code=202,
    response_model=ImportSummary,
    responses={**_SUMMARIES, **_ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {JSON: {"schema": _BATCH_SCHEMA}}}},
    summary="Report a batch of figures",
)
async def post_observations(request: Request, sent: Sent) -> Response:
    """Each item is accepted, unchanged, held or rejected (with its reasons); the valid items
    of a batch count even when others are rejected. 202 once the broker acknowledged every
    accepted item (and the audit copy of every rejected one)."""
    body = await request.body()
    intake = sent.intake("api", "POST /v1/observations")
    return await sent.answer(_items(body), intake, b"json", body)


@router.post(
    "/v1/observations/file",
    status_code=202,
    response_model=ImportSummary,
    responses={**_SUMMARIES, **_ERRORS},
    summary="Upload a CSV or Excel (.xlsx) file of figures",
)
async def post_file(file: UploadFile, sent: Sent) -> Response:
    """The template's columns (GET /v1/templates/observations.xlsx or .csv); the same
    summary as a JSON batch, each item with its row number, every problem naming its row."""
    content = await file.read()
    name = (file.filename or "").lower()
    items = await sent.wired.reader.read(name, content)
    intake = sent.intake("file", f"upload {file.filename}")
    return await sent.answer(items, intake, name.encode(), content)


@router.get(
    "/v1/held",
    response_model=list[HeldFigure],
    responses={code: _ERRORS[code] for code in (401, 403, 429, 503)},
    summary="The figures of this key's agency held as unusual, waiting for confirmation",
)
async def list_held(wired: Wired, agency: Caller) -> list[dict[str, Any]]:
    """Oldest first; each until it is confirmed, corrected or expires."""
    async with connection_or_503(wired.pool) as conn:
        return await store.list_held(conn, agency.name)


@router.get(
    "/v1/templates/observations.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, **_TEMPLATE_ERRORS},
    summary="The Excel template for this key: its indicators and jurisdictions filled in",
)
async def xlsx_template(wired: Wired, agency: Caller) -> Response:
    return Response(
        templates.template_xlsx(agency, await wired.ingestor.current_catalog()),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="observations.xlsx"'},
    )


@router.get(
    "/v1/templates/observations.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **_TEMPLATE_ERRORS},
    summary="The CSV template for this key: its indicators and jurisdictions filled in",
)
async def csv_template(wired: Wired, agency: Caller) -> Response:
    return Response(
        templates.template_csv(agency, await wired.ingestor.current_catalog()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="observations.csv"'},
    )


def _file_reader(settings: IngestSettings) -> FileReader:
    """The reader of uploaded files, with the settings' limits on what one file may cost."""
    return FileReader(
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


def create_app(
    settings: IngestSettings | None = None, today: Callable[[], date] = today_in_vietnam
) -> FastAPI:
    """The app; `today` (a function returning a date) fixes what "today" is, for tests."""
    settings = settings or IngestSettings()
    configure_logging(settings)
    publisher = Publisher(settings, client_id="chiso-ingest")
    pool = make_pool(settings, autocommit=True)  # every statement here stands alone
    catalog = CatalogCache(pool, settings.catalog_ttl_s)
    ingestor = Ingestor(
        publisher,
        pool,
        catalog,
        settings.publish_timeout_s,
        timedelta(seconds=settings.held_ttl_s),
        today,
    )
    reader = _file_reader(settings)
    authenticate = Authenticator(pool, settings, Permission.REPORT)

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
    app.state.wiring = Wiring(
        settings,
        pool,
        publisher,
        ingestor,
        authenticate,
        RateLimit(settings.rate_limit_per_s, settings.rate_limit_burst),
        reader,
    )
    app.add_middleware(KeyBeforeBody, check=authenticate.check)
    add_problem_handlers(app, refusals.INVALID_OBSERVATIONS)
    app.include_router(ops_router(broker_and_database_ready(publisher.ping, pool)))
    app.include_router(catalog_router(catalog.get))
    app.include_router(router)
    app.include_router(explanations_router)
    return app
