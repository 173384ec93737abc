"""The scoring service's live scorecard: the printed report's page, read afresh, with the firing
alerts of the plan (through the `dash_alerts` view); opened in a real headless Chromium."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool

from chiso_core.catalog import Catalog
from chiso_core.catalog.store import CatalogCache
from chiso_core.problems import add_problem_handlers
from chiso_scoring.live import live_router
from tests.integration.conftest import Harness
from tests.integration.test_report import PLAN, _chromium, _scored


@pytest.fixture
async def live(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2) as pool:
        app = FastAPI()
        app.include_router(live_router(pool, CatalogCache(pool).get))
        add_problem_handlers(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://scoring") as client:
            yield client


def _alert(conn: psycopg.Connection, name: str, state: str, labels: dict[str, str]) -> None:
    conn.execute(
        "INSERT INTO alerts (fingerprint, labels, annotations, state, starts_at, last_period,"
        " last_grain) VALUES (%s, %s, %s, %s, now(), '2025-06-01', 'month')",
        [name, json.dumps(labels), json.dumps({"summary": f"tóm tắt {name}"}), state],
    )


async def test_the_live_page_shows_the_scorecard_and_the_firing_alerts(
    harness: Harness, catalog: Catalog, database_url: str, live: httpx.AsyncClient, tmp_path: Path
) -> None:
    await _scored(harness, catalog, "2025-06")
    target = catalog.plans[PLAN].targets[0].id
    with psycopg.connect(database_url, autocommit=True) as conn:
        ours = {"plan": PLAN, "target": target, "jurisdiction": "khanh_hoa", "severity": "warning"}
        _alert(conn, "firing-here", "firing", ours)
        _alert(conn, "resolved-here", "resolved", ours)
        _alert(conn, "pending-here", "pending", ours)
        _alert(conn, "firing-elsewhere", "firing", {**ours, "plan": "tam_duong_nq57"})
        _alert(conn, "stale-place", "firing", {"jurisdiction": "khanh_hoa", "severity": "info"})
        conn.execute(
            "INSERT INTO target_explanations (plan_id, target_id, period, agency, key_id, done,"
            " difficulties, next_actions, evidence_url, channel) VALUES (%s, %s, '2025-06',"
            " 'so_khcn_khanh_hoa', 'k', 'Đã làm <b>nhiều</b>', 'Thiếu người', 'Tuyển thêm',"
            " 'https://khanhhoa.gov.vn/bc', 'api')",
            [PLAN, target],
        )

    index = await live.get("/scorecard")
    page = await live.get(f"/scorecard/{PLAN}")

    assert index.status_code == 200
    for plan in catalog.plans:
        assert f'href="/scorecard/{plan}"' in index.text
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for t in catalog.plans[PLAN].targets:
        assert f'id="row-{t.id}"' in page.text
    assert "Cảnh báo đang bật (2)" in page.text
    assert "tóm tắt firing-here" in page.text
    assert f'href="#target-{target}"' in page.text
    assert "tóm tắt stale-place" in page.text  # a jurisdiction's own alert, no plan label
    for absent in ("resolved-here", "pending-here", "firing-elsewhere"):
        assert f"tóm tắt {absent}" not in page.text
    assert 'href="/scorecard"' in page.text
    assert page.text.count("Chủ trì: <b>") == len(catalog.plans[PLAN].targets)
    # the owner's latest word under its target, as text (never markup)
    assert page.text.count('class="explanation"') == 1
    assert "Đã làm &lt;b&gt;nhiều&lt;/b&gt;" in page.text
    assert "Khó khăn, vướng mắc:</b> Thiếu người" in page.text
    assert 'href="https://khanhhoa.gov.vn/bc"' in page.text

    file = tmp_path / "live.html"
    file.write_text(page.text, encoding="utf-8")
    dom = await _chromium(tmp_path / "profile", "--dump-dom", file.as_uri())
    assert "tóm tắt firing-here" in dom
    screenshot = tmp_path / "live.png"
    await _chromium(
        tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1280,1600", file.as_uri()
    )
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert screenshot.stat().st_size > 20_000


async def test_an_unknown_plan_is_a_404_in_both_languages(live: httpx.AsyncClient) -> None:
    answer = await live.get("/scorecard/nope")
    assert answer.status_code == 404
    assert answer.json()["error"] == "không có kế hoạch 'nope' / no plan 'nope'"
    assert answer.json()["problems"] == [
        {"field": "plan", "problem": "không có kế hoạch 'nope' / no plan 'nope'"}
    ]
