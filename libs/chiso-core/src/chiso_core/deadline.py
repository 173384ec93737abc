"""Waiting for work with a deadline that holds, whatever the work does when it is cancelled."""

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


def _retrieve(task: "asyncio.Task[Any]") -> None:
    if not task.cancelled():
        task.exception()  # nobody waits for it any more: retrieved, not reported as lost


async def finish_within(work: Awaitable[T], timeout_s: float) -> T:
    """The work's result, or TimeoutError after `timeout_s`. The work runs as its own task,
    cancelled at the deadline but not waited for: cancelled, psycopg spends up to 10 s more
    trying to cancel the query on a server that may be frozen (asyncio.wait_for would wait
    for that too)."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout_s)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task in done:
        return task.result()
    task.cancel()
    task.add_done_callback(_retrieve)
    raise TimeoutError(f"not finished within {timeout_s:g} s")
