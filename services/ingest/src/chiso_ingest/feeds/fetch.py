"""Conditional GET of a feed's document: ETag / If-Modified-Since, so a 304 costs nothing."""

import asyncio
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

    Raises TransientFetchError (retry) on 429 and 5xx, on no whole answer in time and on a
    server that cannot be reached; FeedError (do not retry before the next poll) on any other
    unexpected status and on a document longer than the feed's max_bytes. Each says why,
    Vietnamese first. The time limit is for the whole answer, not each read: a server
    trickling its body cannot hold the poller."""
    url = str(feed.url)
    try:
        async with asyncio.timeout(feed.request_timeout_s):
            return await _get(client, feed, cursor, url)
    except (httpx.TimeoutException, TimeoutError) as e:
        raise TransientFetchError(
            refusals.feed_no_answer(feed.name, url, feed.request_timeout_s)
        ) from e
    except httpx.TransportError as e:  # refused, reset, unresolvable: the server may come back
        detail = str(e) or repr(e)
        raise TransientFetchError(refusals.feed_unreachable(feed.name, url, detail)) from e


async def _get(
    client: httpx.AsyncClient, feed: Feed, cursor: Cursor | None, url: str
) -> Document | None:
    headers = request_headers(feed, cursor)
    async with client.stream("GET", url, headers=headers, timeout=feed.request_timeout_s) as r:
        if r.status_code == httpx.codes.NOT_MODIFIED:
            return None
        answered = refusals.feed_answered(feed.name, r.status_code, url)
        if r.status_code == httpx.codes.TOO_MANY_REQUESTS or r.is_server_error:
            raise TransientFetchError(answered, retry_after_s(r.headers.get("Retry-After")))
        if r.status_code != httpx.codes.OK:
            raise FeedError(answered)
        return Document(
            await _body(r, feed, url), r.headers.get("ETag"), r.headers.get("Last-Modified")
        )


async def _body(response: httpx.Response, feed: Feed, url: str) -> bytes:
    """The body, refused as soon as it is known to be longer than max_bytes: by its declared
    length before any of it is read, else as it arrives (decompressed: what is held)."""
    too_large = FeedError(refusals.feed_too_large(feed.name, url, feed.max_bytes))
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > feed.max_bytes:
        raise too_large
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > feed.max_bytes:
            raise too_large
    return bytes(body)
