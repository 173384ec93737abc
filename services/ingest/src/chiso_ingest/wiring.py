"""What every ingest route gets through `Depends`: the app's collaborators, the calling agency
(authenticated and within its rate limit) and the language its problems are written in."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials
from psycopg_pool import AsyncConnectionPool

from chiso_core.access.agencies import Agency
from chiso_core.access.auth import Authenticator, bearer
from chiso_core.problems import ApiError
from chiso_core.publisher import Publisher
from chiso_core.settings import IngestSettings
from chiso_core.words import refusals
from chiso_core.words.problems import Lang, language
from chiso_ingest.ingestor import Ingestor
from chiso_ingest.parsing import FileReader
from chiso_ingest.ratelimit import RateLimit


@dataclass(frozen=True)
class Wiring:
    """The collaborators the handlers use, built once per app."""

    settings: IngestSettings
    pool: AsyncConnectionPool
    publisher: Publisher
    ingestor: Ingestor
    authenticate: Authenticator
    rate_limit: RateLimit
    reader: FileReader  # uploads, read off the event loop within limits


async def wiring(request: Request) -> Wiring:
    found: Wiring = request.app.state.wiring
    return found


# The dependencies are `async def` though none awaits: FastAPI runs a plain `def` dependency on
# a worker thread, a thread hand-off each per request for nothing.
Wired = Annotated[Wiring, Depends(wiring)]


async def caller(
    request: Request,
    wired: Wired,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Agency:
    """The agency behind the key, within its rate limit."""
    found = await wired.authenticate(request, credentials)
    if wait := wired.rate_limit.take(found.key_id):
        raise ApiError(
            429,
            refusals.over_rate_limit(wired.settings.rate_limit_per_s),
            headers={"Retry-After": str(wait)},
        )
    return found


async def reader_language(
    accept_language: Annotated[
        str | None,
        Header(description="problems in Vietnamese (default), or English with `en`"),
    ] = None,
) -> Lang:
    return language(accept_language)


Caller = Annotated[Agency, Depends(caller)]
Language = Annotated[Lang, Depends(reader_language)]


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
