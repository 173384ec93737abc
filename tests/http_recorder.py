"""A real HTTP server on loopback that records every request and answers as a test scripts it
(slowly, if asked): stands in for a subscriber's webhook receiver or for Grafana's API."""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: Mapping[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    # Answers given in turn; once used up, every request gets `otherwise`.
    answers: list[Answer] = field(default_factory=list)
    otherwise: Answer = field(default_factory=Answer)
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    delay_s: float = 0.0  # how long each answer takes, after the request was recorded
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def received(self) -> list[Request]:
        with self.lock:
            return list(self.requests)

    def keys(self) -> Counter[str]:
        """How often each notification (its Idempotency-Key) arrived."""
        return Counter(r.headers.get("idempotency-key", "") for r in self.received())

    def wait_for(self, count: int, timeout_s: float = 30) -> list[Request]:
        """Wait until `count` distinct notifications arrived."""
        deadline = time.monotonic() + timeout_s
        while len(self.keys()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.keys())} of {count} notifications arrived")
            time.sleep(0.05)
        return self.received()


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    lock = recorder.lock

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            if len(body) < length:
                # the sender died mid-request (a crash test kills it so): nothing was delivered,
                # as a real server would drop a body cut short
                self.close_connection = True
                return
            with lock:
                recorder.requests.append(
                    Request(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                answer = recorder.answers.pop(0) if recorder.answers else recorder.otherwise
            time.sleep(recorder.delay_s)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _record

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads `requests` instead

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many notifications arrive at once; 5 would delay connections


@contextmanager
def http_recorder(*answers: Answer, delay_s: float = 0.0) -> Iterator[Recorder]:
    recorder = Recorder(answers=list(answers), delay_s=delay_s)
    server = _Server(("127.0.0.1", 0), _handler(recorder))
    recorder.port = server.server_address[1]
    # a short poll interval: shutdown() waits for the next poll
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
