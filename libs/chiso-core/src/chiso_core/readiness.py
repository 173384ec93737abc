"""Readiness checks shared by the consumer services."""

import contextlib
from collections.abc import Awaitable, Callable

import psycopg
from faststream.kafka import KafkaBroker
from psycopg_pool import AsyncConnectionPool


def broker_and_database_ready(
    broker: KafkaBroker, pool: AsyncConnectionPool
) -> Callable[[], Awaitable[bool]]:
    async def ready() -> bool:
        with contextlib.suppress(psycopg.Error, TimeoutError):
            async with pool.connection(timeout=2) as conn:
                await conn.execute("SELECT 1")
            return await broker.ping(timeout=2)
        return False

    return ready
