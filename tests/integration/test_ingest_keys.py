"""Agencies' API keys: made, rotated and revoked by `chiso agency`, kept only as hashes, each
scoped to a jurisdiction subtree and a set of indicators, and held to a rate limit."""

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from chiso_devstack.processes import agency_key
from tests.both_languages import halves
from tests.integration.conftest import URL, make_app, obs, problems, published, statuses

SCOPE = (["lai_chau"], ["online_public_service_usage"])
NO_KEY = (
    "cần tiêu đề `Authorization: Bearer <khóa API>` / expected `Authorization: Bearer <API key>`"
)


def chiso_agency(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chiso_core", "agency", *args],
        env={**os.environ, "CHISO_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def app_client(bootstrap_servers: str, database_url: str) -> Iterator[TestClient]:
    """The app, with no key of its own: each test sends the one it means."""
    with TestClient(make_app(bootstrap_servers, database_url)) as c:
        yield c


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_made_by_chiso_agency_create_is_stored_only_as_a_hash(
    app_client: TestClient, database_url: str
) -> None:
    key = agency_key(database_url, "so_tttt_lai_chau", *SCOPE)
    _, key_id, secret = key.split("_", 2)

    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT * FROM agency_keys").fetchall()
        [(stored_hash,)] = conn.execute("SELECT secret_hash FROM agency_keys").fetchall()
    assert secret not in repr(rows)
    assert bytes(stored_hash) == hashlib.sha256(secret.encode()).digest()
    assert [r[0] for r in rows] == [key_id]
    answer = app_client.post(
        URL, json={"observations": [obs(jurisdiction="tam_duong")]}, headers=bearer(key)
    )
    assert answer.status_code == 202, answer.text


def test_an_ioc_wide_key_follows_every_indicator_with_a_star(database_url: str) -> None:
    agency_key(database_url, "ioc", ["vn"], ["*"], ["alerts"])
    agency_key(database_url, "ioc_too", ["vn"], ["pii_rank", "*"], ["alerts"])
    with psycopg.connect(database_url) as conn:
        catalog = {r[0] for r in conn.execute("SELECT code FROM catalog_indicators")}
        rows = conn.execute("SELECT name, indicators FROM agencies").fetchall()
    stored: dict[str, list[str]] = dict(rows)
    assert len(catalog) > 30
    assert set(stored["ioc"]) == set(stored["ioc_too"]) == catalog
    assert "*" not in stored["ioc"]


def test_creating_an_agency_twice_or_out_of_the_catalog_fails_naming_why(
    database_url: str,
) -> None:
    """Each refusal names the option (or the agency) and what was expected, Vietnamese first."""
    outside = chiso_agency(
        database_url, "create", "a", "--jurisdiction", "atlantis", "--indicator", "nope"
    )
    assert outside.returncode == 1
    vi, en = halves(outside.stderr)
    named = "--jurisdiction 'atlantis', --indicator 'nope'"
    assert vi == f"không có trong danh mục đã nạp: {named} (`chiso catalog load` trước)", vi
    assert en == f"not in the loaded catalog: {named} (`chiso catalog load` first)", en
    agency_key(database_url, "a", *SCOPE)
    again = chiso_agency(
        database_url, "create", "a", "--jurisdiction", "vn", "--indicator", "pii_rank"
    )
    assert again.returncode == 1
    assert halves(again.stderr) == (
        "cơ quan 'a' đã có: hãy cấp khóa mới (`chiso agency rotate a`)",
        "agency 'a' exists already: rotate its key instead (`chiso agency rotate a`)",
    )


@pytest.mark.parametrize("command", ["rotate", "revoke"])
def test_rotating_or_revoking_an_unknown_agency_says_so(database_url: str, command: str) -> None:
    run = chiso_agency(database_url, command, "nobody")
    assert run.returncode == 1
    assert run.stdout == ""
    assert halves(run.stderr) == (
        "không có cơ quan 'nobody' (tạo bằng `chiso agency create`)",
        "no agency 'nobody' (made by `chiso agency create`)",
    )


def test_rotate_replaces_the_key_and_revoke_ends_it(
    app_client: TestClient, database_url: str
) -> None:
    old = agency_key(database_url, "so_tttt_lai_chau", *SCOPE)
    rotated = chiso_agency(database_url, "rotate", "so_tttt_lai_chau")
    assert rotated.returncode == 0, rotated.stderr
    new = rotated.stdout.strip()  # the key alone on stdout; the words about it on stderr
    assert any(
        halves(line)[1].startswith("shown once: ") for line in rotated.stderr.splitlines()
    ), rotated.stderr
    figure = {"observations": [obs(jurisdiction="12")]}

    refused = app_client.post(URL, json=figure, headers=bearer(old))
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    key_id = old.split("_")[1]
    assert problems(refused) == [
        (
            "Authorization",
            f"khóa {key_id} không tồn tại hoặc đã bị thu hồi / key {key_id} is unknown or revoked",
        )
    ]
    assert app_client.post(URL, json=figure, headers=bearer(new)).status_code == 202

    revoked = chiso_agency(database_url, "revoke", "so_tttt_lai_chau")
    assert halves(revoked.stdout) == (
        f"đã thu hồi khóa: {new.split('_')[1]}",
        f"revoked: {new.split('_')[1]}",
    )
    assert app_client.post(URL, json=figure, headers=bearer(new)).status_code == 401


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({}, NO_KEY),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, NO_KEY),
        (
            bearer("letmein"),
            "không phải khóa API của chiso (chiso_<mã khóa>_<phần bí mật>) / not a chiso API key"
            " (chiso_<key id>_<secret>)",
        ),
        (
            bearer("chiso_0123456789ab_" + "x" * 43),
            "khóa 0123456789ab không tồn tại hoặc đã bị thu hồi / key 0123456789ab is unknown or"
            " revoked",
        ),
    ],
)
def test_without_a_valid_key_every_agency_endpoint_is_401(
    app_client: TestClient, bootstrap_servers: str, headers: dict[str, str], problem: str
) -> None:
    for method, path in [
        ("POST", URL),
        ("POST", f"{URL}/file"),
        ("GET", "/v1/templates/observations.csv"),
        ("GET", "/v1/templates/observations.xlsx"),
    ]:
        answer = app_client.request(method, path, json={"observations": [obs()]}, headers=headers)
        assert answer.status_code == 401, (path, answer.text)
        assert problems(answer) == [("Authorization", problem)]
    assert published(bootstrap_servers) == []


def test_a_wrong_secret_for_a_known_key_id_is_401(
    app_client: TestClient, database_url: str
) -> None:
    key = agency_key(database_url, "so_tttt_lai_chau", *SCOPE)
    forged = key[:-1] + ("y" if key.endswith("x") else "x")
    answer = app_client.post(URL, json={"observations": [obs()]}, headers=bearer(forged))
    assert answer.status_code == 401


def test_each_out_of_scope_item_is_rejected_and_403_only_when_none_is_within(
    app_client: TestClient, database_url: str, bootstrap_servers: str
) -> None:
    """Lai Châu and the units below it (Tam Đường, by the parent links), one indicator: the
    items outside are rejected naming why, the one inside is published; a request with
    nothing inside is refused whole."""
    key = agency_key(database_url, "so_tttt_lai_chau", *SCOPE)
    batch = [
        obs(jurisdiction="tam_duong"),
        obs(jurisdiction="khanh_hoa"),
        obs(jurisdiction="12", indicator="cashless_transaction_share"),
        obs(jurisdiction="atlantis"),
    ]
    headers = bearer(key) | {"Accept-Language": "en"}

    answer = app_client.post(URL, json={"observations": batch}, headers=headers)

    assert answer.status_code == 202, answer.text
    assert statuses(answer) == ["accepted", "rejected", "rejected", "rejected"]
    items = answer.json()["items"]
    assert [(p["field"], p["problem"]) for i in items[1:3] for p in i["problems"]] == [
        (
            "observations[1].jurisdiction",
            "'khanh_hoa' is outside this key's jurisdictions (lai_chau and the units below them)",
        ),
        (
            "observations[2].indicator",
            "'cashless_transaction_share' is not among this key's indicators"
            " (online_public_service_usage)",
        ),
    ]
    assert [m.jurisdiction_id for _, m in published(bootstrap_servers)] == ["tam_duong"]
    outside = app_client.post(URL, json={"observations": batch[1:3]}, headers=headers)
    assert outside.status_code == 403, outside.text
    assert [f for f, _ in problems(outside)] == [
        "observations[0].jurisdiction",
        "observations[1].indicator",
    ]
    assert len(published(bootstrap_servers)) == 1


def test_over_the_rate_limit_is_429_with_retry_after(
    bootstrap_servers: str, database_url: str
) -> None:
    """A bucket of 3 requests refilled at 0.5/s: the 4th at once waits 2 s; another key has
    its own bucket."""
    first = agency_key(database_url, "first", *SCOPE)
    other = agency_key(database_url, "other", *SCOPE)
    app = make_app(bootstrap_servers, database_url, rate_limit_per_s=0.5, rate_limit_burst=3)
    figure = {"observations": [obs(jurisdiction="12")]}
    with TestClient(app) as c:
        answers = [c.post(URL, json=figure, headers=bearer(first)) for _ in range(4)]
        assert [a.status_code for a in answers] == [202, 202, 202, 429]
        assert answers[-1].headers["retry-after"] == "2"
        assert "rate limit" in answers[-1].json()["error"]
        assert c.post(URL, json=figure, headers=bearer(other)).status_code == 202


def test_a_key_without_the_report_permission_is_403_and_nothing_is_published(
    app_client: TestClient, database_url: str, bootstrap_servers: str
) -> None:
    """An agency made to follow alerts only cannot report figures."""
    key = agency_key(database_url, "watcher", *SCOPE, permissions=["alerts"])
    answer = app_client.post(
        URL, json={"observations": [obs(jurisdiction="12")]}, headers=bearer(key)
    )
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"] == (
        "khóa này không được báo cáo số liệu / this key may not report figures"
    )
    assert problems(answer) == [
        (
            "Authorization",
            "cơ quan 'watcher' có các quyền alerts, không có quyền report / agency 'watcher' has"
            " the permissions alerts, not report",
        )
    ]
    assert published(bootstrap_servers) == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT permissions FROM agencies").fetchall() == [(["alerts"],)]


def test_an_agency_made_without_a_permission_reports(database_url: str) -> None:
    agency_key(database_url, "reporter", *SCOPE)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT permissions FROM agencies").fetchall() == [(["report"],)]
