"""Request errors as one JSON shape: what went wrong and, per problem, the field it is in."""

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from chiso_ingest.models import ErrorResponse, Problem


def field_path(loc: Sequence[int | str]) -> str:
    """('body', 'observations', 3, 'value') → 'observations[3].value'."""
    path = ""
    for part in loc[1:] if loc and loc[0] == "body" else loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _problem(error: dict[str, Any]) -> Problem:
    if error["type"] == "json_invalid":
        return Problem(
            field="body",
            problem=f"malformed JSON: {error.get('ctx', {}).get('error', error['msg'])}",
        )
    if error["type"] == "extra_forbidden":
        return Problem(field=field_path(error["loc"]), problem="unknown field")
    return Problem(field=field_path(error["loc"]), problem=error["msg"])


def error_response(
    status: int, error: str, problems: list[Problem], **headers: str
) -> JSONResponse:
    return JSONResponse(
        ErrorResponse(error=error, problems=problems).model_dump(),
        status_code=status,
        headers=headers,
    )


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(e) for e in exc.errors()]
    malformed = any(e["type"] == "json_invalid" for e in exc.errors())
    return error_response(
        400 if malformed else 422,
        "malformed JSON" if malformed else "invalid observations",
        problems,
    )
