"""chiso_core.turns: long work over many items holds the event loop a turn at a time."""

import asyncio
import time

import pytest

from chiso_core.turns import in_turns
from tests.event_loop import longest_wait


def busy(seconds: float) -> None:
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


@pytest.mark.parametrize("turn_s", [0.005, 0.02, 0.05])
async def test_the_loop_waits_a_turn_not_the_work(turn_s: float) -> None:
    item_s = 0.001

    async def work() -> list[int]:
        done = []
        async for item in in_turns(range(300), turn_s):
            busy(item_s)
            done.append(item)
        return done

    task = asyncio.create_task(work())
    longest = await longest_wait(task)
    assert await task == list(range(300))  # every item, in order
    # a turn, an item past it and the scheduler's slack; the work itself took 0.3 s
    assert longest < turn_s + item_s + 0.05, longest


async def test_work_shorter_than_a_turn_runs_straight_through() -> None:
    waited = 0

    async def other() -> None:
        nonlocal waited
        while True:
            await asyncio.sleep(0)
            waited += 1

    task = asyncio.create_task(other())
    await asyncio.sleep(0)
    before = waited
    assert [item async for item in in_turns(range(1000), turn_s=1.0)] == list(range(1000))
    assert waited == before  # no turn given: the other task did not run meanwhile
    task.cancel()
