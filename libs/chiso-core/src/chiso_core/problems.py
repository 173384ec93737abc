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

from chiso_core.words import problems as say
from chiso_core.words import refusals
from chiso_core.words.problems import Lang, Text


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


EXPECTED_DATETIME = say.EXPECTED_DATETIME.both()
EXPECTED_DATE = say.EXPECTED_DATE.both()


class InvalidValue(ValueError):
    """A value a validator refuses, with the reason in both languages: the answer gives the
    reason itself, not pydantic's "Value error, …"."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.both())
        self.text = text


def text_of(error: Mapping[str, Any], expected_object: Text = say.AN_OBJECT) -> Text:
    """Why a pydantic error's value was refused, in both languages: the validator's own words
    (an InvalidValue), else what was expected (`expected_object`: what an item that is no
    object should have been)."""
    raised = (error.get("ctx") or {}).get("error")
    if error["type"] == "value_error" and isinstance(raised, InvalidValue):
        return raised.text
    return say.unreadable(error, expected_object)


def item_field(loc: Sequence[int | str]) -> str:
    """A pydantic error's field within the item it was read from; empty for the item itself."""
    return field_path(loc) if loc else ""


def within(where: str, field: str) -> str:
    """A field's path within the item at `where` (observations[3] + value); the item's own
    place for the item itself (an empty `field`)."""
    return f"{where}.{field}" if where and field else where or field


def problem_of(
    error: Mapping[str, Any],
    where: str = "",
    expected_object: Text = say.AN_OBJECT,
    lang: Lang | None = None,
) -> Problem:
    """A pydantic error as a problem, in both languages (Vietnamese first), or in `lang` alone
    for an item of a batch; `where` names the item its location is relative to,
    `expected_object` says what an item that is no object should have been."""
    text = text_of(error, expected_object)
    path = within(where, item_field(error["loc"])) or "body"
    return Problem(
        field="body" if error["type"] == "json_invalid" else path,
        problem=text.both() if lang is None else text.in_(lang),
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_text(value: str) -> str:
    """A value to look something up by: no control character (PostgreSQL cannot even hold NUL,
    and none belongs in an id, a code or a name)."""
    if found := _CONTROL.search(value):
        raise InvalidValue(refusals.control_character(ord(found.group()), found.start()))
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
            400 if malformed else 422, refusals.MALFORMED_JSON if malformed else invalid, problems
        )

    return on_validation_error


# A path as a refusal echoes it: enough to recognise, never the whole of a hostile one.
_PATH_SHOWN = 200


async def on_http_error(request: Request, exc: Exception) -> Response:
    """The framework's own refusals in the one error shape: a body it cannot even read
    (malformed multipart, 400), no route at the path (404), a method the path does not take
    (405, its `Allow` header kept). The services' own refusals are ApiErrors; any other HTTP
    error keeps the framework's answer."""
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path[:_PATH_SHOWN]
    match exc.status_code:
        case 400:
            problem = Problem(field="body", problem=refusals.unreadable_body(str(exc.detail)))
            return error_response(400, refusals.UNREADABLE_BODY, [problem])
        case 404:
            problem = Problem(field="path", problem=refusals.no_path(path))
            return error_response(404, refusals.NOT_FOUND, [problem])
        case 405:
            allow = (exc.headers or {}).get("Allow", "")
            problem = Problem(
                field="method", problem=refusals.not_taken(request.method, path, allow)
            )
            return error_response(405, refusals.METHOD_NOT_ALLOWED, [problem], Allow=allow)
    return await http_exception_handler(request, exc)


def add_problem_handlers(app: FastAPI, invalid: str = refusals.INVALID_REQUEST) -> None:
    """Every refusal of the app in the one error shape."""
    app.add_exception_handler(RequestValidationError, validation_handler(invalid))
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
