"""API keys (pure): `chiso_<key id>_<secret>`. The key id is public and names the key in logs
and tables; only a hash of the secret is stored. The secret is 256 random bits, so a plain
SHA-256 is as good as a slow password hash here and costs nothing per request."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

_FORMAT = re.compile(r"^chiso_(?P<key_id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewKey:
    key_id: str
    secret_hash: bytes
    token: str  # what the agency sends; shown once, never stored or logged


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def new_key() -> NewKey:
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return NewKey(key_id, hash_secret(secret), f"chiso_{key_id}_{secret}")


def parse(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    m = _FORMAT.match(token)
    return (m["key_id"], m["secret"]) if m else None


def matches(secret: str, secret_hash: bytes) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)
