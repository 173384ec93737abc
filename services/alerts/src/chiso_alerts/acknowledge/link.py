"""Signed acknowledgement links (pure): a notification carries, per alert, a link its reader
opens to acknowledge it without an API key. The link names the alert's episode and the
subscription it was sent to, and when it expires; an HMAC-SHA256 over these with a secret only
the service knows makes it unforgeable. It carries no key, so a forwarded email grants nothing
more than acknowledging that one alert."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from chiso_core.settings import AlertsSettings

PATH = "/ack/"


@dataclass(frozen=True)
class Claim:
    fingerprint: str
    starts_at: datetime  # the episode, to the second
    subscription_id: UUID
    expires_at: datetime


class LinkRefused(ValueError):
    """The token is malformed, forged or expired (the message says which, Vietnamese first)."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


_INVALID = "liên kết không hợp lệ / the link is not valid"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, body: str) -> str:
    return _b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest())


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


def sign(secret: str, claim: Claim) -> str:
    body = _b64(
        "|".join(
            (
                claim.fingerprint,
                str(_epoch(claim.starts_at)),
                str(claim.subscription_id),
                str(_epoch(claim.expires_at)),
            )
        ).encode()
    )
    return f"{body}.{_mac(secret, body)}"


def verify(secret: str, token: str, now: datetime) -> Claim:
    """The claim of a token signed with `secret` and not expired at `now`; LinkRefused if not."""
    body, _, mac = token.partition(".")
    if not hmac.compare_digest(mac.encode(), _mac(secret, body).encode()):
        raise LinkRefused(_INVALID)
    try:  # signed by us, so well formed; a failure here is a changed format, not an attack
        fingerprint, starts, sub, expires = _unb64(body).decode().split("|")
        claim = Claim(
            fingerprint,
            datetime.fromtimestamp(int(starts), UTC),
            UUID(sub),
            datetime.fromtimestamp(int(expires), UTC),
        )
    except ValueError:
        raise LinkRefused(_INVALID) from None
    if now >= claim.expires_at:
        raise LinkRefused("liên kết đã hết hạn / the link has expired", expired=True)
    return claim


def url(base: str, secret: str, claim: Claim) -> str:
    """The link under the alerts service's public address `base`."""
    return base.rstrip("/") + PATH + sign(secret, claim)


@dataclass(frozen=True)
class Links:
    """What making links needs: the service's public address, the secret, how long a link
    lasts."""

    base: str
    secret: str
    ttl_s: float

    def for_alert(
        self, fingerprint: str, starts_at: datetime, subscription_id: UUID, now: datetime
    ) -> str:
        expires = datetime.fromtimestamp(_epoch(now) + int(self.ttl_s), UTC)
        return url(self.base, self.secret, Claim(fingerprint, starts_at, subscription_id, expires))


def ack_links(settings: AlertsSettings) -> Links | None:
    """The links the settings allow: none without both the public address and the secret."""
    if settings.ack_url is None or settings.ack_secret is None:
        return None
    return Links(settings.ack_url, settings.ack_secret.get_secret_value(), settings.ack_link_ttl_s)
