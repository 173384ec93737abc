"""How the simulator talks to the API, seen from a server on loopback: the agency key as a Bearer
token on every request, batches of the size asked, a busy answer retried after Retry-After, and
a refusal reported rather than ignored. (What lands on the topic: tests/e2e/test_simulate.py.)"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chiso_core.periods import Period
from chiso_devstack.simulate import Refused, push
from chiso_devstack.simulation import simulate


@dataclass
class Api:
    url: str = ""
    answers: list[int] = field(default_factory=list)  # statuses to give before 202s
    refuse: int = 0  # items of the next 202 to answer as rejected
    batches: list[tuple[str | None, list[dict[str, Any]]]] = field(default_factory=list)


def summary(items: list[dict[str, Any]], state: Api) -> dict[str, Any]:
    """The API's import summary, as POST /v1/observations answers a batch."""
    refused, state.refuse = state.refuse, 0
    results: list[dict[str, Any]] = [
        {"index": k, "status": "accepted", "message_id": f"m{k}"} for k in range(len(items))
    ]
    for result in results[:refused]:
        result.update(status="rejected", problems=[{"field": "value", "problem": "too high"}])
    return {
        "dry_run": False,
        "accepted": len(items) - refused,
        "unchanged": 0,
        "rejected": refused,
        "items": results,
    }


@pytest.fixture
def api() -> Iterator[Api]:
    state = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status = state.answers.pop(0) if state.answers else 202
            if status == 202:
                state.batches.append((self.headers.get("Authorization"), body["observations"]))
            answer = json.dumps(summary(body["observations"], state) if status == 202 else {})
            self.send_response(status)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state
    httpd.shutdown()
    httpd.server_close()


SIMULATION = simulate(3, Period.parse("2024-12"))


def test_every_batch_carries_the_key_and_the_corrections_come_last(api: Api) -> None:
    pushed = push(api.url, SIMULATION, api_key="agency-key", batch_size=25)
    assert (pushed.reports, pushed.revisions) == (
        len(SIMULATION.reports),
        len(SIMULATION.revisions),
    )
    assert {key for key, _ in api.batches} == {"Bearer agency-key"}
    assert max(len(items) for _, items in api.batches) == 25
    sent = [item for _, items in api.batches for item in items]
    assert sent == SIMULATION.reports + SIMULATION.revisions


def test_without_a_key_no_authorization_is_sent(api: Api) -> None:
    push(api.url, SIMULATION)
    assert {key for key, _ in api.batches} == {None}


def test_a_busy_api_is_retried_and_nothing_is_lost(api: Api) -> None:
    api.answers = [503, 429]
    pushed = push(api.url, SIMULATION, batch_size=100)
    assert pushed.reports == len(SIMULATION.reports)
    assert [item for _, items in api.batches for item in items] == (
        SIMULATION.reports + SIMULATION.revisions
    )


def test_a_refusal_is_reported(api: Api) -> None:
    api.answers = [401]
    with pytest.raises(Refused, match="401"):
        push(api.url, SIMULATION, api_key="revoked")


def test_an_item_the_api_rejects_is_reported(api: Api) -> None:
    """The API takes the good items of a batch and refuses the others one by one: a simulated
    figure refused means the simulation and the catalog disagree, which must not pass quietly."""
    api.refuse = 1
    with pytest.raises(Refused, match="rejected 1 figures"):
        push(api.url, SIMULATION)
