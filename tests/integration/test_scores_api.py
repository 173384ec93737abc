"""The scoring service's read API over scores computed from real messages."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool

from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_scoring.api import scores_router
from tests.integration.conftest import Harness, observation


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The read routes alone, on their own pool: no consumer races the harness for the data."""
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool:
        app = FastAPI()
        app.include_router(scores_router(pool, CatalogCache(pool).get))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://scoring") as client:
            yield client


async def test_the_scorecard_lists_every_target_with_its_latest_score(
    harness: Harness, catalog: Catalog, api: httpx.AsyncClient
) -> None:
    await harness.run(
        [observation(catalog, "2025-01", 40.0), observation(catalog, "2025-06", 41.0)]
    )

    card = (await api.get("/v1/scorecard", params={"plan": "tam_duong_nq57"})).json()

    plan = catalog.plans["tam_duong_nq57"]
    assert (card["plan_id"], card["jurisdiction"], card["plan_revision"]) == (
        "tam_duong_nq57",
        "tam_duong",
        1,
    )
    assert [t["target_id"] for t in card["targets"]] == [t.id for t in plan.targets]
    usage = next(t for t in card["targets"] if t["target_id"] == "online_public_service_usage_2030")
    assert usage["status"] == "stale"  # its latest figure, 2025-06, judged today
    assert usage["quote"].endswith("đạt trên 80%")
    assert (usage["latest"]["period"], usage["latest"]["actual"]) == ("2025-06", 41.0)
    others = [t for t in card["targets"] if t["target_id"] != "online_public_service_usage_2030"]
    assert {t["status"] for t in others} == {"insufficient_data"}
    assert all(t["latest"] is None for t in others)


async def test_the_history_is_filtered_and_ordered(
    harness: Harness, catalog: Catalog, api: httpx.AsyncClient
) -> None:
    await harness.run(
        [
            observation(catalog, p, v)
            for p, v in (("2025-01", 40.0), ("2025-03", 40.5), ("2025-06", 41.0))
        ]
    )

    answer = await api.get(
        "/v1/scores",
        params={
            "plan": "tam_duong_nq57",
            "target": "online_public_service_usage_2030",
            "from": "2025-02-01",
        },
    )
    history = answer.json()

    assert [(s["period"], s["actual"], s["status"]) for s in history] == [
        ("2025-03", 40.5, "off_track"),  # judged at the end of March: behind the path
        ("2025-06", 41.0, "stale"),  # the latest, judged today
    ]
    assert (await api.get("/v1/scorecard", params={"plan": "nope"})).status_code == 404
    too_few = await api.get("/v1/scores", params={"plan": "tam_duong_nq57", "limit": 0})
    assert too_few.status_code == 422
