"""Every way fetching a feed's document fails says why, Vietnamese first, naming the feed and
its URL: against a real HTTP server on loopback, as the feed adapters meet one."""

import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from chiso_ingest.feeds.config import Feed, FeedError
from chiso_ingest.feeds.fetch import TransientFetchError, fetch
from tests.both_languages import halves
from tests.feed_server import Document, FeedServer, feed_server, usage_config


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as s:
        yield s


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(follow_redirects=False) as c:
        yield c


def portal(url: str, **changes: Any) -> Feed:
    return Feed.model_validate(usage_config("portal", url, **changes))


def unused_port() -> int:
    """A loopback port nothing listens on: bound, then let go."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


class TestAFailedFetchSaysWhyVietnameseFirst:
    @pytest.mark.parametrize(
        ("status", "kind"),
        [
            (301, FeedError),  # FeedError: not retried before the next poll
            (401, FeedError),
            (404, FeedError),
            (429, TransientFetchError),  # retried within the poll
            (500, TransientFetchError),
            (503, TransientFetchError),
        ],
    )
    async def test_an_unexpected_status_names_itself_and_the_url(
        self, server: FeedServer, client: httpx.AsyncClient, status: int, kind: type[Exception]
    ) -> None:
        server.statuses["/feed"] = status
        url = server.url("/feed")
        with pytest.raises(kind) as raised:
            await fetch(client, portal(url), None)
        assert halves(raised.value) == (
            f"nguồn dữ liệu portal: máy chủ trả lời HTTP {status} tại {url}",
            f"feed portal: HTTP {status} from {url}",
        )

    async def test_no_answer_in_time_is_retried_and_names_the_timeout(
        self, server: FeedServer, client: httpx.AsyncClient
    ) -> None:
        server.delays["/slow"] = 1.0
        url = server.url("/slow")
        with pytest.raises(TransientFetchError) as raised:
            await fetch(client, portal(url, request_timeout_s=0.2), None)
        assert halves(raised.value) == (
            f"nguồn dữ liệu portal: {url}: không có trả lời trong 0.2 giây (request_timeout_s)",
            f"feed portal: {url}: no answer within 0.2 s (request_timeout_s)",
        )

    async def test_a_server_that_cannot_be_reached_is_retried_and_named(
        self, client: httpx.AsyncClient
    ) -> None:
        url = f"http://127.0.0.1:{unused_port()}/usage"
        with pytest.raises(TransientFetchError) as raised:
            await fetch(client, portal(url), None)
        vi, en = halves(raised.value)
        assert vi == f"nguồn dữ liệu portal: không kết nối được tới {url}"
        assert en.startswith(f"feed portal: cannot reach {url}: "), en

    async def test_an_unset_secret_names_its_variable_before_any_request(
        self, server: FeedServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("FEED_UNSET_TOKEN", raising=False)
        feed = portal(server.url("/usage"), auth={"env": "FEED_UNSET_TOKEN"})
        with pytest.raises(FeedError) as raised:
            await fetch(client, feed, None)
        vi, _ = halves(raised.value)
        assert vi == "biến môi trường FEED_UNSET_TOKEN (auth.env) chưa được đặt"
        assert server.requests == []


class TestAFeedCannotHoldThePoller:
    """What a feed's server sends is bounded before it is held: its length (max_bytes) and the
    time the whole answer takes (request_timeout_s), whether or not it declares a length."""

    async def test_a_declared_length_past_max_bytes_is_refused_naming_it(
        self, server: FeedServer, client: httpx.AsyncClient
    ) -> None:
        server.documents["/big"] = Document(b"[" + b" " * 4096 + b"]")
        url = server.url("/big")
        with pytest.raises(FeedError) as raised:
            await fetch(client, portal(url, max_bytes=4096), None)
        assert halves(raised.value) == (
            f"nguồn dữ liệu portal: {url}: tài liệu dài hơn 4096 byte (max_bytes)",
            f"feed portal: {url}: the document is longer than 4096 bytes (max_bytes)",
        )
        # at the limit it is read whole
        document = await fetch(client, portal(url, max_bytes=4098), None)
        assert document is not None
        assert len(document.body) == 4098

    async def test_a_body_of_no_declared_length_is_cut_off_past_max_bytes(
        self, server: FeedServer, client: httpx.AsyncClient
    ) -> None:
        server.trickles["/endless"] = (10_000, 0.0)  # ~10 MB, as fast as it goes
        url = server.url("/endless")
        with pytest.raises(FeedError) as raised:
            await fetch(client, portal(url, max_bytes=64 * 1024), None)
        assert "(max_bytes)" in str(raised.value)

    async def test_a_body_trickled_past_the_time_limit_is_retried_and_names_it(
        self, server: FeedServer, client: httpx.AsyncClient
    ) -> None:
        """A KiB every 0.05 s never lets a single read wait 0.3 s: only a limit on the whole
        answer ends it."""
        server.trickles["/drip"] = (60, 0.05)  # 3 s in all
        url = server.url("/drip")
        started = time.perf_counter()
        with pytest.raises(TransientFetchError) as raised:
            await fetch(client, portal(url, request_timeout_s=0.3), None)
        assert time.perf_counter() - started < 1.5
        assert "(request_timeout_s)" in str(raised.value)


@pytest.mark.parametrize("max_bytes", [0, 1023, -1])
def test_max_bytes_below_a_kib_is_refused(max_bytes: int) -> None:
    with pytest.raises(ValidationError) as raised:
        portal("http://127.0.0.1/usage", max_bytes=max_bytes)
    assert raised.value.errors()[0]["loc"] == ("max_bytes",)
