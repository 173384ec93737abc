"""A subscriber's webhook endpoint on loopback: a real HTTP server that records every request
(and may answer slowly, or with an error), so tests count what was delivered."""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    delay_s: float = 0.0
    status: int = 200
    requests: list[Received] = field(default_factory=list)
    started: int = 0  # requests that arrived, answered or not yet
    lock: threading.Lock = field(default_factory=threading.Lock)

    def arrived(self) -> int:
        with self.lock:
            return self.started

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.requests)

    def keys(self) -> Counter[str]:
        """How often each notification (Idempotency-Key) arrived."""
        return Counter(r.headers.get("idempotency-key", "") for r in self.received())

    def wait_for(self, count: int, timeout_s: float = 30) -> list[Received]:
        """Wait until `count` distinct notifications arrived."""
        deadline = time.monotonic() + timeout_s
        while len(self.keys()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.keys())} of {count} notifications arrived")
            time.sleep(0.05)
        return self.received()


@contextmanager
def webhook_receiver(delay_s: float = 0.0, status: int = 200) -> Iterator[Receiver]:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                receiver.started += 1
            time.sleep(receiver.delay_s)
            with receiver.lock:
                receiver.requests.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(f"http://127.0.0.1:{server.server_port}/hook", delay_s, status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
