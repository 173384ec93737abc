"""Webhook delivery against a real HTTP server on loopback: the body is the signed payload, the
Idempotency-Key repeats with the notification, answers map to sent / retry / failed the way
Alertmanager reads them, and an address that is not allowed is never contacted."""

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from ipaddress import ip_network
from typing import Any

import httpx
import pytest

from chiso_alerts.notify.addresses import Network
from chiso_alerts.notify.outcome import Outcome
from chiso_alerts.notify.payload import NotifiedAlert, webhook_payload
from chiso_alerts.notify.webhook import SIGNATURE_HEADER, send_webhook, sign, verify_signature
from tests.http_recorder import Answer, http_recorder

SECRET = "s3cret-of-subscription"
KEY = "sub-1/106/3"
LOOPBACK: list[Network] = [ip_network("127.0.0.0/8")]
PAYLOAD = webhook_payload(
    receiver="so-tttt-lai-chau",
    group_key='sub-1:{jurisdiction="106"}',
    group_labels={"jurisdiction": "106"},
    alerts=[
        NotifiedAlert(
            "0123456789abcdef",
            "firing",
            {"alertname": "TargetDrifting", "jurisdiction": "106"},
            {"summary": "Tỷ lệ đang trượt khỏi lộ trình"},
            datetime(2026, 11, 23, 4, 5, tzinfo=UTC),
            None,
            "http://grafana.example/d/chiso",
        )
    ],
    external_url="http://grafana.example",
)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as c:
        yield c


async def send(
    client: httpx.AsyncClient, url: str, allowed: Sequence[Network] = LOOPBACK
) -> Outcome:
    return await send_webhook(client, url, SECRET, PAYLOAD, KEY, allowed)


async def test_the_receiver_gets_the_signed_payload_with_its_idempotency_key(
    client: httpx.AsyncClient,
) -> None:
    with http_recorder() as receiver:
        outcome = await send(client, receiver.url("/hook"))
        again = await send(client, receiver.url("/hook"))
    assert (outcome.kind, again.kind) == ("sent", "sent")
    first, second = receiver.requests
    assert (first.method, first.path) == ("POST", "/hook")
    assert first.headers["content-type"] == "application/json"
    # compact UTF-8 JSON (no \u escapes), exactly the bytes that were signed
    assert first.body == json.dumps(PAYLOAD, ensure_ascii=False, separators=(",", ":")).encode()
    assert verify_signature(SECRET, first.headers[SIGNATURE_HEADER.lower()], first.body)
    # a repeat of the same notification is recognisable by its key
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == KEY


def test_a_signature_verifies_only_for_its_body_secret_and_time() -> None:
    body = b'{"version":"4"}'
    now = time.time()
    header = sign(SECRET, body, int(now))
    assert verify_signature(SECRET, header, body, now=now)
    assert not verify_signature(SECRET, header, body + b" ", now=now)
    assert not verify_signature("another secret", header, body, now=now)
    assert not verify_signature(SECRET, header, body, tolerance_s=300, now=now + 301)
    assert verify_signature(SECRET, header, body, tolerance_s=300, now=now + 299)
    t, v1 = header.split(",")
    assert not verify_signature(SECRET, v1, body, now=now)  # no time
    assert not verify_signature(SECRET, f"t=x,{v1}", body, now=now)
    assert not verify_signature(SECRET, f"{t},{t},{v1}", body, now=now)
    assert not verify_signature(SECRET, t, body, now=now)  # no signature
    # several v1 values (a receiver rotating secrets) pass when one matches
    assert verify_signature(SECRET, f"{t},v1=00,{v1}", body, now=now)


@pytest.mark.parametrize(
    ("answer", "kind", "retry_after"),
    [
        (Answer(200), "sent", None),
        (Answer(204, b""), "sent", None),
        (Answer(503, b"busy", {"Retry-After": "7"}), "retry", 7.0),
        (Answer(500, b"oops"), "retry", None),
        (Answer(408, b"slow"), "retry", None),
        (Answer(429, b"slow down", {"Retry-After": "120"}), "retry", 120.0),
        (Answer(400, b"bad payload"), "failed", None),
        (Answer(404, b"no such hook"), "failed", None),
        (Answer(410, b"gone"), "failed", None),
    ],
)
async def test_answers_map_like_alertmanager(
    client: httpx.AsyncClient, answer: Answer, kind: str, retry_after: float | None
) -> None:
    with http_recorder(answer) as receiver:
        outcome = await send(client, receiver.url())
    assert (outcome.kind, outcome.retry_after_s) == (kind, retry_after)
    assert outcome.detail.startswith(f"HTTP {answer.status}")
    if kind != "sent":
        assert answer.body.decode() in outcome.detail  # the receiver's reason is kept


async def test_an_unreadable_refusal_is_still_a_refusal(client: httpx.AsyncClient) -> None:
    garbled = Answer(400, b"not gzip at all", {"Content-Encoding": "gzip"})
    with http_recorder(garbled) as receiver:
        outcome = await send(client, receiver.url())
    assert (outcome.kind, outcome.detail) == ("failed", "HTTP 400")


async def test_retry_after_as_a_date(client: httpx.AsyncClient) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    with http_recorder(Answer(503, b"", {"Retry-After": later})) as receiver:
        outcome = await send(client, receiver.url())
    assert outcome.kind == "retry"
    assert outcome.retry_after_s is not None
    assert 80 < outcome.retry_after_s <= 90


async def test_a_redirect_is_not_followed(client: httpx.AsyncClient) -> None:
    """The address was checked; where a redirect points was not."""
    with http_recorder() as elsewhere:
        moved = Answer(307, b"", {"Location": elsewhere.url("/internal")})
        with http_recorder(moved) as receiver:
            outcome = await send(client, receiver.url())
    assert outcome.kind == "failed"
    assert outcome.detail.startswith("HTTP 307")
    assert len(receiver.requests) == 1
    assert elsewhere.requests == []


async def test_a_private_address_is_refused_without_a_request(client: httpx.AsyncClient) -> None:
    with http_recorder() as receiver:
        outcome = await send(client, receiver.url("/hook"), allowed=[])
    assert outcome.kind == "failed"
    assert "refused" in outcome.detail
    assert "CHISO_WEBHOOK_ALLOW_NETS" in outcome.detail
    assert receiver.requests == []


async def test_the_request_goes_to_the_address_that_was_checked(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to an allowed address when checked and to another one
    right after. The request must go where the check looked, not be resolved again."""
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    answers = iter(["127.0.0.1", "127.0.0.2"])  # nothing listens on the second

    async def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "hooks.test":
            host = next(answers)
        return await real(host, port, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    with http_recorder() as receiver:
        outcome = await send(
            client, f"http://hooks.test:{receiver.port}/hook", [ip_network("127.0.0.1/32")]
        )
    assert outcome.kind == "sent"
    (request,) = receiver.requests
    assert request.headers["host"] == f"hooks.test:{receiver.port}"  # the name, not the address
    assert request.path == "/hook"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


async def test_no_answer_is_retried(silent_port: int) -> None:
    async with httpx.AsyncClient(timeout=0.3) as client:
        outcome = await send(client, f"http://127.0.0.1:{silent_port}/token-in-path")
    assert (outcome.kind, outcome.detail) == ("retry", "timed out")


async def test_a_closed_port_is_retried(client: httpx.AsyncClient) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        outcome = await send(client, f"http://127.0.0.1:{port}/token-in-path")
    assert outcome.kind == "retry"
    assert "ConnectError" in outcome.detail
    for secret in (SECRET, "token-in-path"):  # the detail is logged: nothing secret in it
        assert secret not in outcome.detail
