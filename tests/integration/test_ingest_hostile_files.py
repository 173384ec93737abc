"""Hostile and malformed uploads: each is refused with a 4xx naming the limit or the row, within
its bound, and none stalls the service: /healthz answers while a bomb is being refused."""

import io
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import make_app, problems

UPLOAD = "/v1/observations/file"
SHEET = "xl/worksheets/sheet1.xml"
UNPACKED = 4 << 20


@pytest.fixture(scope="module")
def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "observations"
    sheet.append(["indicator", "jurisdiction", "period", "value"])
    sheet.append(["online_public_service_usage", "12", "2025-06", 61.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def patched(book: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook with each part changed (None drops the part)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def in_sheet(pattern: str, replacement: str) -> Callable[[str, bytes], bytes | None]:
    def change(name: str, content: bytes) -> bytes:
        if name != SHEET:
            return content
        changed = re.sub(pattern, replacement, content.decode(), count=1)
        assert changed != content.decode(), pattern
        return changed.encode()

    return change


@pytest.fixture
def client(bootstrap_servers: str, database_url: str, auth: dict[str, str]) -> Iterator[TestClient]:
    settings: dict[str, Any] = {
        "max_body_bytes": 1 << 20,
        "file_max_rows": 1000,
        "file_max_unpacked_bytes": UNPACKED,
        "file_read_budget_s": 3,
    }
    with TestClient(make_app(bootstrap_servers, database_url, **settings), headers=auth) as c:
        yield c


def refused(client: TestClient, name: str, content: bytes) -> tuple[int, list[tuple[str, str]]]:
    started = time.monotonic()
    answer = client.post(UPLOAD, files={"file": (name, content)})
    assert time.monotonic() - started < 5, "answered within the read budget (3 s) and the open"
    return answer.status_code, problems(answer)


XLSX_CASES = {
    "a declared sheet of 16,384 × 1,048,576 cells": (
        in_sheet(r'<dimension ref="[^"]+" ?/>', '<dimension ref="A1:XFD1048576"/>'),
        413,
        "file",
        "the sheet declares A1:XFD1048576 (1048576 rows); at most 1000 are read",
    ),
    "a row far below the others, no dimension": (
        in_sheet(
            r'<row r="2">(.*?)</row>',
            r'<row r="2">\1</row><row r="1048576"><c r="A1048576"'
            r' t="inlineStr"><is><t>x</t></is></c></row>',
        ),
        413,
        "file",
        "more than 1000 rows; at most 1000 are read",
    ),
    "a missing sheet": (lambda n, c: None if n == SHEET else c, 422, "file", "no worksheet"),
    "broken XML": (
        lambda n, c: c[: len(c) // 2] if n == SHEET else c,
        422,
        "rows[",
        "cannot be read",
    ),
    "a bad shared-string index": (
        in_sheet(
            r'<c r="A2" t="inlineStr"><is><t>[^<]*</t></is></c>', '<c r="A2" t="s"><v>999</v></c>'
        ),
        422,
        "rows[2]",
        "cannot be read",
    ),
    "a bad number": (in_sheet(r"<v>61.5</v>", "<v>6.1.5</v>"), 422, "rows[2]", "cannot be read"),
    "a bad date": (
        in_sheet(r'<c r="D2" t="n"><v>61.5</v>', '<c r="D2" t="d"><v>2025-13-45</v>'),
        422,
        "rows[2]",
        "cannot be read",
    ),
    "a bad cell reference": (in_sheet(r'<c r="D2"', '<c r="2D"'), 422, "rows[2]", "cannot be read"),
    "a zip bomb": (
        lambda n, c: (
            c.replace(b"</worksheet>", b" " * UNPACKED + b"</worksheet>") if n == SHEET else c
        ),
        413,
        "file",
        "unpacks to ",
    ),
}


@pytest.mark.parametrize("case", XLSX_CASES)
def test_a_malformed_or_hostile_workbook_is_a_4xx_naming_the_limit_or_the_row(
    client: TestClient, workbook: bytes, case: str
) -> None:
    change, status, field, problem = XLSX_CASES[case]
    content = patched(workbook, change)
    assert len(content) < 1 << 20
    got_status, got = refused(client, "hostile.xlsx", content)
    assert got_status == status, got
    [(got_field, got_problem)] = got
    assert got_field.startswith(field), got
    assert problem in got_problem, got


def test_the_untouched_workbook_of_the_corpus_is_read(client: TestClient, workbook: bytes) -> None:
    """The corpus's cases fail because of their change, not because of the base workbook."""
    answer = client.post(
        UPLOAD, files={"file": ("fine.xlsx", workbook)}, params={"dry_run": "true"}
    )
    assert answer.status_code == 200, answer.text
    assert [i["status"] for i in answer.json()["items"]] == ["accepted"]


HEADER = "indicator,jurisdiction,period,value"
ROW = "online_public_service_usage,12,2025-06,61.5"


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_a_csv_with_any_line_end_is_read(client: TestClient, end: str) -> None:
    content = end.join([HEADER, ROW, ROW.replace("2025-06", "2025-07")]).encode()
    answer = client.post(UPLOAD, files={"file": ("x.csv", content)}, params={"dry_run": "true"})
    assert answer.status_code == 200, answer.text
    assert [(i["row"], i["status"]) for i in answer.json()["items"]] == [
        (2, "accepted"),
        (3, "accepted"),
    ]


def test_a_long_cell_is_a_problem_of_its_row(client: TestClient) -> None:
    content = "\n".join(
        [HEADER, ROW, f'online_public_service_usage,"{"x" * 5000}",2025-06,1']
    ).encode()
    answer = client.post(UPLOAD, files={"file": ("x.csv", content)}, params={"dry_run": "true"})
    assert answer.status_code == 200, answer.text
    [fine, long] = answer.json()["items"]
    assert (fine["status"], long["status"]) == ("accepted", "rejected")
    assert {
        "field": "rows[3].jurisdiction",
        "problem": "dài quá 4096 ký tự",
    } in long["problems"]


@pytest.mark.parametrize(
    ("content", "status", "field", "problem"),
    [
        (  # over the csv module's own field limit (128 KiB)
            f'{HEADER}\n{ROW}\n"{"x" * (200 << 10)}",12,2025-06,1\n'.encode(),
            422,
            "rows[3]",
            "không đọc được dòng này / cannot be read: field larger than field limit",
        ),
        (
            (f"{HEADER}\n" + f"{ROW}\n" * 1200).encode(),
            413,
            "file",
            "hơn 1000 dòng; chỉ đọc tối đa 1000 dòng / more than 1000 rows",
        ),
        (b"", 422, "file", "không có dòng tiêu đề / no header row"),
    ],
)
def test_a_malformed_csv_is_a_4xx_naming_the_row_or_the_limit(
    client: TestClient, content: bytes, status: int, field: str, problem: str
) -> None:
    got_status, got = refused(client, "x.csv", content)
    assert got_status == status, got
    [(got_field, got_problem)] = got
    assert (got_field, got_problem[: len(problem)]) == (field, problem)


@pytest.mark.usefixtures("as_served")
def test_healthz_answers_within_a_second_while_slow_workbooks_are_refused(
    bootstrap_servers: str, database_url: str, auth: dict[str, str], workbook: bytes
) -> None:
    """200,000 rows (1.6 MB) that unpack to 30 MB and take seconds to read, past the time
    budget: each is refused by the budget, and the service keeps answering meanwhile."""
    row = (
        '<row r="{0}"><c r="A{0}" t="inlineStr"><is><t>x</t></is></c><c r="D{0}"><v>1</v></c></row>'
    )
    rows = "".join(row.format(n) for n in range(3, 200_003))
    slow = patched(workbook, in_sheet("</sheetData>", rows + "</sheetData>"))
    assert len(slow) < 2 << 20
    settings: dict[str, Any] = {
        "max_body_bytes": 2 << 20,
        "file_max_rows": 1_000_000,
        "file_max_unpacked_bytes": 64 << 20,
        "file_read_budget_s": 1,
    }
    with (
        TestClient(make_app(bootstrap_servers, database_url, **settings), headers=auth) as c,
        ThreadPoolExecutor(3) as pool,
    ):
        uploads = [
            pool.submit(c.post, UPLOAD, files={"file": ("slow.xlsx", slow)}) for _ in range(3)
        ]
        waits = []
        while not all(u.done() for u in uploads):
            started = time.monotonic()
            assert c.get("/healthz").status_code == 200
            waits.append(time.monotonic() - started)
        answers = [u.result() for u in uploads]
    assert [a.status_code for a in answers] == [413] * 3, [a.text for a in answers]
    assert all("not read within 1 s" in a.text for a in answers)
    assert len(waits) > 10, waits
    assert max(waits) < 1, waits
