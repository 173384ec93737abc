"""Per-key rate limit: a token bucket per API key, in this process. Each replica keeps its own
buckets, so n replicas behind a load balancer admit up to n times the rate."""

import math
import time


class RateLimit:
    def __init__(self, per_s: float, burst: int) -> None:
        self.per_s, self.burst = per_s, burst
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, when)

    def take(self, key: str) -> int:
        """0 if the request may go ahead (a token is spent), else the seconds to wait."""
        now = time.monotonic()
        tokens, then = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.per_s)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return 0
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / self.per_s))
