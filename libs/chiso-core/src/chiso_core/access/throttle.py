"""Failed authentications counted per client address (pure): past `limit` in a window, the
address is refused without a lookup until the window ends, and it is logged once per window
instead of once per request (made-up keys at ~940/s each cost a database lookup and a log
line, and slowed other requests tenfold, before this)."""

import time
from dataclasses import dataclass


@dataclass
class _Window:
    started: float
    failures: int = 0


class FailureThrottle:
    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._windows: dict[str, _Window] = {}

    def _window(self, client: str, now: float) -> _Window:
        window = self._windows.get(client)
        if window is None or now - window.started >= self.window_s:
            if len(self._windows) > 10_000:  # many addresses: forget the finished windows
                self._windows = {
                    c: w for c, w in self._windows.items() if now - w.started < self.window_s
                }
            window = self._windows[client] = _Window(now)
        return window

    def wait_s(self, client: str) -> int:
        """0 if the client may try a key now, else the seconds until it may."""
        now = time.monotonic()
        window = self._window(client, now)
        if window.failures < self.limit:
            return 0
        return max(1, round(window.started + self.window_s - now))

    def failed(self, client: str) -> bool:
        """Counts a failure; True for the first of the window (the one to log)."""
        window = self._window(client, time.monotonic())
        window.failures += 1
        return window.failures == 1
