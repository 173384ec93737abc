"""Readiness checks shared by the services: the broker and the database answer."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import psycopg
from psycopg_pool import AsyncConnectionPool


def broker_and_database_ready(
    ping_broker: Callable[[], Awaitable[bool]], pool: AsyncConnectionPool, timeout: float = 2
) -> Callable[[], Awaitable[bool]]:
    async def ready() -> bool:
        with contextlib.suppress(psycopg.Error, TimeoutError):
            async with asyncio.timeout(timeout):
                async with pool.connection() as conn:
                    await conn.execute("SELECT 1")
                return await ping_broker()
        return False

    return ready
