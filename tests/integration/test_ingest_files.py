"""Spreadsheet uploads (CSV and .xlsx) and the per-agency templates: the same import summary as
a JSON batch, every item and every problem naming its row."""

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from chiso_devstack.processes import agency_key
from tests.integration.conftest import make_app, problems, published

UPLOAD = "/v1/observations/file"


@pytest.fixture
def scoped(bootstrap_servers: str, database_url: str) -> Iterator[TestClient]:
    """As an agency for Lai Châu (and Tam Đường below it), two indicators."""
    key = agency_key(
        database_url,
        "stats_lai_chau",
        ["lai_chau"],
        ["online_public_service_usage", "cashless_transaction_share"],
    )
    with TestClient(
        make_app(bootstrap_servers, database_url, max_items=50, max_body_bytes=1 << 16),
        headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"},
    ) as c:
        yield c


def upload(client: TestClient, name: str, content: bytes, **params: str) -> dict[str, Any]:
    answer = client.post(UPLOAD, files={"file": (name, content)}, params=params)
    assert answer.status_code in (200, 202), answer.text
    body: dict[str, Any] = answer.json()
    return body


def item_problems(body: dict[str, Any], i: int) -> list[tuple[str, str]]:
    return [(p["field"], p["problem"]) for p in body["items"][i]["problems"]]


def test_a_csv_upload_reports_every_row_by_its_number(
    scoped: TestClient, bootstrap_servers: str
) -> None:
    csv = (
        "\ufeffindicator,jurisdiction,period,value,numerator,denominator\r\n"
        "online_public_service_usage,12,2025-06,61.5,6150,10000\r\n"
        'online_public_service_usage,tam_duong,2025-06,"61,5",,\r\n'
        "online_public_service_usage,atlantis,2025-06,40,,\r\n"
        "cashless_transaction_share,tam_duong,,,,\r\n"  # a template row left empty
        ",,,,,\r\n"
        "cashless_transaction_share,12,,55,,\r\n"
    ).encode()

    body = upload(scoped, "june.csv", csv)

    assert (body["accepted"], body["rejected"]) == (1, 3)
    assert [(i["index"], i["row"], i["status"]) for i in body["items"]] == [
        (0, 2, "accepted"),
        (1, 3, "rejected"),
        (2, 4, "rejected"),
        (3, 7, "rejected"),
    ]
    assert item_problems(body, 1) == [
        (
            "rows[3].value",
            "expected a number such as 61.5, found '61,5'",
        )
    ]
    assert item_problems(body, 2) == [
        (
            "rows[4].jurisdiction",
            "unknown jurisdiction 'atlantis' (a catalog id, or an official code in force in "
            "the period 2025-06)",
        )
    ]
    assert item_problems(body, 3) == [("rows[7].period", "must not be empty")]
    [(_, message)] = published(bootstrap_servers)
    assert (message.jurisdiction_id, message.value, message.numerator) == ("lai_chau", 61.5, 6150)
    assert message.source == "file:stats_lai_chau"


def test_an_xlsx_upload_reads_percent_cells_as_shown_and_months_typed_as_dates(
    scoped: TestClient, bootstrap_servers: str
) -> None:
    """A cell formatted as 61.5 % holds 0.615: it is read as 61.5 percent, because the format
    says so; for an indicator not in percent the same cell is refused, not converted."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator", "jurisdiction", "period", "value"])
    sheet.append(["online_public_service_usage", 12, "2025-06", 0.615])
    sheet["D2"].number_format = "0.0%"
    sheet.append(["online_public_service_usage", "tam_duong", datetime(2025, 5, 1), 40])
    sheet.append(["online_public_service_usage", "12", "2025-07", 1.5])
    sheet["D4"].number_format = "0%"
    out = io.BytesIO()
    book.save(out)

    body = upload(scoped, "Báo cáo.xlsx", out.getvalue())

    assert [i["status"] for i in body["items"]] == ["accepted", "accepted", "rejected"]
    assert item_problems(body, 2) == [
        ("rows[4].value", "150.0 is outside the valid range 0.0..100.0 percent")
    ]
    values = sorted(
        (m.jurisdiction_id, m.period.month, m.value) for _, m in published(bootstrap_servers)
    )
    assert values == [("lai_chau", 6, 61.5), ("tam_duong", 5, 40.0)]


def test_a_percent_cell_for_an_indicator_not_in_percent_is_refused(
    bootstrap_servers: str, database_url: str
) -> None:
    key = agency_key(database_url, "dti", ["vn"], ["dti_rank"])
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator", "jurisdiction", "period", "value"])
    sheet.append(["dti_rank", "lai_chau", "2024", 0.12])
    sheet["D2"].number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    with TestClient(
        make_app(bootstrap_servers, database_url, max_body_bytes=1 << 16),
        headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"},
    ) as c:
        body = upload(c, "dti.xlsx", out.getvalue())
    assert item_problems(body, 0) == [
        ("rows[2].unit", "dti_rank is reported in rank, not 'percent'; values are never converted")
    ]


def test_the_templates_list_the_keys_indicators_and_jurisdictions(scoped: TestClient) -> None:
    csv = scoped.get("/v1/templates/observations.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "indicator,jurisdiction,period,value,numerator,denominator"
    assert lines[1].startswith('"# Hướng dẫn / Guide: mỗi dòng một số liệu')
    assert lines[2:4] == [
        '"# online_public_service_usage: tháng / month, kỳ / period YYYY-MM, đơn vị / unit '
        "percent, khoảng / range 0..100; dòng mẫu / example: "
        'online_public_service_usage,lai_chau,2025-06,50,500,1000"',
        '"# cashless_transaction_share: tháng / month, kỳ / period YYYY-MM, đơn vị / unit '
        "percent, khoảng / range 0..100; dòng mẫu / example: "
        'cashless_transaction_share,lai_chau,2025-06,50,500,1000"',
    ]
    assert lines[4:] == [
        "online_public_service_usage,lai_chau,,,,",
        "online_public_service_usage,tam_duong,,,,",
        "cashless_transaction_share,lai_chau,,,,",
        "cashless_transaction_share,tam_duong,,,,",
    ]

    xlsx = scoped.get("/v1/templates/observations.xlsx")
    assert xlsx.status_code == 200
    assert "observations.xlsx" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["observations", "indicators", "jurisdictions"]
    rows = [r[:2] for r in book["observations"].iter_rows(values_only=True) if r[0]]
    assert [",".join(map(str, r)) for r in rows] == [
        "indicator,jurisdiction",
        "online_public_service_usage,lai_chau",
        "online_public_service_usage,tam_duong",
        "cashless_transaction_share,lai_chau",
        "cashless_transaction_share,tam_duong",
    ]
    indicators = list(book["indicators"].iter_rows(values_only=True))
    assert indicators[0][:2] == ("mã chỉ tiêu / code", "tên chỉ tiêu")
    assert indicators[1][0] == "online_public_service_usage"
    assert indicators[1][3:] == (
        "percent",
        "ratio",
        "tháng / month",
        "YYYY-MM",
        "0..100",
        "online_public_service_usage,lai_chau,2025-06,50,500,1000",
    )
    units = [r[0] for r in book["jurisdictions"].iter_rows(min_row=2, values_only=True)]
    assert units == ["lai_chau", "tam_duong"]
    assert book["observations"]["C2"].number_format == "@"


def test_the_csv_templates_example_rows_are_accepted_and_its_guide_skipped(
    scoped: TestClient, bootstrap_servers: str
) -> None:
    lines = scoped.get("/v1/templates/observations.csv").content.decode("utf-8-sig").splitlines()
    examples = [line.split("example: ")[1].rstrip('"') for line in lines[2:4]]
    body = upload(scoped, "t.csv", "\r\n".join([*lines[:4], *examples]).encode(), dry_run="true")
    assert [(i["row"], i["status"]) for i in body["items"]] == [(5, "accepted"), (6, "accepted")]
    assert published(bootstrap_servers) == []


def test_a_filled_in_template_uploads_and_its_empty_rows_are_skipped(
    scoped: TestClient, bootstrap_servers: str
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(scoped.get("/v1/templates/observations.xlsx").content))
    sheet = book["observations"]
    sheet["C2"], sheet["D2"] = "2025-06", 61.5
    sheet["C5"], sheet["D5"] = "2025-Q2", 44.0
    out = io.BytesIO()
    book.save(out)

    body = upload(scoped, "observations.xlsx", out.getvalue(), dry_run="true")

    assert body["dry_run"] is True
    assert [(i["row"], i["status"]) for i in body["items"]] == [(2, "accepted"), (5, "accepted")]
    assert published(bootstrap_servers) == []


@pytest.mark.parametrize(
    ("name", "content", "field", "problem"),
    [
        (
            "june.csv",
            b"indicator;jurisdiction;period;value\r\n",
            "rows[1].header",
            "dòng tiêu đề phải có các cột indicator, jurisdiction, period, value, numerator,"
            " denominator (numerator và denominator không bắt buộc); tìm thấy"
            " indicator;jurisdiction;period;value / the header must name the columns indicator,"
            " jurisdiction, period, value, numerator, denominator (numerator and denominator"
            " optional); found indicator;jurisdiction;period;value",
        ),
        (
            "june.xlsx",
            b"PK not really a workbook",
            "file",
            "không đọc được tệp .xlsx này / not a readable .xlsx workbook",
        ),
        (
            "june.pdf",
            b"%PDF-1.4",
            "file",
            "cần một tệp có tên *.csv hoặc *.xlsx / expected a file named *.csv or *.xlsx",
        ),
        (
            "june.csv",
            "indicator\n".encode("utf-16"),
            "file",
            "cần mã UTF-8 (trong Excel: lưu dạng CSV UTF-8) / not UTF-8",
        ),
    ],
)
def test_a_file_that_is_not_a_sheet_of_figures_is_422(
    scoped: TestClient, name: str, content: bytes, field: str, problem: str
) -> None:
    answer = scoped.post(UPLOAD, files={"file": (name, content)})
    assert answer.status_code == 422, answer.text
    [(got_field, got_problem)] = problems(answer)
    assert (got_field, got_problem[: len(problem)]) == (field, problem)


UNPACKED = 1 << 20


def test_a_workbook_that_unpacks_to_too_much_is_413_before_it_is_read(
    bootstrap_servers: str, database_url: str, auth: dict[str, str]
) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (UNPACKED + 1))
    assert len(bomb.getvalue()) < 1 << 20
    with TestClient(
        make_app(
            bootstrap_servers,
            database_url,
            max_body_bytes=1 << 20,
            file_max_unpacked_bytes=UNPACKED,
        ),
        headers=auth,
    ) as c:
        answer = c.post(UPLOAD, files={"file": ("big.xlsx", bomb.getvalue())})
    assert answer.status_code == 413, answer.text
    assert problems(answer) == [
        (
            "file",
            f"giải nén ra {UNPACKED + 1} byte; chỉ đọc tối đa {UNPACKED} byte / unpacks to"
            f" {UNPACKED + 1} bytes; at most {UNPACKED} are read",
        )
    ]


def test_a_form_that_cannot_be_read_is_400_in_the_error_shape(scoped: TestClient) -> None:
    answer = scoped.post(
        UPLOAD,
        content=b"--b\r\n\x0c--b--\r\n",
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == (
        "không đọc được nội dung yêu cầu / the request body cannot be read"
    )
    assert problems(answer) == [
        (
            "body",
            "không đọc được nội dung gửi lên (JSON hoặc biểu mẫu multipart) / Invalid multipart"
            " data.",
        )
    ]
