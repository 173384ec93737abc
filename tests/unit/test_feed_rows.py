"""Feed configurations and the pure step from a feed's document to items of the one intake:
every kind of document or record it cannot read is named, Vietnamese first."""

import json
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
from tests.both_languages import BOTH, halves
from tests.feed_server import usage_config

ROOT = Path(__file__).resolve().parents[2]


def feed(**changes: Any) -> Feed:
    config = usage_config(
        "portal", "http://127.0.0.1:1/usage", every="PT1H", records="data.items", **changes
    )
    return Feed.model_validate(config)


def test_the_example_configurations_load() -> None:
    feeds = load_feeds(ROOT / "deploy" / "feeds")
    assert {f.name for f in feeds} == {"online_public_service_usage", "cashless_transaction_share"}
    assert all(f.auth is not None for f in feeds)


class TestABadConfigurationIsNamedVietnameseFirst:
    """Every way a feed file or the feeds' folder is refused names the file (or folder) and the
    field, and says what was expected in Vietnamese, then in English."""

    @pytest.mark.parametrize(
        ("change", "vietnamese", "english"),
        [
            (
                {"every": "PT0S"},
                "tệp: `every` tối thiểu là một giây",
                "file: `every` is at least one second",
            ),
            (
                {"format": "xml"},
                "format: phải là một trong: 'json' hoặc 'csv'",
                "format: Input should be 'json' or 'csv'",
            ),
            ({"url": "not a url"}, "url: phải là một URL", "url: Input should be a valid URL"),
            ({"batch_size": "many"}, "batch_size: phải là một số nguyên", "batch_size: Input"),
            ({"batch_size": 0}, "batch_size: phải từ 1 trở lên", "batch_size: Input should be"),
            (
                {"scope": {"jurisdictions": [], "indicators": ["x"]}},
                "scope.jurisdictions: cần ít nhất 1 mục",
                "scope.jurisdictions: Tuple should have at least 1 item",
            ),
            (
                {"mapping": {"indicator": {"value": "x"}, "jurisdiction": {"field": "j"}}},
                "mapping.period: thiếu trường bắt buộc",
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
                "mapping.indicator: cho đúng một trong hai: `field` (đọc từ bản ghi) hoặc `value`",
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
                "mapping: tử số và mẫu số đi cùng nhau",
                "mapping: numerator and denominator go together",
            ),
            (
                {
                    "mapping": {
                        "indicator": {"value": "x"},
                        "jurisdiction": {"field": "j"},
                        "period": {"field": "p"},
                    }
                },
                "mapping: cần `value`, hoặc `numerator` và `denominator`",
                "mapping: map `value`, or `numerator` and `denominator`",
            ),
            (
                {"auth": {"env": "TOKEN", "secret": "s"}},
                "auth.secret: trường không có trong mẫu",
                "auth.secret: unknown field",
            ),
        ],
    )
    def test_a_field_names_the_file_and_field(
        self, tmp_path: Path, change: dict[str, Any], vietnamese: str, english: str
    ) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(feed().model_dump(mode="json") | change))
        with pytest.raises(FeedError) as raised:
            load_feed(path)
        vi, en = halves(raised.value)
        assert vi.startswith(f"{path}: "), vi
        assert vietnamese in vi, vi
        assert en.startswith(f"{path}: "), en
        assert english in en, en

    def test_a_file_that_is_no_mapping_is_named_whole(self, tmp_path: Path) -> None:
        path = tmp_path / "list.yaml"
        path.write_text("- just\n- a list\n")
        with pytest.raises(FeedError) as raised:
            load_feed(path)
        assert halves(raised.value) == (
            f"{path}: tệp: phải là một đối tượng JSON",
            f"{path}: file: expected an object",
        )

    def test_a_file_that_is_not_yaml_names_the_file_and_line(self, tmp_path: Path) -> None:
        path = tmp_path / "broken.yaml"
        path.write_text("name: portal\nurl: [unclosed\n")
        with pytest.raises(FeedError) as raised:
            load_feed(path)
        vi, en = halves(raised.value)
        assert vi == f"{path}: không phải YAML hợp lệ (dòng 3)"
        assert en.startswith(f"{path}: not valid YAML: "), en

    def test_a_feed_name_given_twice_names_both_files(self, tmp_path: Path) -> None:
        for name in ("a.yaml", "b.yaml"):
            (tmp_path / name).write_text(yaml.safe_dump(feed().model_dump(mode="json")))
        with pytest.raises(FeedError) as raised:
            load_feeds(tmp_path)
        assert halves(raised.value) == (
            f"{tmp_path}: tên nguồn dữ liệu 'portal' được dùng nhiều lần (a.yaml, b.yaml)",
            f"{tmp_path}: feed name 'portal' is used more than once (a.yaml, b.yaml)",
        )

    def test_a_folder_without_feeds_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(FeedError) as raised:
            load_feeds(tmp_path)
        assert halves(raised.value) == (
            f"{tmp_path} (CHISO_FEEDS_DIR) không có tệp cấu hình nguồn dữ liệu nào (*.yaml)",
            f"{tmp_path} (CHISO_FEEDS_DIR) holds no feed file (*.yaml)",
        )

    def test_a_folder_that_is_not_there_is_refused(self, tmp_path: Path) -> None:
        missing = tmp_path / "missing"
        with pytest.raises(FeedError) as raised:
            load_feeds(missing)
        assert halves(raised.value) == (
            f"{missing} (CHISO_FEEDS_DIR) không phải một thư mục",
            f"{missing} (CHISO_FEEDS_DIR) is not a folder",
        )

    def test_an_unset_secret_names_its_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        auth = feed(auth={"env": "FEED_TEST_TOKEN"}).auth
        assert auth is not None
        monkeypatch.delenv("FEED_TEST_TOKEN", raising=False)
        with pytest.raises(FeedError) as raised:
            auth.value()
        assert halves(raised.value) == (
            "biến môi trường FEED_TEST_TOKEN (auth.env) chưa được đặt",
            "the environment variable FEED_TEST_TOKEN (auth.env) is not set",
        )


def test_the_auth_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    auth = feed(auth={"env": "FEED_TEST_TOKEN", "prefix": "Bearer "}).auth
    assert auth is not None
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
