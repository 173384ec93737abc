"""Owners' explanations through the ingest API and its spreadsheet upload, over the real
database and broker: kept whole or not at all, never overwritten, and only by the target's
owners."""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import openpyxl
import psycopg
import pytest
from fastapi.testclient import TestClient

from chiso_devstack.processes import agency_key
from tests.integration.conftest import make_app

PLAN, TARGET = "khanh_hoa_nq57", "online_public_service_usage_2030"
TODAY = date(2025, 7, 15)


def explanation(**changes: Any) -> dict[str, Any]:
    return {
        "plan": PLAN,
        "target": TARGET,
        "period": "2025-06",
        "done": "Đưa 120 thủ tục lên Cổng dịch vụ công toàn trình.",
        "difficulties": "Người dân vùng sâu chưa quen nộp hồ sơ trực tuyến.",
        "next_actions": "Tổ công nghệ số cộng đồng hướng dẫn tại 40 xã.",
        "evidence_url": "https://khanhhoa.gov.vn/bao-cao/dvc-thang-6",
        **changes,
    }


@dataclass(frozen=True)
class Speaker:
    """The ingest API as one agency calls it."""

    client: TestClient
    key: str

    def post(self, url: str, **request: Any) -> httpx.Response:
        headers = {**request.pop("headers", {}), "Authorization": f"Bearer {self.key}"}
        answer: httpx.Response = self.client.post(url, headers=headers, **request)
        return answer


@pytest.fixture
def as_agency(bootstrap_servers: str, database_url: str) -> Iterator[Callable[[str], Speaker]]:
    """The API as an agency named as in the catalog (`chiso agency create <id>`)."""
    with TestClient(
        make_app(bootstrap_servers, database_url, today=lambda: TODAY, max_body_bytes=1 << 17)
    ) as client:

        def speaker(name: str) -> Speaker:
            key = agency_key(database_url, name, ["khanh_hoa"], ["online_public_service_usage"])
            return Speaker(client, key)

        yield speaker


def kept(database_url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT agency, period, done, channel FROM target_explanations ORDER BY id"
        ).fetchall()


def test_the_lead_and_a_supporting_agency_explain_and_every_word_is_kept(
    as_agency: Callable[[str], Speaker], database_url: str
) -> None:
    lead, supporting = as_agency("vp_ubnd_khanh_hoa"), as_agency("so_khcn_khanh_hoa")

    first = lead.post("/v1/explanations", json={"explanations": [explanation()]})
    second = supporting.post(
        "/v1/explanations",
        json={"explanations": [explanation(done="Mở thêm 3 điểm hỗ trợ.", evidence_url=None)]},
    )

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    [recorded] = first.json()["recorded"]
    assert (recorded["plan"], recorded["target"], recorded["period"], recorded["agency"]) == (
        PLAN,
        TARGET,
        "2025-06",
        "vp_ubnd_khanh_hoa",
    )
    assert kept(database_url) == [
        ("vp_ubnd_khanh_hoa", "2025-06", explanation()["done"], "api"),
        ("so_khcn_khanh_hoa", "2025-06", "Mở thêm 3 điểm hỗ trợ.", "api"),
    ]
    with psycopg.connect(database_url) as conn:
        assert conn.execute(
            "SELECT agency, evidence_url FROM target_explanations_latest"
            " WHERE plan_id = %s AND target_id = %s",
            (PLAN, TARGET),
        ).fetchall() == [("so_khcn_khanh_hoa", None)]
        # history is never overwritten, not even by hand
        for change in (
            "UPDATE target_explanations SET done = 'x'",
            "DELETE FROM target_explanations",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="keeps history"):
                conn.execute(change)
            conn.rollback()


def test_a_key_explains_only_targets_its_agency_owns_and_nothing_is_half_kept(
    as_agency: Callable[[str], Speaker], database_url: str
) -> None:
    bank = as_agency("nhnn_khanh_hoa")  # leads cashless payments, not online services

    mine = explanation(target="cashless_transaction_share_2030")
    answer = bank.post("/v1/explanations", json={"explanations": [mine, explanation()]})

    assert answer.status_code == 403, answer.text
    assert [p["field"] for p in answer.json()["problems"]] == ["explanations[1].target"]
    assert answer.json()["problems"][0]["problem"].startswith(
        "cơ quan 'nhnn_khanh_hoa' không chủ trì hay phối hợp chỉ tiêu này"
    )
    assert kept(database_url) == []
    assert bank.post("/v1/explanations", json={"explanations": [mine]}).status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "vietnamese"),
    [
        ({"done": "   "}, "done", "không được để trống"),
        ({"difficulties": "ư" * 2001}, "difficulties", "dài quá 2000 ký tự"),
        ({"next_actions": "a\x00b"}, "next_actions", "không được chứa ký tự điều khiển"),
        (
            {"evidence_url": "http://khanhhoa.gov.vn/x"},
            "evidence_url",
            "cần một đường dẫn https://",
        ),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url", "cần một đường dẫn https://"),
        ({"evidence_url": "https://"}, "evidence_url", "cần một đường dẫn https://"),
        ({"evidence_url": "https://a.vn/" + "x" * 500}, "evidence_url", "dài quá 500 ký tự"),
        ({"period": "2025-13"}, "period", "kỳ '2025-13' không hợp lệ"),
        ({"period": "2025-08"}, "period", "kỳ 2025-08 chưa bắt đầu"),
        ({"plan": "atlantis"}, "plan", "không có kế hoạch 'atlantis'"),
        ({"target": "moon_2030"}, "target", "kế hoạch khanh_hoa_nq57 không có chỉ tiêu"),
        ({"done": None}, "done", "phải là một chuỗi ký tự"),
        ({"mood": "vui"}, "mood", "trường không có trong mẫu"),
    ],
)
def test_each_bad_field_is_named_in_vietnamese_first_and_nothing_is_kept(
    as_agency: Callable[[str], Speaker],
    database_url: str,
    change: dict[str, Any],
    field: str,
    vietnamese: str,
) -> None:
    lead = as_agency("vp_ubnd_khanh_hoa")

    answer = lead.post(
        "/v1/explanations", json={"explanations": [explanation(), explanation(**change)]}
    )

    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["problems"]
    assert problem["field"] == f"explanations[1].{field}"
    assert problem["problem"].startswith(vietnamese), problem["problem"]
    english = lead.post(
        "/v1/explanations",
        json={"explanations": [explanation(**change)]},
        headers={"Accept-Language": "en"},
    )
    assert not english.json()["problems"][0]["problem"].startswith(vietnamese)
    assert kept(database_url) == []


def test_a_missing_field_is_named(as_agency: Callable[[str], Speaker]) -> None:
    body = explanation()
    del body["next_actions"]
    answer = as_agency("vp_ubnd_khanh_hoa").post("/v1/explanations", json={"explanations": [body]})
    assert answer.status_code == 422
    assert [(p["field"], p["problem"]) for p in answer.json()["problems"]] == [
        ("explanations[0].next_actions", "thiếu trường bắt buộc")
    ]


def test_a_retry_with_the_same_idempotency_key_keeps_one(
    as_agency: Callable[[str], Speaker], database_url: str
) -> None:
    lead = as_agency("vp_ubnd_khanh_hoa")
    send = {"json": {"explanations": [explanation()]}, "headers": {"Idempotency-Key": "jun-1"}}

    first, retry = lead.post("/v1/explanations", **send), lead.post("/v1/explanations", **send)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json() == retry.json()
    assert len(kept(database_url)) == 1


def _xlsx(rows: list[list[str | None]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "explanations"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER: list[str | None] = [
    "plan",
    "target",
    "period",
    "done",
    "difficulties",
    "next_actions",
    "evidence_url",
]


def test_a_spreadsheet_of_explanations_is_kept_whole_or_refused_naming_rows(
    as_agency: Callable[[str], Speaker], database_url: str
) -> None:
    lead = as_agency("vp_ubnd_khanh_hoa")
    good: list[str | None] = [PLAN, TARGET, "2025-06", "Đã làm", "Khó khăn", "Sẽ làm", None]
    bad: list[str | None] = [
        PLAN,
        TARGET,
        "2025-05",
        "Đã làm",
        "Khó khăn",
        "Sẽ làm",
        "ftp://x.vn/a",
    ]
    rows: list[list[str | None]] = [HEADER, good, bad]
    csv = "\n".join(",".join(c or "" for c in r) for r in rows).encode()

    refused = lead.post("/v1/explanations/file", files={"file": ("t.csv", csv)})
    blank_row = lead.post(
        "/v1/explanations/file", files={"file": ("t.xlsx", _xlsx([HEADER, good, [], good]))}
    )

    assert refused.status_code == 422, refused.text
    assert [p["field"] for p in refused.json()["problems"]] == ["rows[3].evidence_url"]
    assert blank_row.status_code == 201, blank_row.text
    assert len(blank_row.json()["recorded"]) == 2
    assert kept(database_url) == [("vp_ubnd_khanh_hoa", "2025-06", "Đã làm", "file")] * 2
    wrong = lead.post("/v1/explanations/file", files={"file": ("t.csv", b"plan,mood\n")})
    assert wrong.status_code == 422
    assert wrong.json()["problems"][0]["field"] == "rows[1].header"


def test_a_spreadsheet_row_for_a_target_the_agency_does_not_own_is_refused_whole(
    as_agency: Callable[[str], Speaker], database_url: str
) -> None:
    bank = as_agency("nhnn_khanh_hoa")  # leads cashless payments, not online services
    notes: list[str | None] = ["Đã làm", "Khó khăn", "Sẽ làm", None]
    own: list[str | None] = [PLAN, "cashless_transaction_share_2030", "2025-06", *notes]
    foreign: list[str | None] = [PLAN, TARGET, "2025-06", *notes]
    csv = "\n".join(",".join(c or "" for c in r) for r in (HEADER, own, foreign))
    for name, content in (
        ("t.csv", csv.encode()),
        ("t.xlsx", _xlsx([HEADER, own, foreign])),
    ):
        refused = bank.post("/v1/explanations/file", files={"file": (name, content)})

        assert refused.status_code == 403, refused.text
        [problem] = refused.json()["problems"]
        assert problem["field"] == "rows[3].target"
        assert problem["problem"].startswith("cơ quan 'nhnn_khanh_hoa' không chủ trì")
        assert kept(database_url) == []
    mine = bank.post("/v1/explanations/file", files={"file": ("t.xlsx", _xlsx([HEADER, own]))})
    assert mine.status_code == 201, mine.text
    assert kept(database_url) == [("nhnn_khanh_hoa", "2025-06", "Đã làm", "file")]
