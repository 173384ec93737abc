"""Request errors as one JSON shape, the same in every service's API: what went wrong and, per
problem, the field it is in."""

import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Annotated, Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException


class Problem(BaseModel):
    field: str = Field(description="where the problem is, e.g. observations[3].value")
    problem: str


class ErrorResponse(BaseModel):
    error: str
    problems: list[Problem] = []


def error_responses(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """An endpoint's OpenAPI `responses` for errors, each answered as an ErrorResponse."""
    return {
        code: {"model": ErrorResponse, "description": text} for code, text in descriptions.items()
    }


def field_path(loc: Sequence[int | str]) -> str:
    """('body', 'observations', 3, 'value') → 'observations[3].value'."""
    path = ""
    for part in loc[1:] if loc and loc[0] == "body" else loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


# Dates and times are read as ISO 8601 only ("08/12/2026" is 8 December to some readers and
# 12 August to others): the answer shows the form expected, not pydantic's parser detail.
EXPECTED_DATETIME = (
    "cần ngày giờ ISO 8601 có múi giờ, ví dụ 2026-12-08T17:00:00+07:00 / expected an ISO 8601 "
    "date and time with its offset (YYYY-MM-DDTHH:MM:SS+07:00)"
)
EXPECTED_DATE = "cần ngày ISO 8601, ví dụ 2026-12-08 / expected an ISO 8601 date (YYYY-MM-DD)"
_DATE_ERRORS = {
    "datetime_parsing": EXPECTED_DATETIME,
    "datetime_from_date_parsing": EXPECTED_DATETIME,
    "datetime_type": EXPECTED_DATETIME,
    "timezone_aware": EXPECTED_DATETIME,
    "date_parsing": EXPECTED_DATE,
    "date_from_datetime_parsing": EXPECTED_DATE,
    "date_from_datetime_inexact": EXPECTED_DATE,
    "date_type": EXPECTED_DATE,
}


def problem_of(
    error: Mapping[str, Any], where: str = "", expected_object: str = "an object"
) -> Problem:
    """A pydantic error as a problem; `where` names the item its location is relative to,
    `expected_object` says what an item that is no object should have been."""
    path = field_path(error["loc"])
    if where:
        path = f"{where}.{path}" if error["loc"] else where
    if error["type"] == "json_invalid":
        return Problem(
            field="body",
            problem=f"malformed JSON: {error.get('ctx', {}).get('error', error['msg'])}",
        )
    if error["type"] == "extra_forbidden":
        return Problem(field=path, problem="unknown field")
    if error["type"] == "model_type":
        return Problem(field=path, problem=f"expected {expected_object}")
    if expected := _DATE_ERRORS.get(error["type"]):
        return Problem(field=path, problem=expected)
    return Problem(field=path, problem=error["msg"])


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_text(value: str) -> str:
    """A value to look something up by: no control character (PostgreSQL cannot even hold NUL,
    and none belongs in an id, a code or a name)."""
    if found := _CONTROL.search(value):
        raise ValueError(
            f"không được chứa ký tự điều khiển / control characters are not accepted "
            f"(found U+{ord(found.group()):04X} at position {found.start()})"
        )
    return value


# The pattern is stated in the schema for clients; the validator gives the clear message.
PlainText = Annotated[
    str,
    AfterValidator(plain_text),
    Field(max_length=200, json_schema_extra={"pattern": "^[^\\x00-\\x1f\\x7f]*$"}),
]


class ApiError(Exception):
    """A request refused whole: answered as an ErrorResponse with its status."""

    def __init__(
        self,
        status: int,
        error: str,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.status, self.error, self.problems = status, error, problems or []
        self.headers = headers or {}


RETRY_AFTER_S = "5"


def retry_later(error: str) -> ApiError:
    """503: something the answer depends on is away for now."""
    return ApiError(503, error, headers={"Retry-After": RETRY_AFTER_S})


async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.error, exc.problems, **exc.headers)


def error_response(
    status: int, error: str, problems: list[Problem], **headers: str
) -> JSONResponse:
    return JSONResponse(
        ErrorResponse(error=error, problems=problems).model_dump(),
        status_code=status,
        headers=headers,
    )


def validation_handler(
    invalid: str,
) -> Callable[[Request, Exception], Coroutine[Any, Any, JSONResponse]]:
    """Answers a request the framework found invalid: 400 for malformed JSON, else 422 with
    `invalid` as the error, each problem naming its field."""

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = [problem_of(e) for e in exc.errors()]
        malformed = any(e["type"] == "json_invalid" for e in exc.errors())
        return error_response(
            400 if malformed else 422, "malformed JSON" if malformed else invalid, problems
        )

    return on_validation_error


async def on_http_error(request: Request, exc: Exception) -> Response:
    """A body the framework cannot even read (malformed multipart) is a 400 in the one error
    shape; other HTTP errors keep the framework's answer."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        return error_response(
            400, str(exc.detail), [Problem(field="body", problem=str(exc.detail))]
        )
    return await http_exception_handler(request, exc)


def add_problem_handlers(app: FastAPI, invalid: str = "invalid request") -> None:
    """Every refusal of the app in the one error shape."""
    app.add_exception_handler(RequestValidationError, validation_handler(invalid))
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
