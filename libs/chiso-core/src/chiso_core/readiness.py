"""Readiness checks shared by the services: the broker and the database answer. The same checks
run on a timer in the consumer services and are exported as chiso_dependency_up, so an alerting
rule sees an unreachable database or broker without anyone calling /readyz."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import psycopg
from prometheus_client import Gauge
from psycopg_pool import AsyncConnectionPool

DEPENDENCY_UP = Gauge(
    "chiso_dependency_up", "1 when the dependency answered the last check", ["dependency"]
)


async def _answers(check: Callable[[], Awaitable[bool]], within_s: float) -> bool:
    with contextlib.suppress(psycopg.Error, TimeoutError, OSError):
        async with asyncio.timeout(within_s):
            return await check()
    return False


def _database(pool: AsyncConnectionPool) -> Callable[[], Awaitable[bool]]:
    async def select_1() -> bool:
        async with pool.connection() as conn:
            await conn.execute("SELECT 1")
        return True

    return select_1


def broker_and_database_ready(
    ping_broker: Callable[[], Awaitable[bool]], pool: AsyncConnectionPool, timeout: float = 2
) -> Callable[[], Awaitable[bool]]:
    async def ready() -> bool:
        return await _answers(_database(pool), timeout) and await _answers(ping_broker, timeout)

    return ready


def dependency_probe(
    ping_broker: Callable[[], Awaitable[bool]], pool: AsyncConnectionPool, timeout: float = 5
) -> Callable[[], Awaitable[int]]:
    """One round of a Loop: checks both, sets DEPENDENCY_UP; never "busy"."""

    async def probe() -> int:
        database, broker = await asyncio.gather(
            _answers(_database(pool), timeout), _answers(ping_broker, timeout)
        )
        DEPENDENCY_UP.labels("database").set(database)
        DEPENDENCY_UP.labels("broker").set(broker)
        return 0

    return probe
