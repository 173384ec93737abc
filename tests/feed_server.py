"""A real HTTP server on loopback standing in for an agency's feed: serves a document with an
ETag or a Last-Modified date, answers 304 to a matching If-None-Match (or, without an ETag, to
an If-Modified-Since of that date), fails, dawdles or trickles a long body on demand, and records
every request."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Document:
    body: bytes
    content_type: str = "application/json"
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FeedServer:
    documents: dict[str, Document] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # path → 503s still to answer
    statuses: dict[str, int] = field(default_factory=dict)  # path → the status always answered
    delays: dict[str, float] = field(default_factory=dict)  # path → seconds before answering
    # path → (KiB, seconds between them): a body of that many KiB, sent a KiB at a time, with
    # no Content-Length (it ends when the connection closes)
    trickles: dict[str, tuple[int, float]] = field(default_factory=dict)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers.items())))
            time.sleep(server.delays.get(self.path, 0))
            if trickle := server.trickles.get(self.path):
                self._trickle(*trickle)
                return
            if status := server.statuses.get(self.path):
                self._answer(status, b"as asked", {})
                return
            if server.failures.get(self.path, 0) > 0:
                server.failures[self.path] -= 1
                self._answer(503, b"busy", {"Retry-After": "0"})
                return
            document = server.documents.get(self.path)
            if document is None:
                self._answer(404, b"no such feed", {})
                return
            validators = {
                k: v
                for k, v in (("ETag", document.etag), ("Last-Modified", document.last_modified))
                if v is not None
            }
            if (
                document.etag is not None and self.headers.get("If-None-Match") == document.etag
            ) or (
                document.etag is None
                and document.last_modified is not None
                and self.headers.get("If-Modified-Since") == document.last_modified
            ):
                self._answer(304, b"", validators)
                return
            self._answer(200, document.body, {"Content-Type": document.content_type, **validators})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def _trickle(self, kib: int, interval: float) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(kib):
                    self.wfile.write(b" " * 1024)
                    self.wfile.flush()
                    time.sleep(interval)
            except OSError:
                pass  # the client stopped reading: what the tests want of it

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads `requests` instead

    return Handler


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def usage_config(name: str, url: str, **changes: Any) -> dict[str, Any]:
    """A feed file for an online-usage portal's JSON: {"items": [{ma_dvhc, ky: "MM/YYYY",
    online, total}]}; `changes` replace top-level keys."""
    config: dict[str, Any] = {
        "name": name,
        "url": url,
        "every": 60,
        "format": "json",
        "records": "items",
        "mapping": {
            "indicator": {"value": "online_public_service_usage"},
            "jurisdiction": {"field": "ma_dvhc"},
            "period": {"field": "ky", "format": "%m/%Y"},
            "numerator": {"field": "online"},
            "denominator": {"field": "total"},
        },
        "scope": {
            "jurisdictions": ["vn"],
            "indicators": ["online_public_service_usage", "cashless_transaction_share"],
        },
    }
    return config | changes
