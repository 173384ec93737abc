"""What every request passes before any route reads its body: the body size limit (also for
chunked uploads), and for a request carrying a body to the API, a valid key."""

import json
from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chiso_core.deadline import finish_within
from chiso_core.problems import RETRY_AFTER_S, ApiError, Problem, error_response
from chiso_core.words import refusals


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = too_large = replaced = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started, replaced
            if too_large and not started:
                # The app answered the cut-off body itself (FastAPI turns any error while
                # reading it into 400 "error parsing the body"): the client gets the 413.
                replaced = True
                await self._refuse(send)
            started = started or message["type"] == "http.response.start"
            if not replaced:
                await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": refusals.BODY_TOO_LARGE,
                "problems": [{"field": "body", "problem": refusals.at_most_bytes(self.max_bytes)}],
            },
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class KeyBeforeBody:
    """Refuses a request with a body under `prefix` whose key `check` refuses (401, 403, 429,
    503), before a byte of the body is read: a client without a key cannot make a service read
    hundreds of megabytes (FastAPI reads the body before it runs a route's dependencies).
    `check` gets the Authorization header and the client's address."""

    def __init__(
        self,
        app: ASGIApp,
        check: Callable[[str | None, str], Awaitable[object]],
        prefix: str = "/v1/",
    ) -> None:
        self.app, self.check, self.prefix = app, check, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in _WITH_BODY
            and scope["path"].startswith(self.prefix)
        ):
            client = scope.get("client")
            try:
                await self.check(
                    Headers(scope=scope).get("authorization"), client[0] if client else ""
                )
            except ApiError as e:
                response = error_response(e.status, e.error, e.problems, **e.headers)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Deadline:
    """Answers 503 with Retry-After a request under `prefix` that has not started its answer
    within `timeout_s`, for APIs whose every route is a few database round trips: whatever
    hangs (a frozen database that still accepts connections), the client is not kept waiting.
    The route goes on in the background, cancelled, its answer dropped."""

    def __init__(self, app: ASGIApp, timeout_s: float, prefix: str = "/v1/") -> None:
        self.app, self.timeout_s, self.prefix = app, timeout_s, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        started = given_up = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if not given_up:
                started = True
                await send(message)

        try:
            await finish_within(self.app(scope, receive, guarded_send), self.timeout_s)
            return
        except TimeoutError:
            given_up = True
        if not started:
            response = error_response(
                503,
                refusals.DATABASE_AWAY,
                [Problem(field="database", problem=refusals.no_answer_within(self.timeout_s))],
                **{"Retry-After": RETRY_AFTER_S},
            )
            await response(scope, receive, send)
