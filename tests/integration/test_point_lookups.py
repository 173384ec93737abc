"""Looking figures up by point touches about one row a point, however many figures share its
period: a batch's lookups (store.points_at) must not go through the period whole for each key.
The plan is the one the scoring service met under the bench: prepared, planned once for any
period and any keys (a generic plan, which expects ten keys), a nested loop over the keys
probing an index for each, on a chunk last analysed a month before (the month looked up is past
its statistics, as each new month is until the chunk is analysed again)."""

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import AsyncConnection

from chiso_core.periods import Grain, Period
from chiso_scoring import store

COMMUNES = 5_000
KEYS = 1_000
BEFORE, MONTH = Period(2020, 1, Grain.MONTH), Period(2020, 2, Grain.MONTH)


@pytest.fixture
def one_crowded_month(database_url: str) -> str:
    """A month of 5,000 communes × 2 indicators, in a yearly chunk last analysed when it held
    the month before alone."""
    insert = (
        "INSERT INTO observations (period_start, grain, jurisdiction_id, indicator_code,"
        " revision, value, source, message_id, content_hash, reported_at)"
        " SELECT %s, 'month', 'c' || n, i, 1, 50, 'test', md5(n || i), '\\x00', now()"
        "   FROM generate_series(1, %s::int) n, unnest(ARRAY['a', 'b']) i"
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE observations SET (autovacuum_enabled = false)")
        conn.execute(insert, (BEFORE.start, COMMUNES))
        conn.execute("ANALYZE observations")
        conn.execute(insert, (MONTH.start, COMMUNES))
    return database_url


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from nodes(child)


def rows_touched(plan: dict[str, Any]) -> int:
    """Rows the plan's scans gave and its filters and joins threw away, over all loops."""
    return sum(
        (node.get("Actual Rows", 0) if "Scan" in node["Node Type"] else 0) * node["Actual Loops"]
        + node.get("Rows Removed by Filter", 0)
        + node.get("Rows Removed by Join Filter", 0)
        for node in nodes(plan)
    )


async def test_points_are_looked_up_without_going_through_their_period_whole(
    one_crowded_month: str,
) -> None:
    keys = {(f"c{n}", "a", MONTH) for n in range(1, KEYS + 1)}
    plans: list[dict[str, Any]] = []
    async with await AsyncConnection.connect(one_crowded_month) as conn:
        for setting in (
            "plan_cache_mode = force_generic_plan",
            "enable_hashjoin = off",
            "enable_mergejoin = off",
            "enable_seqscan = off",
            "client_min_messages = log",  # auto_explain's plans come as notices
        ):
            await conn.execute(f"SET {setting}")
        await conn.execute("LOAD 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_analyze = on", "log_format = json"):
            await conn.execute(f"SET auto_explain.{setting}")
        conn.add_notice_handler(
            lambda d: plans.append(json.loads(str(d.message_primary).split("plan:", 1)[1])["Plan"])
        )
        found = await store.points_at(conn, keys)

    assert set(found) == keys
    (plan,) = plans
    # about a row a key; through the month for each key, ten million
    assert rows_touched(plan) < 5 * KEYS
