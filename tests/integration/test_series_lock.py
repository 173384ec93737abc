"""One series, one writer: a batch waits while another transaction writes any series it
writes (its own units' and, through roll-ups, their parents'), and batches that share series in
any order queue instead of deadlocking."""

import asyncio

import pytest
from psycopg import AsyncConnection

from chiso_core.catalog import Catalog
from chiso_scoring import store
from tests.integration.conftest import Harness, observation

USAGE = "online_public_service_usage"


@pytest.mark.parametrize("held", ["tam_duong", "lai_chau"])
async def test_a_batch_waits_for_the_writer_of_its_series_and_of_its_parents(
    harness: Harness, database_url: str, catalog: Catalog, held: str
) -> None:
    """Tam Đường's figure rolls up into Lai Châu: a writer of either series holds it back."""
    async with await AsyncConnection.connect(database_url) as other:
        async with other.transaction():
            await store.lock_series(other, [(held, USAGE)])
            batch = asyncio.create_task(harness.run([observation(catalog, "2025-01", 40.0)]))
            done, _ = await asyncio.wait([batch], timeout=2.0)
            assert not done, "the batch must wait for the other writer"
            assert harness.rows("SELECT count(*) FROM observations") == [(0,)]
        await asyncio.wait_for(batch, timeout=30)
    assert harness.rows("SELECT count(*) FROM observations WHERE NOT derived") == [(1,)]


async def test_batches_sharing_series_in_any_order_never_deadlock(database_url: str) -> None:
    """Each takes the same locks in the opposite order it was given them and holds them a
    moment; were the locks taken in that order, PostgreSQL would find a deadlock and abort one."""
    series = [(unit, USAGE) for unit in ("tam_duong", "lai_chau", "khanh_hoa", "tien_giang")]

    async def write(keys: list[tuple[str, str]]) -> None:
        async with await AsyncConnection.connect(database_url) as conn, conn.transaction():
            await conn.execute("SET LOCAL deadlock_timeout = '50ms'")
            await store.lock_series(conn, keys)
            await asyncio.sleep(0.02)

    for _ in range(10):
        await asyncio.wait_for(
            asyncio.gather(write(series), write(series[::-1]), write(series[1:] + series[:1])),
            timeout=30,
        )
