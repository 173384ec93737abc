"""POST /v1/explanations (JSON) and /v1/explanations/file (CSV or .xlsx): an owner's words on
its targets, kept whole or not at all. A key may explain only the targets whose owners (lead
or supporting) name its agency."""

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError

from chiso_core.access.agencies import Agency
from chiso_core.catalog import Catalog
from chiso_core.checks import Issue
from chiso_core.db import connection_or_503
from chiso_core.problems import ApiError, Problem, error_responses, problem_of
from chiso_core.words import problems as say
from chiso_core.words import refusals
from chiso_core.words.problems import Lang
from chiso_ingest import idempotency
from chiso_ingest.explanations import checks, store
from chiso_ingest.explanations.models import ExplanationBatch, ExplanationIn, RecordedSummary
from chiso_ingest.explanations.sheet import EXPLANATIONS
from chiso_ingest.idempotency import JSON
from chiso_ingest.intake import Item, issue_of
from chiso_ingest.wiring import Caller, IdempotencyKey, Language, Wired, Wiring

_ERRORS = error_responses(
    {
        400: "malformed JSON, or a form that cannot be read",
        401: "no API key, or an unknown or revoked one",
        403: "the key may not report, or an explanation is for a target its agency does not own;"
        " nothing was kept",
        409: "this Idempotency-Key was used for another request",
        413: "body, file or item count over the limit",
        422: "an explanation does not fit: each problem names its field; nothing was kept",
        429: "over the key's rate limit: retry after Retry-After seconds",
        503: "the database is not available: nothing was kept, retry",
    }
)
_BATCH_SCHEMA = {
    "type": "object",
    "required": ["explanations"],
    "additionalProperties": False,
    "properties": {
        "explanations": {
            "type": "array",
            "minItems": 1,
            "items": ExplanationIn.model_json_schema(),
        }
    },
}

router = APIRouter(tags=["explanations"])


def _read(item: Item) -> ExplanationIn | list[Issue]:
    """The item as an explanation, or why it is not one."""
    try:
        return ExplanationIn.model_validate(item.data)
    except ValidationError as e:
        return [issue_of(err, say.AN_EXPLANATION) for err in e.errors()]


def _checked(
    items: list[Item], catalog: Catalog, agency: Agency, lang: Lang, today: date
) -> list[ExplanationIn]:
    """Every item as an explanation the agency may give, or ApiError naming every problem:
    403 when the only problems are targets the agency does not own, else 422."""
    kept: list[ExplanationIn] = []
    problems: list[Problem] = []
    foreign = 0
    for item in items:
        read = _read(item)
        found: list[Issue | checks.Issue] = [*item.issues]
        if isinstance(read, list):
            found += read
        else:
            issues = checks.issues(read, catalog, agency.name, today)
            foreign += sum(1 for i in issues if i.ownership)
            found += issues
            kept.append(read)
        problems += [Problem(field=item.path(i.field), problem=i.text.in_(lang)) for i in found]
    if problems:
        status = 403 if foreign == len(problems) else 422
        raise ApiError(status, refusals.NO_EXPLANATION_KEPT, problems)
    return kept


async def _keep(
    items: list[Item],
    wired: Wiring,
    agency: Agency,
    lang: Lang,
    channel: str,
    request: tuple[str | None, bytes],
) -> Response:
    """Checks and keeps the items, once per Idempotency-Key: 201 with what was kept."""
    if len(items) > wired.settings.max_items:
        raise ApiError(
            413,
            refusals.TOO_MANY_EXPLANATIONS,
            [
                Problem(
                    field="explanations", problem=refusals.at_most_items(wired.settings.max_items)
                )
            ],
        )
    idempotency_key, content = request

    async def answer() -> dict[str, Any]:
        catalog = await wired.ingestor.current_catalog()
        kept = _checked(items, catalog, agency, lang, wired.ingestor.today())
        async with connection_or_503(wired.pool) as conn:
            recorded = await store.add(conn, kept, agency.name, agency.key_id, channel)
        return RecordedSummary(recorded=recorded).model_dump(mode="json")

    return await idempotency.once(
        wired.pool,
        agency.key_id,
        idempotency_key,
        idempotency.request_hash(b"explanations", channel.encode(), content),
        201,
        answer,
        timedelta(seconds=wired.settings.idempotency_ttl_s),
    )


_ANSWERS: dict[int | str, dict[str, Any]] = {
    201: {"model": RecordedSummary, "description": "every explanation was kept"},
    **_ERRORS,
}


@router.post(
    "/v1/explanations",
    status_code=201,
    response_model=RecordedSummary,
    responses=_ANSWERS,
    openapi_extra={"requestBody": {"required": True, "content": {JSON: {"schema": _BATCH_SCHEMA}}}},
    summary="Explain targets: what was done, the difficulties, the next actions",
)
async def post_explanations(
    request: Request,
    wired: Wired,
    agency: Caller,
    lang: Language,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Each explanation is for one target of one plan and one period; a newer one is shown
    instead of an older one, which is kept. All are kept, or none."""
    body = await request.body()
    try:
        batch = ExplanationBatch.model_validate_json(body)
    except ValidationError as e:
        malformed = any(err["type"] == "json_invalid" for err in e.errors())
        raise ApiError(
            400 if malformed else 422,
            refusals.MALFORMED_JSON if malformed else refusals.NOT_A_BATCH_OF_EXPLANATIONS,
            [problem_of(err) for err in e.errors()],
        ) from e
    items = [Item(i, data, at=f"explanations[{i}]") for i, data in enumerate(batch.explanations)]
    return await _keep(items, wired, agency, lang, "api", (idempotency_key, body))


@router.post(
    "/v1/explanations/file",
    status_code=201,
    response_model=RecordedSummary,
    responses=_ANSWERS,
    summary="Upload a CSV or Excel (.xlsx) file of explanations",
)
async def post_explanations_file(
    file: UploadFile,
    wired: Wired,
    agency: Caller,
    lang: Language,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """One explanation a row, the columns named as the JSON fields (plan, target, period, done,
    difficulties, next_actions, evidence_url optional); every problem names its row."""
    content = await file.read()
    items = await wired.reader.read(file.filename or "", content, EXPLANATIONS)
    return await _keep(items, wired, agency, lang, "file", (idempotency_key, content))
