"""`chiso grafana publish` against a loopback HTTP server standing in for Grafana's API: the
requests it records are the ones Grafana would get."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chiso_grafana.cli import app as grafana
from tests.both_languages import halves
from tests.http_recorder import Answer, http_recorder

NOT_FOUND = Answer(404, b'{"message": "folder not found"}')


def _dashboard(directory: Path, name: str, uid: str, title: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    body = {"id": 7, "uid": uid, "title": title, "panels": [{"type": "table", "id": 1}]}
    (directory / f"{name}.json").write_text(json.dumps(body), encoding="utf-8")


def _run(url: str, dashboards: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        grafana,
        ["publish", "--dashboards", str(dashboards)],
        env={"CHISO_GRAFANA_URL": url, "CHISO_GRAFANA_TOKEN": "glsa_secret"},
    )
    return result.exit_code, result.output


def test_folders_then_dashboards_overwritten_by_uid(tmp_path: Path) -> None:
    _dashboard(tmp_path, "ioc_overview", "chiso-ioc", "Tổng quan IOC")
    _dashboard(tmp_path / "English", "ioc_overview", "chiso-ioc-en", "IOC overview")
    # The English folder is missing (404, then created); the root folder exists.
    with http_recorder(NOT_FOUND, Answer(200, b'{"uid": "chiso-English"}')) as grafana_api:
        code, output = _run(grafana_api.url("/"), tmp_path)
        requests = grafana_api.received()

    assert code == 0, output
    assert halves(output) == (
        "đã đăng 2 bảng điều khiển lên Grafana; tạo 1 thư mục: English",
        "published 2 dashboard(s); created 1 folder(s): English",
    )
    assert [(r.method, r.path) for r in requests] == [
        ("GET", "/api/folders/chiso-English"),
        ("POST", "/api/folders"),
        ("GET", "/api/folders/chiso"),
        ("POST", "/api/dashboards/db"),
        ("POST", "/api/dashboards/db"),
    ]
    assert all(r.headers["authorization"] == "Bearer glsa_secret" for r in requests)
    assert requests[1].json() == {"title": "English", "uid": "chiso-English"}
    english, vietnamese = requests[3].json(), requests[4].json()
    assert english["folderUid"] == "chiso-English"
    assert vietnamese["folderUid"] == "chiso"
    assert english["overwrite"] is vietnamese["overwrite"] is True
    assert english["dashboard"]["uid"] == "chiso-ioc-en"
    assert vietnamese["dashboard"]["title"] == "Tổng quan IOC"
    # the exporting instance's numeric id is dropped; the panels go as they are
    assert vietnamese["dashboard"]["id"] is None
    assert vietnamese["dashboard"]["panels"] == [{"type": "table", "id": 1}]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "expected a dashboard in JSON"),
        ("[]", "expected a JSON object"),
        ('{"title": "no uid"}', "uid: expected a non-empty string"),
    ],
)
def test_a_bad_file_publishes_nothing(tmp_path: Path, content: str, expected: str) -> None:
    _dashboard(tmp_path, "good", "chiso-good", "Good")
    (tmp_path / "zz_bad.json").write_text(content, encoding="utf-8")
    with http_recorder() as grafana_api:
        code, output = _run(grafana_api.url("/"), tmp_path)
        requests = grafana_api.received()
    assert code == 2
    assert "zz_bad.json" in output
    assert expected in output
    assert requests == []


def test_a_refusal_is_reported_and_fails(tmp_path: Path) -> None:
    _dashboard(tmp_path, "good", "chiso-good", "Good")
    refused = Answer(403, b'{"message": "Permissions needed: dashboards:write"}')
    with http_recorder(Answer(200), refused) as grafana_api:
        code, output = _run(grafana_api.url("/"), tmp_path)
    assert code == 1
    assert "Permissions needed: dashboards:write" in output
    assert "glsa_secret" not in output
