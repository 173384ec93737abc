"""Data quality at the door, over the real broker and database: periods that have not ended,
slips held until confirmed (and expiring), every row judged on its own scope, dry runs that
echo what would be stored, messages in Vietnamese first, units and codes read by period."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from chiso_core.access import agencies
from chiso_core.access.agencies import Permission
from chiso_core.catalog import Catalog
from chiso_core.catalog import store as catalog_store
from tests.integration.conftest import (
    URL,
    Harness,
    audited,
    make_app,
    message_of,
    obs,
    problems,
    published,
    statuses,
)

CASHLESS = "cashless_transaction_share"
AROUND_48 = [46.9, 47.4, 48.1, 47.8, 48.6, 49.0, 48.2, 47.7]
DEC_1 = date(2026, 12, 1)


@contextmanager
def client_on(
    bootstrap_servers: str,
    database_url: str,
    headers: dict[str, str],
    today: date = DEC_1,
    **settings: Any,
) -> Iterator[TestClient]:
    app = make_app(bootstrap_servers, database_url, today=lambda: today, **settings)
    with TestClient(app, headers=headers) as c:
        yield c


@pytest.fixture
async def tien_giang_key(database_url: str) -> dict[str, str]:
    """A statistics office's key for Tiền Giang (and the units below it) only."""
    async with await psycopg.AsyncConnection.connect(database_url) as conn, conn.transaction():
        catalog = await catalog_store.read(conn)
        key = await agencies.create(
            conn,
            catalog,
            "stats_tien_giang",
            ["tien_giang"],
            sorted(catalog.indicators),
            [Permission.REPORT],
        )
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(
    ("indicator", "period"),
    [
        ("online_public_service_usage", "2026-12"),
        ("online_public_service_usage", "2027-01"),
        ("online_public_service_usage", "2026-Q4"),
        ("government_operations_digital", "2026"),
        ("government_operations_digital", "2030"),
    ],
)
def test_a_period_that_has_not_ended_is_refused_on_the_day_injected(
    bootstrap_servers: str,
    database_url: str,
    auth: dict[str, str],
    indicator: str,
    period: str,
) -> None:
    """On 2026-12-01 a yearly 2026, month 2027-01 and year 2030 are refused; 2026-11 is not."""
    value = 1.0 if indicator == "government_operations_digital" else 61.5
    batch = [obs(indicator=indicator, period=period, value=value), obs(period="2026-11")]
    with client_on(bootstrap_servers, database_url, auth | {"Accept-Language": "en"}) as c:
        response = c.post(URL, json={"observations": batch})
    assert response.status_code == 202, response.text
    assert statuses(response) == ["rejected", "accepted"]
    [problem] = response.json()["items"][0]["problems"]
    assert problem["field"] == "observations[0].period"
    assert problem["problem"].startswith(f"the period {period} has not ended")
    assert "today is 2026-12-01" in problem["problem"]
    [(_, message)] = published(bootstrap_servers)
    assert (message.period.year, message.period.month) == (2026, 11)


def test_problems_are_in_vietnamese_unless_english_is_asked_for(
    bootstrap_servers: str, database_url: str, auth: dict[str, str]
) -> None:
    bad = [obs(value=150.0), obs(period="2027-01"), obs(indicator="nope")]
    answers = {}
    for lang in (None, "vi-VN,vi;q=0.9", "en", "en-GB,en;q=0.8", "fr"):
        headers = auth | ({"Accept-Language": lang} if lang else {})
        with client_on(bootstrap_servers, database_url, headers) as c:
            response = c.post(URL, json={"observations": bad}, params={"dry_run": "true"})
        answers[lang] = [p[1] for item in response.json()["items"] for p in _pairs(item)]
    assert answers[None] == answers["vi-VN,vi;q=0.9"] == answers["fr"]
    assert answers["en"] == answers["en-GB,en;q=0.8"]
    assert answers[None] == [
        "150 nằm ngoài khoảng hợp lệ 0..100 percent",
        "kỳ 2027-01 chưa kết thúc: sớm nhất từ 01/02/2027 (hôm nay 01/12/2026)",
        "không có chỉ tiêu 'nope' trong danh mục",
    ]
    assert answers["en"] == [
        "150.0 is outside the valid range 0.0..100.0 percent",
        "the period 2027-01 has not ended: not before 2027-02-01 (today is 2026-12-01)",
        "unknown indicator 'nope'",
    ]


@pytest.mark.parametrize(
    ("bad", "field", "vi", "en"),
    [
        (obs(value="61.5"), "value", "phải là một số", "Input should be a valid number"),
        (obs(colour="red"), "colour", "trường không có trong mẫu", "unknown field"),
        ({"value": 1.0}, "indicator", "thiếu trường bắt buộc", "Field required"),
    ],
)
def test_an_item_that_is_no_figure_is_named_in_either_language(
    bootstrap_servers: str,
    database_url: str,
    auth: dict[str, str],
    bad: dict[str, Any],
    field: str,
    vi: str,
    en: str,
) -> None:
    for lang, expected in (("vi", vi), ("en", en)):
        headers = auth | {"Accept-Language": lang}
        with client_on(bootstrap_servers, database_url, headers) as c:
            response = c.post(URL, json={"observations": [bad]}, params={"dry_run": "true"})
        assert (f"observations[0].{field}", expected) in _pairs(response.json()["items"][0])


def _pairs(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["field"], p["problem"]) for p in item.get("problems", [])]


@pytest.mark.parametrize("unit", ["%", "phần trăm", "percent", "Phần trăm"])
def test_a_unit_alias_means_the_indicators_unit(
    client: TestClient, bootstrap_servers: str, unit: str
) -> None:
    response = client.post(URL, json={"observations": [obs(unit=unit)]})
    assert statuses(response) == ["accepted"], response.text
    [(_, message)] = published(bootstrap_servers)
    assert message.value == 61.5


def test_a_dry_run_echoes_every_row_as_it_would_be_stored(
    client: TestClient, bootstrap_servers: str
) -> None:
    """Indicator, unit, period, value, parts and the jurisdiction the code resolved to."""
    batch = [
        obs(jurisdiction="82", period="2025-06", unit="%", numerator=615.0, denominator=1e3),
        obs(jurisdiction="82", period="2025-07"),
        obs(value=-1.0),
    ]
    response = client.post(URL, json={"observations": batch}, params={"dry_run": "true"})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [i.get("stored") for i in items] == [
        {
            "indicator": "online_public_service_usage",
            "unit": "percent",
            "period": "2025-06",
            "value": 61.5,
            "numerator": 615.0,
            "denominator": 1000.0,
            "jurisdiction": "tien_giang",
            "jurisdiction_name": "Tỉnh Tiền Giang",
        },
        {
            "indicator": "online_public_service_usage",
            "unit": "percent",
            "period": "2025-07",
            "value": 61.5,
            "numerator": None,
            "denominator": None,
            "jurisdiction": "dong_thap_2025",
            "jurisdiction_name": "Tỉnh Đồng Tháp",
        },
        None,
    ]
    assert published(bootstrap_servers) == []
    assert audited(bootstrap_servers) == []


def test_one_out_of_scope_row_is_rejected_and_the_others_accepted(
    bootstrap_servers: str, database_url: str, tien_giang_key: dict[str, str]
) -> None:
    """Code 82 names Tiền Giang in 2024 and the merged Đồng Tháp in 2027: for a Tiền Giang
    key the first is accepted, the second rejected saying what 82 now names."""
    batch = [obs(jurisdiction="82", period="2024"), obs(jurisdiction="82", period="2027")]
    batch += [obs(jurisdiction="my_tho", period="2024-03"), obs(value=200.0, period="2024")]
    with client_on(bootstrap_servers, database_url, tien_giang_key, date(2028, 6, 1)) as c:
        response = c.post(URL, json={"observations": batch})
    assert response.status_code == 202, response.text
    assert statuses(response) == ["accepted", "rejected", "accepted", "rejected"]
    [(field, problem)] = _pairs(response.json()["items"][1])
    assert field == "observations[1].jurisdiction"
    assert problem == (
        "'82' nằm ngoài các đơn vị của khóa này (tien_giang và các đơn vị trực thuộc); "
        "mã 82 trong kỳ 2027 là Tỉnh Đồng Tháp (dong_thap_2025)"
    )
    assert [m.jurisdiction_id for _, m in published(bootstrap_servers)] == ["tien_giang", "my_tho"]
    assert len(audited(bootstrap_servers)) == 2


def test_403_only_when_nothing_in_the_request_is_within_scope(
    bootstrap_servers: str, database_url: str, tien_giang_key: dict[str, str]
) -> None:
    batch = [obs(jurisdiction="56"), obs(jurisdiction="82", period="2026-06")]
    headers = tien_giang_key | {"Accept-Language": "en"}
    with client_on(bootstrap_servers, database_url, headers) as c:
        response = c.post(URL, json={"observations": batch})
    assert response.status_code == 403, response.text
    assert [f for f, _ in problems(response)] == [
        "observations[0].jurisdiction",
        "observations[1].jurisdiction",
    ]
    assert "code 82 in 2026-06 is Dong Thap province" in problems(response)[1][1]
    assert published(bootstrap_servers) == []


@pytest.mark.parametrize("unit", ["ninh_thuan", "dong_thap", "nha_trang"])
def test_a_ceased_unit_in_2026_is_refused_naming_its_successor(
    client: TestClient, bootstrap_servers: str, catalog: Catalog, unit: str
) -> None:
    response = client.post(URL, json={"observations": [obs(jurisdiction=unit, period="2026-06")]})
    assert statuses(response) == ["rejected"]
    [(field, problem)] = _pairs(response.json()["items"][0])
    assert field == "observations[0].jurisdiction"
    assert "ceased after 2025-06-30: no figure for 2026" in problem
    for successor in catalog.jurisdictions[unit].successors:
        assert f"({successor})" in problem
    assert published(bootstrap_servers) == []


# --- held figures ---------------------------------------------------------------------------


SLIP = obs(indicator=CASHLESS, jurisdiction="khanh_hoa", period="2024-09", value=0.475)


@pytest.fixture
async def history(harness: Harness, catalog: Catalog) -> Harness:
    """Khánh Hòa's cashless share for 2024-01..08, around 48 %, stored by scoring."""
    await harness.run(
        [
            message_of(
                catalog,
                {
                    "indicator": CASHLESS,
                    "jurisdiction": "khanh_hoa",
                    "period": f"2024-{m:02d}",
                    "value": v,
                },
            )
            for m, v in enumerate(AROUND_48, start=1)
        ]
    )
    return harness


def _stored(harness: Harness, period: str) -> list[tuple[object, ...]]:
    rows = harness.rows(
        "SELECT period_start::text, value FROM observations WHERE jurisdiction_id = 'khanh_hoa'"
        " AND indicator_code = 'cashless_transaction_share' ORDER BY revision"
    )
    return [(value,) for start, value in rows if start == f"{period}-01"]


async def test_a_slip_is_held_not_scored_then_scored_once_confirmed(
    history: Harness, bootstrap_servers: str, database_url: str, auth: dict[str, str]
) -> None:
    """0.475 meant 47.5 %: held with the reason, listed, not on the topic; re-sent with
    `confirm: true` it is published and stored."""
    harness = history
    with client_on(bootstrap_servers, database_url, auth) as c:
        response = c.post(URL, json={"observations": [SLIP]})
        assert response.status_code == 202, response.text
        body = response.json()
        assert (body["accepted"], body["held"], body["rejected"]) == (0, 1, 0)
        [(field, problem)] = _pairs(body["items"][0])
        assert field == "observations[0].value"
        assert problem.startswith("0,475 khác thường so với 8 số liệu trước của chuỗi")
        assert "min-max, z-score, modified z-score" in problem
        [held] = c.get("/v1/held").json()
        assert (held["period_start"], held["value"]) == ("2024-09-01", 0.475)
        assert len(published(bootstrap_servers)) == 8  # the history only
        await harness.run([])
        assert _stored(harness, "2024-09") == []

        again = c.post(URL, json={"observations": [SLIP | {"confirm": True}]})
        assert statuses(again) == ["accepted"], again.text
        assert c.get("/v1/held").json() == []
    await harness.run([])
    assert _stored(harness, "2024-09") == [(0.475,)]


async def test_a_correction_releases_the_held_figure(
    history: Harness, bootstrap_servers: str, database_url: str, auth: dict[str, str]
) -> None:
    harness = history
    with client_on(bootstrap_servers, database_url, auth) as c:
        assert statuses(c.post(URL, json={"observations": [SLIP]})) == ["held"]
        fixed = c.post(URL, json={"observations": [SLIP | {"value": 47.5}]})
        assert statuses(fixed) == ["accepted"]
        assert c.get("/v1/held").json() == []
    await harness.run([])
    assert _stored(harness, "2024-09") == [(47.5,)]


async def test_held_figures_expire_and_a_late_confirmation_is_weighed_again(
    history: Harness, bootstrap_servers: str, database_url: str, auth: dict[str, str]
) -> None:
    with client_on(bootstrap_servers, database_url, auth, held_ttl_s=0.5) as c:
        assert statuses(c.post(URL, json={"observations": [SLIP]})) == ["held"]
        await asyncio.sleep(1.0)
        assert c.get("/v1/held").json() == []
        late = c.post(URL, json={"observations": [SLIP | {"confirm": True}]})
        assert statuses(late) == ["held"]
    assert len(published(bootstrap_servers)) == 8
