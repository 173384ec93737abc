"""Conditional GET of a feed's document: ETag / If-Modified-Since, so a 304 costs nothing."""

from dataclasses import dataclass

import httpx

from chiso_core.retry_after import retry_after_s
from chiso_core.words import refusals
from chiso_ingest.feeds.config import Feed, FeedError, Format
from chiso_ingest.feeds.cursors import Cursor


@dataclass(frozen=True)
class Document:
    body: bytes
    etag: str | None
    last_modified: str | None


class TransientFetchError(Exception):
    """Worth retrying: the server is overloaded, restarting or rate-limiting."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def request_headers(feed: Feed, cursor: Cursor | None) -> dict[str, str]:
    headers = {"Accept": "text/csv" if feed.format is Format.CSV else "application/json"}
    if feed.auth is not None:
        headers[feed.auth.header] = feed.auth.value().get_secret_value()
    if cursor is not None and cursor.etag:
        headers["If-None-Match"] = cursor.etag
    if cursor is not None and cursor.last_modified:
        headers["If-Modified-Since"] = cursor.last_modified
    return headers


async def fetch(client: httpx.AsyncClient, feed: Feed, cursor: Cursor | None) -> Document | None:
    """The document, or None when the server says it has not changed (304).

    Raises TransientFetchError (retry) on 429 and 5xx, on no answer in time and on a server
    that cannot be reached; FeedError (do not retry before the next poll) on any other
    unexpected status. Each says why, Vietnamese first."""
    url = str(feed.url)
    try:
        response = await client.get(
            url, headers=request_headers(feed, cursor), timeout=feed.request_timeout_s
        )
    except httpx.TimeoutException as e:
        raise TransientFetchError(
            refusals.feed_no_answer(feed.name, url, feed.request_timeout_s)
        ) from e
    except httpx.TransportError as e:  # refused, reset, unresolvable: the server may come back
        detail = str(e) or repr(e)
        raise TransientFetchError(refusals.feed_unreachable(feed.name, url, detail)) from e
    if response.status_code == httpx.codes.NOT_MODIFIED:
        return None
    answered = refusals.feed_answered(feed.name, response.status_code, url)
    if response.status_code == httpx.codes.TOO_MANY_REQUESTS or response.is_server_error:
        raise TransientFetchError(answered, retry_after_s(response.headers.get("Retry-After")))
    if response.status_code != httpx.codes.OK:
        raise FeedError(answered)
    return Document(
        body=response.content,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )
