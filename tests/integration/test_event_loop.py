"""A batch judged on the service's event loop gives the loop turns (chiso_core.turns): its API
and probes wait a turn, not the batch. Over the real broker and database, in this process."""

import asyncio
import time

import pytest

from chiso_core import collector
from chiso_core.catalog import Catalog, Indicator
from chiso_core.checks import Checked, Reported, check, today_in_vietnam
from chiso_core.contracts.v1.observation_pb2 import Observation
from chiso_ingest.convert import to_message
from tests.event_loop import longest_wait
from tests.integration.conftest import Harness

# long yearly series and short monthly ones: many series, none long to judge on its own
YEARS, MONTHLY_YEARS = range(1995, 2025), range(2022, 2025)


def a_fitting_value(indicator: Indicator, k: int) -> float:
    """A figure inside the indicator's valid range, moving with `k`."""
    low = indicator.valid_min if indicator.valid_min is not None else 0.0
    high = indicator.valid_max if indicator.valid_max is not None else low + 100.0
    return low + (high - low) * (0.25 + 0.5 * (k % 7) / 7)


def a_large_batch(catalog: Catalog) -> list[tuple[bytes, Observation]]:
    """Thirty years of yearly figures and three of monthly ones, of every series with a target:
    each series read back and judged at every figure, the batch's heaviest path."""
    today = today_in_vietnam()
    messages = []
    for jurisdiction in catalog.jurisdictions:
        for code, indicator in catalog.indicators.items():
            if not catalog.targets_for(code, jurisdiction):
                continue
            if indicator.cadence == "month":
                periods = [f"{y}-{m:02}" for y in MONTHLY_YEARS for m in range(1, 13)]
            else:
                periods = [str(y) for y in YEARS]
            for k, period in enumerate(periods):
                value = a_fitting_value(indicator, k)
                checked = check(Reported(code, jurisdiction, period, value), catalog, today)
                if isinstance(checked, Checked):  # a milestone takes 0 or 1, a rank an integer
                    messages.append(to_message(checked, source="test"))
    return messages


async def served(harness: Harness, batch: list[tuple[bytes, Observation]]) -> None:
    """The batch handled as the service handles one: no cyclic collection meanwhile
    (chiso_core.messaging.consume_batches). In a CI run the loop stalled 0.44 s in this test
    without it: no step of the batch takes that long, a full collection of the test session's
    heap does (chiso_core.collector), and the service never collects mid-batch."""
    with collector.paused():
        await harness.run(list(batch))


@pytest.mark.usefixtures("as_served")
async def test_a_batch_holds_the_event_loop_a_turn_at_a_time(
    harness: Harness, catalog: Catalog
) -> None:
    batch = a_large_batch(catalog)
    started = time.perf_counter()
    work = asyncio.create_task(served(harness, batch))
    longest = await longest_wait(work)
    await work
    took = time.perf_counter() - started
    [(judged,)] = harness.rows(
        "SELECT count(DISTINCT (jurisdiction_id, indicator_code)) FROM scores"
    )
    # the batch judged dozens of series: long enough to measure
    assert isinstance(judged, int)
    assert judged >= 40
    # a turn is about a series' judging (~0.03 s here); unturned, the loop waits for a lane's
    # judging of its series (~0.14 s), while the batch takes seconds
    assert longest < 0.07, (longest, took)
