"""Deliver a notification to a webhook: the Alertmanager v4 payload as compact JSON, signed.

The receiver checks `X-Chiso-Signature: t=<unix seconds>,v1=<hex>` where hex is the
HMAC-SHA256, keyed with the subscription's secret, of "<t>." followed by the raw body (see
`verify_signature`); the time in the signed text lets it refuse an old request replayed.
`Idempotency-Key` is the same on every attempt of one notification, so a receiver can drop
the repeat that follows a crash between sending and recording the delivery."""

import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from chiso_alerts.notify.addresses import Network, UnsafeAddress, check_url
from chiso_alerts.notify.outcome import Outcome
from chiso_core.retry_after import retry_after_s

SIGNATURE_HEADER = "X-Chiso-Signature"
# Enough of a refusal's body to say why in the notification log, not a receiver's whole page.
_DETAIL_BYTES = 300


def sign(secret: str, body: bytes, at: int) -> str:
    """The signature header's value for `body` sent at unix time `at`."""
    return f"t={at},v1={_mac(secret, at, body)}"


def verify_signature(
    secret: str, header: str, body: bytes, tolerance_s: float = 300, now: float | None = None
) -> bool:
    """Whether `header` signs `body` with `secret` at a time within `tolerance_s` of now."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            fields.setdefault(name, []).append(value)
    try:
        (at,) = (int(t) for t in fields.get("t", []))
    except ValueError:  # no t, several, or not a number
        return False
    if abs((time.time() if now is None else now) - at) > tolerance_s:
        return False
    expected = _mac(secret, at, body)
    return any(hmac.compare_digest(expected, v) for v in fields.get("v1", []))


async def send_webhook(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    payload: Mapping[str, Any],
    notification_key: str,
    allowed_nets: Sequence[Network],
) -> Outcome:
    """POST `payload` to `url` once. The address is checked first, on what the name resolves
    to now, and the request goes to the address checked (a name re-pointed in between, as in
    DNS rebinding, is not looked up again); a refused address is never contacted. The URL
    itself stays out of `detail`, which is logged (some receivers keep a token in the path)."""
    try:
        (address, *_) = await check_url(url, allowed_nets)
    except UnsafeAddress as e:
        return Outcome("failed", f"refused: {e}")
    target = httpx.URL(url)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Host": target.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "Idempotency-Key": notification_key,
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
    }
    try:
        async with client.stream(
            "POST",
            target.copy_with(host=str(address)),
            content=body,
            headers=headers,
            follow_redirects=False,
            # TLS still names, and verifies the certificate of, the host in the URL
            extensions={"sni_hostname": target.raw_host.decode("ascii")},
        ) as response:
            said = await _start_of(response)
    except httpx.TimeoutException:
        return Outcome("retry", "timed out")
    except httpx.TransportError as e:
        return Outcome("retry", f"{type(e).__name__}: {e}")
    return _judge(response.status_code, response.headers.get("Retry-After"), said)


def _judge(status: int, retry_after: str | None, said: str = "") -> Outcome:
    """Alertmanager's reading of a webhook answer: 2xx delivered, 5xx (and 408, 429) may pass,
    any other answer will not change by asking again (a redirect is not followed: the address
    was checked, where it points to was not)."""
    detail = f"HTTP {status}" + (f": {said}" if said else "")
    if 200 <= status < 300:
        return Outcome("sent", detail)
    if status in (408, 429) or status >= 500:
        return Outcome("retry", detail, retry_after_s(retry_after))
    return Outcome("failed", detail)


def _mac(secret: str, at: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()


async def _start_of(response: httpx.Response) -> str:
    if 200 <= response.status_code < 300:
        return ""
    chunk = b""
    try:
        async for part in response.aiter_bytes():
            chunk += part
            if len(chunk) >= _DETAIL_BYTES:
                break
    except httpx.DecodingError:  # a body that lies about its encoding says nothing useful
        return ""
    return " ".join(chunk[:_DETAIL_BYTES].decode(errors="replace").split())
