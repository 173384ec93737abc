"""Long CPU work on a service's event loop, done in turns: between two turns the loop answers the
API and the probes, so a batch being judged holds them up for a turn at most, not for the batch.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

# Long enough that the turns cost nothing next to the work (a turn is a few µs), short enough
# that a request waits a few turns at worst (it takes several: accept, read, answer).
TURN_S = 0.01


async def in_turns(items: Iterable[T], turn_s: float = TURN_S) -> AsyncIterator[T]:
    """The items, the event loop given a turn whenever `turn_s` has passed since its last one."""
    last = time.perf_counter()
    for item in items:
        yield item
        if time.perf_counter() - last > turn_s:
            await asyncio.sleep(0)
            last = time.perf_counter()
