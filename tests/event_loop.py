"""How long an event loop kept its ready tasks waiting: what chiso_core.turns bounds."""

import asyncio
import time
from typing import Any


async def longest_wait(work: "asyncio.Task[Any]") -> float:
    """The longest the event loop kept a ready task waiting while `work` ran."""
    longest = 0.0
    while not work.done():
        asked = time.perf_counter()
        await asyncio.sleep(0)
        longest = max(longest, time.perf_counter() - asked)
    return longest
