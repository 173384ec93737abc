"""API keys and the per-key token bucket (pure)."""

import time

import pytest

from chiso_core.access import keys
from chiso_ingest.ratelimit import RateLimit


def test_a_new_key_parses_back_and_only_its_secret_matches_the_hash() -> None:
    key = keys.new_key()
    parsed = keys.parse(key.token)
    assert parsed is not None
    key_id, secret = parsed
    assert key_id == key.key_id
    assert keys.matches(secret, key.secret_hash)
    assert not keys.matches(secret[:-1] + ("A" if secret[-1] != "A" else "B"), key.secret_hash)
    assert secret not in key.secret_hash.hex()
    assert keys.new_key().token != key.token


@pytest.mark.parametrize(
    "token",
    ["", "chiso_", "chiso_0123456789ab_short", "other_0123456789ab_" + "x" * 43, "x" * 62],
)
def test_anything_else_is_not_a_key(token: str) -> None:
    assert keys.parse(token) is None


def test_the_bucket_refills_at_the_rate_and_holds_at_most_the_burst(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    limit = RateLimit(per_s=2, burst=3)
    assert [limit.take("a") for _ in range(4)] == [0, 0, 0, 1]
    assert limit.take("b") == 0  # each key has its own bucket
    clock[0] += 0.5  # one token back
    assert [limit.take("a"), limit.take("a")] == [0, 1]
    clock[0] += 60  # a long pause refills to the burst, not beyond
    assert [limit.take("a") for _ in range(4)] == [0, 0, 0, 1]


def test_retry_after_is_the_whole_seconds_until_a_token() -> None:
    limit = RateLimit(per_s=0.25, burst=1)
    assert limit.take("a") == 0
    assert limit.take("a") == 4
