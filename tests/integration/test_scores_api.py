"""The scoring service's read API over scores computed from real messages."""

from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool

from chiso_core.access.agencies import Permission
from chiso_core.access.auth import Authenticator
from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.problems import add_problem_handlers
from chiso_core.settings import AuthSettings
from chiso_devstack.processes import agency_key
from chiso_scoring.api import scores_router
from chiso_scoring.live import live_router
from tests.integration.conftest import Harness, observation


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The read routes alone, on their own pool: no consumer races the harness for the data."""
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool:
        app = FastAPI()
        app.include_router(scores_router(pool, CatalogCache(pool).get))
        add_problem_handlers(app)
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
    # every target names its owners: its own, or the plan's by default, with the agencies' names
    for t, shown in zip(plan.targets, card["targets"], strict=True):
        owners = plan.owners_of(t)
        assert owners is not None
        assert [shown["owners"]["lead"]["id"]] + [
            a["id"] for a in shown["owners"]["supporting"]
        ] == list(owners.agencies)
        assert shown["owners"]["lead"]["name_vi"] == catalog.agencies[owners.lead].name_vi
    assert usage["owners"]["lead"]["name_vi"].startswith("Văn phòng Hội đồng nhân dân")
    assert all(t["explanation"] is None for t in card["targets"])


async def test_the_scorecard_shows_each_targets_latest_explanation(
    api: httpx.AsyncClient, database_url: str
) -> None:
    said = [
        ("online_public_service_usage_2030", "2025-05", "vp_ubnd_tam_duong", "tháng 5"),
        ("online_public_service_usage_2030", "2025-06", "phong_vhkhtt_tam_duong", "tháng 6"),
        ("online_public_service_usage_2030", "2025-04", "vp_ubnd_tam_duong", "muộn, về tháng 4"),
        ("budget_share_sti_dx_2030", "2025", "phong_tckh_tam_duong", "cả năm"),
    ]
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        for target, period, agency, done in said:  # one at a time: each its own time
            await conn.execute(
                "INSERT INTO target_explanations (plan_id, target_id, period, agency, key_id,"
                " done, difficulties, next_actions, channel) VALUES"
                " ('tam_duong_nq57', %s, %s, %s, 'k', %s, 'khó', 'sẽ làm', 'api')",
                (target, period, agency, done),
            )
            await conn.commit()

    card = (await api.get("/v1/scorecard", params={"plan": "tam_duong_nq57"})).json()

    shown = {t["target_id"]: t["explanation"] for t in card["targets"] if t["explanation"]}
    # the latest recorded wins, whichever period it is about
    usage = shown["online_public_service_usage_2030"]
    assert (usage["period"], usage["done"], usage["by"]["id"]) == (
        "2025-04",
        "muộn, về tháng 4",
        "vp_ubnd_tam_duong",
    )
    assert usage["by"]["name_vi"].startswith("Văn phòng Hội đồng nhân dân")
    assert shown["budget_share_sti_dx_2030"]["done"] == "cả năm"
    assert set(shown) == {"online_public_service_usage_2030", "budget_share_sti_dx_2030"}

    # the history keeps every word, newest first, with who said it and when
    history = (
        await api.get(
            "/v1/explanations",
            params={"plan": "tam_duong_nq57", "target": "online_public_service_usage_2030"},
        )
    ).json()
    assert [(h["period"], h["by"]["id"]) for h in history] == [
        ("2025-04", "vp_ubnd_tam_duong"),
        ("2025-06", "phong_vhkhtt_tam_duong"),
        ("2025-05", "vp_ubnd_tam_duong"),
    ]
    assert history[0]["recorded_at"] >= history[1]["recorded_at"] >= history[2]["recorded_at"]
    every = (await api.get("/v1/explanations", params={"plan": "tam_duong_nq57"})).json()
    assert len(every) == 4
    one = (await api.get("/v1/explanations", params={"plan": "tam_duong_nq57", "limit": 1})).json()
    assert [h["done"] for h in one] == ["cả năm"]
    assert (await api.get("/v1/explanations", params={"plan": "nope"})).status_code == 404


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


@pytest.mark.parametrize("value", ["\x00", "lai_chau\x00", "a\x1fb", "\x7f", "x\ny"])
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/scores", "jurisdiction"),
        ("/v1/scores", "target"),
        ("/v1/scores", "plan"),
        ("/v1/scorecard", "jurisdiction"),
        ("/v1/scorecard", "plan"),
        ("/v1/explanations", "plan"),
        ("/v1/explanations", "target"),
    ],
)
async def test_a_control_character_in_a_parameter_is_422_naming_it(
    api: httpx.AsyncClient, path: str, parameter: str, value: str
) -> None:
    """NUL and the other control characters (PostgreSQL cannot hold NUL: this was a 500)."""
    answer = await api.get(path, params={"plan": "tam_duong_nq57", parameter: value})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["problems"]
    assert problem["field"] == f"query.{parameter}"
    assert problem["problem"].startswith("không được chứa ký tự điều khiển (có U+")
    assert "/ control characters are not accepted" in problem["problem"]


@pytest.fixture
async def private_api(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The read routes and the live page as scoring serves them unless scorecards are public: a
    key with the 'read' permission required."""
    settings = AuthSettings(key_cache_s=0)
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool:
        app = FastAPI()
        reader = Authenticator(pool, settings, Permission.READ)
        app.include_router(scores_router(pool, CatalogCache(pool).get, reader))
        app.include_router(live_router(pool, CatalogCache(pool).get, reader))
        add_problem_handlers(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://scoring") as client:
            yield client


@pytest.mark.parametrize(
    "path",
    ["/v1/scorecard", "/v1/scores", "/v1/explanations", "/scorecard", "/scorecard/tam_duong_nq57"],
)
async def test_the_read_api_answers_only_keys_that_may_read(
    private_api: httpx.AsyncClient, database_url: str, path: str
) -> None:
    scope = (["khanh_hoa"], ["online_public_service_usage"])
    reader = agency_key(database_url, "reader", *scope, permissions=["read"])
    reporter = agency_key(database_url, "reporter", *scope, permissions=["report"])
    params = {"plan": "tam_duong_nq57"}

    anyone = await private_api.get(path, params=params)
    made_up = await private_api.get(
        path, params=params, headers={"Authorization": "Bearer chiso_0123456789ab_" + "A" * 43}
    )
    not_allowed = await private_api.get(
        path, params=params, headers={"Authorization": f"Bearer {reporter}"}
    )
    allowed = await private_api.get(
        path, params=params, headers={"Authorization": f"Bearer {reader}"}
    )

    assert [a.status_code for a in (anyone, made_up, not_allowed, allowed)] == [401, 401, 403, 200]
    assert anyone.headers["WWW-Authenticate"] == "Bearer"
    assert "not read" in not_allowed.json()["problems"][0]["problem"]
