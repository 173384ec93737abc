"""Conditional GET of a feed's document: ETag / If-Modified-Since, so a 304 costs nothing."""

from dataclasses import dataclass

import httpx

from chiso_core.retry_after import retry_after_s
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

    Raises TransientFetchError (retry) on 429 and 5xx, FeedError (do not retry before the next
    poll) on any other unexpected status; httpx.TransportError passes through (retry)."""
    response = await client.get(
        str(feed.url), headers=request_headers(feed, cursor), timeout=feed.request_timeout_s
    )
    if response.status_code == httpx.codes.NOT_MODIFIED:
        return None
    if response.status_code == httpx.codes.TOO_MANY_REQUESTS or response.is_server_error:
        raise TransientFetchError(
            f"feed {feed.name}: HTTP {response.status_code}",
            retry_after_s(response.headers.get("Retry-After")),
        )
    if response.status_code != httpx.codes.OK:
        raise FeedError(f"feed {feed.name}: HTTP {response.status_code} from {feed.url}")
    return Document(
        body=response.content,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )
