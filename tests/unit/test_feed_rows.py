"""Feed configurations and the pure step from a feed's document to items of the one intake:
every kind of document or record it cannot read is named, Vietnamese first."""

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from chiso_core.catalog import Catalog
from chiso_core.words.problems import Lang
from chiso_ingest import intake
from chiso_ingest.feeds.config import Feed, FeedError, load_feed, load_feeds
from chiso_ingest.feeds.rows import records, to_items
from chiso_ingest.ingestor import reason
from chiso_ingest.intake import Item, Unreadable
from tests.feed_server import usage_config

ROOT = Path(__file__).resolve().parents[2]
BOTH = re.compile(r"^(?P<vi>.+?) / (?P<en>.+)$", re.DOTALL)


def feed(**changes: Any) -> Feed:
    config = usage_config(
        "portal", "http://127.0.0.1:1/usage", every="PT1H", records="data.items", **changes
    )
    return Feed.model_validate(config)


def test_the_example_configurations_load() -> None:
    feeds = load_feeds(ROOT / "deploy" / "feeds")
    assert {f.name for f in feeds} == {"online_public_service_usage", "cashless_transaction_share"}
    assert all(f.auth is not None for f in feeds)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"every": "PT0S"}, "every"),
        ({"format": "xml"}, "format"),
        ({"url": "not a url"}, "url"),
        (
            {"mapping": {"indicator": {"value": "x"}, "jurisdiction": {"field": "j"}}},
            "mapping.period: Field required",
        ),
        (
            {
                "mapping": {
                    "indicator": {"value": "x", "field": "y"},
                    "jurisdiction": {"field": "j"},
                    "period": {"field": "p"},
                    "value": {"field": "v"},
                }
            },
            "mapping.indicator: give exactly one of `field` (read from the row) or `value`",
        ),
        (
            {
                "mapping": {
                    "indicator": {"value": "x"},
                    "jurisdiction": {"field": "j"},
                    "period": {"field": "p"},
                    "numerator": {"field": "n"},
                }
            },
            "mapping: `numerator` and `denominator` go together",
        ),
        ({"auth": {"env": "TOKEN", "secret": "s"}}, "auth.secret: Extra inputs are not permitted"),
    ],
)
def test_a_bad_configuration_names_the_file_and_field(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    good = feed().model_dump(mode="json")
    path.write_text(yaml.safe_dump(good | change))
    with pytest.raises(FeedError, match=r"bad\.yaml") as raised:
        load_feed(path)
    assert message in str(raised.value)


def test_feed_names_are_unique(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(feed().model_dump(mode="json")))
    with pytest.raises(FeedError, match="'portal' is used twice"):
        load_feeds(tmp_path)


def test_a_folder_without_feeds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="holds no feed file"):
        load_feeds(tmp_path)
    with pytest.raises(FeedError, match="is not a folder"):
        load_feeds(tmp_path / "missing")


def test_the_auth_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    auth = feed(auth={"env": "FEED_TEST_TOKEN", "prefix": "Bearer "}).auth
    assert auth is not None
    monkeypatch.delenv("FEED_TEST_TOKEN", raising=False)
    with pytest.raises(FeedError, match="FEED_TEST_TOKEN"):
        auth.value()
    monkeypatch.setenv("FEED_TEST_TOKEN", "s3cret")
    secret = auth.value()
    assert secret.get_secret_value() == "Bearer s3cret"
    assert "s3cret" not in repr(secret)
    assert "s3cret" not in str(secret)


def test_json_rows_become_items_with_the_value_computed(catalog: Catalog) -> None:
    row = {"ma_dvhc": "56", "ky": "06/2025", "online": 615, "total": 1000}
    body = json.dumps({"data": {"items": [row]}}).encode()
    [item] = to_items(feed(), records(feed(), body), catalog)
    assert item.issues == []
    assert item.parsed is not None
    assert (item.parsed.indicator, item.parsed.jurisdiction, item.parsed.period) == (
        "online_public_service_usage",
        "56",
        "2025-06",
    )
    assert item.parsed.value == pytest.approx(61.5)  # percent: the unit of the indicator
    assert (item.parsed.numerator, item.parsed.denominator) == (615, 1000)
    assert (item.where, item.as_sent()) == ("data.items[0]", row)


def csv_feed(delimiter: str = ",") -> Feed:
    """A CSV of figures: chi_so, ma, thang, gia_tri."""
    return feed(
        format="csv",
        delimiter=delimiter,
        mapping={
            "indicator": {"field": "chi_so"},
            "jurisdiction": {"field": "ma"},
            "period": {"field": "thang"},
            "value": {"field": "gia_tri"},
        },
    )


def test_csv_rows_are_numbered_like_a_spreadsheet(catalog: Catalog) -> None:
    """Row 1 is the header; problems name rows[n] as every other intake does."""
    semicolons = csv_feed(";")
    body = (
        "\ufeffchi_so;ma;thang;gia_tri\n"
        "cashless_transaction_share;82;2025-03;47.5\n"
        "cashless_transaction_share;82;2025-13;abc\n"
    ).encode()
    good, bad = to_items(semicolons, records(semicolons, body), catalog)
    assert (good.where, good.parsed and good.parsed.value) == ("rows[2]", 47.5)
    assert (bad.where, bad.parsed) == ("rows[3]", None)
    assert said(bad, catalog, "en") == [
        ("rows[3].value", "expected a number such as 61.5, found 'abc'")
    ]


def said(item: Item, catalog: Catalog, lang: Lang) -> list[tuple[str, str]]:
    """The item's problems as the import summary says them, in `lang`."""
    outcome = intake.checked(item, catalog, date(2026, 1, 1))
    assert isinstance(outcome, Unreadable)
    return [(p["field"], p["problem"]) for p in intake.problems(item, outcome, lang)]


ROW = {"ma_dvhc": "56", "ky": "06/2025", "online": 1, "total": 2}


@pytest.mark.parametrize(
    ("record", "field", "vietnamese", "english"),
    [
        (
            {"ky": "06/2025", "online": 1, "total": 2},
            "data.items[0].jurisdiction",
            "thiếu trường 'ma_dvhc' hoặc trường này để trống",
            "field 'ma_dvhc' is missing",
        ),
        (
            ROW | {"ma_dvhc": ""},
            "data.items[0].jurisdiction",
            "thiếu trường 'ma_dvhc' hoặc trường này để trống",
            "field 'ma_dvhc' is missing",
        ),
        (
            ROW | {"ky": "2025-06"},
            "data.items[0].period",
            "'2025-06' không đúng định dạng %m/%Y",
            "'2025-06' is not in format %m/%Y",
        ),
        (
            ROW | {"total": 0},
            "data.items[0].denominator",
            "phải lớn hơn 0 để tính được giá trị",
            "must be above 0 to compute the value",
        ),
        (
            ROW | {"online": True},
            "data.items[0].numerator",
            "cần một số viết với dấu chấm thập phân, ví dụ 61.5, không phải True",
            "expected a number such as 61.5, found True",
        ),
        (
            ROW | {"online": "61,5"},
            "data.items[0].numerator",
            "cần một số viết với dấu chấm thập phân, ví dụ 61.5, không phải '61,5'",
            "expected a number such as 61.5, found '61,5'",
        ),
        (
            ROW | {"ma_dvhc": "5" * 40},
            "data.items[0].jurisdiction",
            "dài quá 32 ký tự",
            "String should have at most 32 characters",
        ),
        (
            "not an object",
            "data.items[0]",
            "phải là một đối tượng có các trường của một số liệu",
            "expected an object with the fields of a figure",
        ),
    ],
)
def test_a_record_that_is_no_figure_is_named_in_the_language_asked_for(
    catalog: Catalog, record: object, field: str, vietnamese: str, english: str
) -> None:
    """What cannot even be read as a figure, said as every other problem of an item: in
    Vietnamese, or English when asked for; the rejected topic's reason is in Vietnamese. (The
    checks proper run in the one intake.)"""
    body = json.dumps({"data": {"items": [record]}}).encode()
    [item] = to_items(feed(), records(feed(), body), catalog)
    assert item.parsed is None
    assert said(item, catalog, "vi") == [(field, vietnamese)]
    assert said(item, catalog, "en") == [(field, english)]
    assert reason(item, Unreadable(tuple(item.issues))) == f"{field}: {vietnamese}"


@pytest.mark.parametrize(
    ("kind", "body", "vietnamese", "english"),
    [
        (
            feed(),
            b"<html>",
            "nguồn dữ liệu portal: nội dung không phải JSON hợp lệ",
            "feed portal: the body is not JSON (Expecting value: line 1 column 1 (char 0))",
        ),
        (
            feed(),
            b"\xff\xfe{}",
            "nguồn dữ liệu portal: nội dung không phải JSON hợp lệ",
            "feed portal: the body is not JSON (",
        ),
        (
            feed(),
            b'{"data": {}}',
            "nguồn dữ liệu portal: nội dung không có 'data.items' (records: data.items)",
            "feed portal: the body has no 'data.items' (records: data.items)",
        ),
        (
            feed(),
            b'["data"]',
            "nguồn dữ liệu portal: nội dung không có 'data' (records: data.items)",
            "feed portal: the body has no 'data' (records: data.items)",
        ),
        (
            feed(),
            b'{"data": {"items": {}}}',
            "nguồn dữ liệu portal: data.items không phải một danh sách bản ghi",
            "feed portal: data.items is not a list of records",
        ),
        (
            feed().model_copy(update={"records": ""}),
            b'{"items": []}',
            "nguồn dữ liệu portal: nội dung không phải một danh sách bản ghi",
            "feed portal: the body is not a list of records",
        ),
        (
            csv_feed(),
            "chi_so,ma,thang,gia_tri\n".encode("utf-16"),
            "nguồn dữ liệu portal: nội dung CSV không ở mã UTF-8",
            "feed portal: the CSV body is not UTF-8 (",
        ),
    ],
)
def test_a_document_of_the_wrong_shape_fails_the_poll_saying_why_vietnamese_first(
    kind: Feed, body: bytes, vietnamese: str, english: str
) -> None:
    with pytest.raises(FeedError) as raised:
        records(kind, body)
    both = BOTH.match(str(raised.value))
    assert both is not None, raised.value
    assert both["vi"] == vietnamese
    assert both["en"].startswith(english), both["en"]
