"""Every kind of refusal of the three APIs reads Vietnamese first: the title (`error`) and each
problem are "<Vietnamese> / <English>". Each API gets a bad request of every kind it refuses, and
every text of every answer is checked. The problems of a batch's items, which the client reads in
the language it asks for (Accept-Language), are checked as such."""

# ruff: noqa: F811 (the scoring API's fixture, imported, is a test's parameter)

import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from chiso_devstack.processes import agency_key
from tests.integration.conftest import MAX_ITEMS, URL, make_app, obs
from tests.integration.test_alerts_api import (
    KH,
    NOW,
    OPS,
    add_alert,
    alerts_app,
    silence_body,
    sub_body,
)
from tests.integration.test_scores_api import private_api  # noqa: F401

BOTH = re.compile(r"^(?P<vi>.+?) / (?P<en>.+)$", re.DOTALL)
LANGUAGES: list[dict[str, str]] = [{}, {"Accept-Language": "vi"}, {"Accept-Language": "en"}]


def vietnamese_first(text: str) -> bool:
    found = BOTH.match(text)
    return found is not None and not found["vi"].isascii()


def texts(answer: httpx.Response) -> list[str]:
    """The title and every problem of a refusal."""
    body = answer.json()
    return [body["error"], *(p["problem"] for p in body["problems"])]


Ask = Callable[[dict[str, str]], httpx.Response]


def check_every(cases: dict[str, tuple[int, Ask]]) -> None:
    """Each case asked in each language: the status expected, at least one problem named
    (unless the answer is only a title), and every text Vietnamese first."""
    wrong: list[tuple[str, int, str]] = []
    for name, (status, ask) in cases.items():
        for language in LANGUAGES:
            answer = ask(language)
            if answer.status_code != status:
                wrong.append((name, answer.status_code, answer.text))
                continue
            wrong += [(name, status, t) for t in texts(answer) if not vietnamese_first(t)]
    assert wrong == []


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# --- ingest --------------------------------------------------------------------------------

MAX_ROWS, MAX_UNPACKED, CELL = 3, 1 << 20, 64
ROW = "online_public_service_usage,12,2025-06,61.5"


@pytest.fixture
def ingest(bootstrap_servers: str, database_url: str) -> Iterator[TestClient]:
    app = make_app(
        bootstrap_servers,
        database_url,
        max_body_bytes=1 << 18,
        file_max_rows=MAX_ROWS,
        file_max_unpacked_bytes=MAX_UNPACKED,
        rate_limit_burst=1000,  # every case in every language, at once
        file_max_cell_chars=CELL,
    )
    with TestClient(app) as c:
        yield c


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNPACKED + 1))
    return out.getvalue()


def test_every_refusal_of_ingest_is_vietnamese_first(
    ingest: TestClient, database_url: str, auth: dict[str, str]
) -> None:
    c = ingest
    watcher = bearer(agency_key(database_url, "watcher", ["lai_chau"], [OPS], ["alerts"]))
    batch = {"observations": [obs()]}
    csv = "indicator,jurisdiction,period,value\n"

    def upload(name: str, content: bytes) -> Ask:
        return lambda lang: c.post(
            f"{URL}/file", files={"file": (name, content)}, headers={**auth, **lang}
        )

    def send(url: str, headers: dict[str, str] | None = None, **request: Any) -> Ask:
        return lambda lang: c.post(url, headers={**auth, **(headers or {}), **lang}, **request)

    reused = iter(range(1000))

    def reused_key(lang: dict[str, str]) -> httpx.Response:
        key = {"Idempotency-Key": f"reused-{next(reused)}"}
        assert c.post(URL, json=batch, headers={**auth, **key}).status_code == 202
        other: httpx.Response = c.post(
            URL, json={"observations": [obs(value=70.0)]}, headers={**auth, **key, **lang}
        )
        return other

    as_json = {"content-type": "application/json"}
    check_every(
        {
            "malformed JSON": (400, send(URL, as_json, content=b'{"observations": [')),
            "unknown field": (422, send(URL, json={**batch, "agency": "stp"})),
            "missing field": (422, send(URL, json={})),
            "wrong type": (422, send(URL, json={"observations": {"0": obs()}})),
            "not an object": (422, send(URL, json=[obs()])),
            "too few items": (422, send(URL, json={"observations": []})),
            "too many items": (413, send(URL, json={"observations": [obs()] * (MAX_ITEMS + 1)})),
            "body too large": (413, send(URL, as_json, content=b" " * (1 << 18) + b"{}")),
            "a bad Idempotency-Key": (422, send(URL, {"Idempotency-Key": "a b"}, json=batch)),
            "dry_run not a boolean": (422, send(f"{URL}?dry_run=maybe", json=batch)),
            "an Idempotency-Key reused": (409, reused_key),
            "no key": (401, lambda lang: c.post(URL, json=batch, headers=lang)),
            "not a key": (401, lambda lang: c.post(URL, json=batch, headers=bearer("x") | lang)),
            "an unknown key": (
                401,
                lambda lang: c.post(
                    URL, json=batch, headers=bearer("chiso_0123456789ab_" + "x" * 43) | lang
                ),
            ),
            "a key that may not report": (
                403,
                lambda lang: c.post(URL, json=batch, headers=watcher | lang),
            ),
            "not a sheet": (422, upload("june.pdf", b"%PDF-1.4")),
            "no file": (
                422,
                lambda lang: c.post(
                    f"{URL}/file", files={"other": ("a.csv", b"x")}, headers={**auth, **lang}
                ),
            ),
            "a form that cannot be read": (
                400,
                send(
                    f"{URL}/file",
                    {"content-type": "multipart/form-data; boundary=b"},
                    content=b"--b\r\n\x0c--b--\r\n",
                ),
            ),
            "a header not the template's": (422, upload("june.csv", b"a;b\n")),
            "an empty file": (422, upload("june.csv", b"")),
            "not UTF-8": (422, upload("june.csv", "indicator\n".encode("utf-16"))),
            "a row that cannot be read": (
                422,
                upload("june.csv", f'{csv}"{"x" * (200 << 10)}",12,2025-06,1\n'.encode()),
            ),
            "too many rows": (413, upload("june.csv", (csv + f"{ROW}\n" * MAX_ROWS).encode())),
            "not a workbook": (422, upload("june.xlsx", b"PK not really a workbook")),
            "a workbook unpacking to too much": (413, upload("big.xlsx", _zip_bomb())),
            "explanations: malformed JSON": (
                400,
                send("/v1/explanations", as_json, content=b"{"),
            ),
            "explanations: not a batch": (422, send("/v1/explanations", json={"explanations": []})),
            "explanations: too many": (
                413,
                send("/v1/explanations", json={"explanations": [{}] * (MAX_ITEMS + 1)}),
            ),
            "a plan not in the catalog": (
                404,
                lambda lang: c.get("/v1/plans/nope", headers={**auth, **lang}),
            ),
        }
    )


def test_the_problems_of_items_are_in_the_language_asked_for(
    ingest: TestClient, database_url: str
) -> None:
    """A figure's problems follow Accept-Language (Vietnamese by default), under a title in
    both."""
    scoped = bearer(agency_key(database_url, "so_lc", ["lai_chau"], [OPS]))
    outside = {"observations": [obs(jurisdiction="khanh_hoa")]}
    vietnamese = ingest.post(URL, json=outside, headers=scoped)
    english = ingest.post(URL, json=outside, headers=scoped | {"Accept-Language": "en"})
    assert (vietnamese.status_code, english.status_code) == (403, 403)
    assert vietnamese_first(vietnamese.json()["error"])
    assert vietnamese_first(english.json()["error"])
    [said_vi], [said_en] = texts(vietnamese)[1:], texts(english)[1:]
    assert not said_vi.isascii(), said_vi
    assert " / " not in said_vi, said_vi
    assert said_en.isascii(), said_en


# Every kind of row a sheet's reader cannot take as a figure (each the second row of its file,
# under the fixture's MAX_ROWS), and what it says of it.
ROWS = {
    "value": (
        'online_public_service_usage,12,2025-06,"61,5",,',
        "cần một số viết với dấu chấm thập phân, ví dụ 61.5, không phải '61,5'",
        "expected a number such as 61.5, found '61,5'",
    ),
    "period": ("online_public_service_usage,12,,55,,", "không được để trống", "must not be empty"),
    "jurisdiction": (
        f"online_public_service_usage,{'1' * (CELL + 1)},2025-06,55,,",
        f"dài quá {CELL} ký tự",
        f"longer than {CELL} characters",
    ),
    "numerator": (
        "online_public_service_usage,12,2025-06,55,x,100",
        "cần một số viết với dấu chấm thập phân, ví dụ 61.5, không phải 'x'",
        "expected a number such as 61.5, found 'x'",
    ),
}


def test_what_a_files_row_could_not_be_read_as_is_in_the_language_asked_for(
    ingest: TestClient, database_url: str
) -> None:
    """As every other problem of an item, naming the row and column; in an explanations' file
    too."""
    scoped = bearer(agency_key(database_url, "so_lc", ["lai_chau"], [OPS]))
    header = "indicator,jurisdiction,period,value,numerator,denominator"
    notes = f"plan,target,period,done,difficulties,next_actions\np,t,2025,{'x' * (CELL + 1)},a,b"
    for language in LANGUAGES:
        english = language.get("Accept-Language") == "en"
        for column, (row, vi, en) in ROWS.items():
            answer = ingest.post(
                f"{URL}/file",
                files={"file": ("june.csv", f"{header}\n{row}".encode())},
                params={"dry_run": "true"},
                headers=scoped | language,
            )
            assert answer.status_code == 200, answer.text
            [item] = answer.json()["items"]
            assert item["problems"] == [
                {"field": f"rows[2].{column}", "problem": en if english else vi}
            ]

        explained = ingest.post(
            "/v1/explanations/file",
            files={"file": ("notes.csv", notes.encode())},
            headers=scoped | language,
        )
        assert explained.status_code == 422, explained.text
        assert vietnamese_first(explained.json()["error"])
        _, vi, en = ROWS["jurisdiction"]
        long = {"field": "rows[2].done", "problem": en if english else vi}
        assert long in explained.json()["problems"], explained.text


def test_over_the_rate_limit_is_vietnamese_first(
    bootstrap_servers: str, database_url: str, auth: dict[str, str]
) -> None:
    app = make_app(bootstrap_servers, database_url, rate_limit_per_s=0.01, rate_limit_burst=1)
    with TestClient(app, headers=auth) as c:
        assert c.post(URL, json={"observations": [obs()]}).status_code == 202
        over = c.post(URL, json={"observations": [obs()]})
    assert over.status_code == 429
    assert vietnamese_first(over.json()["error"]), over.text


# --- scoring -------------------------------------------------------------------------------


async def test_every_refusal_of_scoring_is_vietnamese_first(
    private_api: httpx.AsyncClient, database_url: str
) -> None:
    scope = (["khanh_hoa"], [OPS])
    reader = bearer(agency_key(database_url, "reader", *scope, permissions=["read"]))
    reporter = bearer(agency_key(database_url, "reporter", *scope, permissions=["report"]))
    plan = "tam_duong_nq57"
    cases: dict[str, tuple[int, str, dict[str, str], dict[str, str]]] = {
        "no key": (401, "/v1/scorecard", {"plan": plan}, {}),
        "an unknown key": (
            401,
            "/v1/scorecard",
            {"plan": plan},
            bearer("chiso_0123456789ab_" + "A" * 43),
        ),
        "a key that may not read": (403, "/v1/scorecard", {"plan": plan}, reporter),
        "an unknown plan": (404, "/v1/scorecard", {"plan": "nope"}, reader),
        "an unknown plan's explanations": (404, "/v1/explanations", {"plan": "nope"}, reader),
        "an unknown plan's page": (404, "/scorecard/nope", {}, reader),
        "a missing parameter": (422, "/v1/scorecard", {}, reader),
        "a control character": (422, "/v1/scores", {"plan": "a\x00b"}, reader),
        "too long": (422, "/v1/scores", {"plan": "x" * 201}, reader),
        "not a number": (422, "/v1/scores", {"plan": plan, "limit": "many"}, reader),
        "too small": (422, "/v1/scores", {"plan": plan, "limit": "0"}, reader),
        "too large": (422, "/v1/scores", {"plan": plan, "revision": "2000000"}, reader),
        "a date in another form": (422, "/v1/scores", {"plan": plan, "from": "08/12/2026"}, reader),
    }
    wrong: list[tuple[str, int, str]] = []
    for name, (status, path, params, headers) in cases.items():
        for language in LANGUAGES:
            answer = await private_api.get(path, params=params, headers=headers | language)
            if answer.status_code != status:
                wrong.append((name, answer.status_code, answer.text))
                continue
            wrong += [(name, status, t) for t in texts(answer) if not vietnamese_first(t)]
    assert wrong == []


# --- alerts --------------------------------------------------------------------------------


@pytest.fixture
def alerts(database_url: str) -> Iterator[TestClient]:
    with TestClient(alerts_app(database_url, max_body_bytes=4096)) as c:
        yield c


def test_every_refusal_of_alerts_is_vietnamese_first(alerts: TestClient, database_url: str) -> None:
    c = alerts
    keys = {
        name: bearer(agency_key(database_url, name, *KH, permissions=[permission]))
        for name, permission in (("so_kh", "alerts"), ("so_kh_2", "alerts"), ("rep", "report"))
    }
    mine, colleague = keys["so_kh"], keys["so_kh_2"]
    add_alert(database_url, "a_firing")
    add_alert(database_url, "a_resolved", state="resolved")
    made = c.post("/v1/silences", json=silence_body(), headers=mine)
    assert made.status_code == 201, made.text
    silence = made.json()["id"]

    def get(path: str, key: dict[str, str] = mine) -> Ask:
        return lambda lang: c.get(path, headers={**key, **lang})

    def post(path: str, body: Any, key: dict[str, str] = mine) -> Ask:
        return lambda lang: c.post(path, json=body, headers={**key, **lang})

    def bad_silence(**changes: Any) -> Ask:
        return post("/v1/silences", silence_body(**changes))

    def bad_subscription(**changes: Any) -> Ask:
        return post("/v1/subscriptions", sub_body(**changes))

    def matchers(*extra: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"name": "jurisdiction", "value": "khanh_hoa"}, *extra]

    nobody = uuid.uuid4()
    quiet = {"start": "22:00", "end": "22:00"}
    check_every(
        {
            "no key": (401, lambda lang: c.get("/v1/alerts", headers=lang)),
            "a key that may not use alerts": (403, get("/v1/alerts", keys["rep"])),
            "a jurisdiction outside the scope": (403, get("/v1/alerts?jurisdiction=lai_chau")),
            "an indicator outside the scope": (403, get("/v1/alerts?indicator=pii_rank")),
            "an unknown jurisdiction": (422, get("/v1/alerts?jurisdiction=atlantis")),
            "an unknown indicator": (422, get("/v1/alerts?indicator=nope")),
            "an unknown plan": (422, get("/v1/alerts?plan=nope")),
            "a limit too small": (422, get("/v1/alerts?limit=0")),
            "an unknown state": (422, get("/v1/alerts?state=asleep")),
            "no such alert": (404, get("/v1/alerts/nothing")),
            "acknowledging an alert not firing": (
                409,
                post("/v1/alerts/a_resolved/acknowledgements", {"by": "An"}),
            ),
            "an acknowledgement signed too long": (
                422,
                post("/v1/alerts/a_firing/acknowledgements", {"by": "x" * 201}),
            ),
            "an acknowledgement unsigned": (
                422,
                post("/v1/alerts/a_firing/acknowledgements", {}),
            ),
            "malformed JSON": (
                400,
                lambda lang: c.post(
                    "/v1/silences",
                    content=b"{",
                    headers={**mine, "content-type": "application/json", **lang},
                ),
            ),
            "body too large": (
                413,
                lambda lang: c.post(
                    "/v1/silences",
                    content=b" " * 5000,
                    headers={**mine, "content-type": "application/json", **lang},
                ),
            ),
            "a silence: unknown field": (422, bad_silence(colour="red")),
            "a silence: missing field": (422, post("/v1/silences", {"comment": "x"})),
            "a silence: time in another form": (422, bad_silence(ends_at="08/12/2026")),
            "a silence ending too soon": (
                422,
                bad_silence(ends_at=(NOW - timedelta(minutes=1)).isoformat()),
            ),
            "a silence: empty comment": (422, bad_silence(comment="")),
            "a silence: NUL": (422, bad_silence(comment="a\x00b")),
            "a silence: no matcher": (422, bad_silence(matchers=[])),
            "a silence: matchers not a list": (422, bad_silence(matchers="x")),
            "a silence: not a boolean": (
                422,
                bad_silence(matchers=matchers({"name": "rule", "value": "x", "is_regex": "maybe"})),
            ),
            "a silence: not a label": (
                422,
                bad_silence(matchers=matchers({"name": "x-y", "value": "1"}, _indicator())),
            ),
            "a silence: not a pattern": (
                422,
                bad_silence(
                    matchers=matchers(
                        {"name": "rule", "value": "(", "is_regex": True}, _indicator()
                    )
                ),
            ),
            "a silence: pattern too long": (
                422,
                bad_silence(
                    matchers=matchers(
                        {"name": "rule", "value": "a" * 1001, "is_regex": True}, _indicator()
                    )
                ),
            ),
            "a silence without its jurisdiction": (
                422,
                bad_silence(matchers=[{"name": "rule", "value": "status"}]),
            ),
            "a silence without its indicator": (422, bad_silence(matchers=matchers())),
            "a silence outside the scope": (
                403,
                bad_silence(matchers=[{"name": "jurisdiction", "value": "lai_chau"}, _indicator()]),
            ),
            "no such silence": (404, get(f"/v1/silences/{nobody}")),
            "not a silence id": (422, get("/v1/silences/not-an-id")),
            "another agency's silence": (
                403,
                lambda lang: c.delete(f"/v1/silences/{silence}", headers={**colleague, **lang}),
            ),
            "an email address that is none": (422, bad_subscription(channel="email", address="x")),
            "a loopback webhook": (422, bad_subscription(address="http://127.0.0.1:9/hook")),
            "a webhook not http": (422, bad_subscription(address="ftp://93.184.215.14/")),
            "a webhook with credentials": (
                422,
                bad_subscription(address="https://u:p@93.184.215.14/hook"),
            ),
            "a webhook with no host": (422, bad_subscription(address="https:///hook")),
            "a webhook with a port out of range": (
                422,
                bad_subscription(address="https://93.184.215.14:99999/"),
            ),
            "a webhook host that is no host name": (
                422,
                bad_subscription(address="https://hooks\u200b.example.org/x"),
            ),
            "a webhook to NAT64": (422, bad_subscription(address="http://[64:ff9b::a9fe:a9fe]/x")),
            "an unknown channel": (422, bad_subscription(channel="sms")),
            "a name too long": (422, bad_subscription(name="x" * 201)),
            "a name empty": (422, bad_subscription(name="")),
            "a NUL in a name": (422, bad_subscription(name="x\x00")),
            "an unknown label": (422, bad_subscription(group_by=["region"])),
            "group_by not a list": (422, bad_subscription(group_by="plan")),
            "not a duration": (422, bad_subscription(group_wait="5 minutes")),
            "a zero interval": (422, bad_subscription(repeat_interval="0s")),
            "a duration too long": (422, bad_subscription(group_wait="1000000w")),
            "not a time zone": (
                422,
                bad_subscription(quiet_hours={**quiet, "end": "06:00", "timezone": "Mars/X"}),
            ),
            "quiet hours with no window": (422, bad_subscription(quiet_hours=quiet)),
            "a time not HH:MM": (422, bad_subscription(digest_at="7am")),
            "not a boolean": (422, bad_subscription(send_resolved="maybe")),
            "filters not an object": (422, bad_subscription(filters="x")),
            "an unknown rule": (422, bad_subscription(filters={"rules": ["vibes"]})),
            "a filter outside the scope": (
                403,
                bad_subscription(filters={"jurisdictions": ["lai_chau"]}),
            ),
            "an indicator filter outside the scope": (
                403,
                bad_subscription(filters={"indicators": ["pii_rank"]}),
            ),
            "an unknown plan filter": (422, bad_subscription(filters={"plans": ["nope"]})),
            "no such subscription": (404, get(f"/v1/subscriptions/{nobody}")),
            "no such subscription to change": (
                404,
                lambda lang: c.patch(
                    f"/v1/subscriptions/{nobody}", json={}, headers={**mine, **lang}
                ),
            ),
        }
    )


def _indicator() -> dict[str, str]:
    return {"name": "indicator", "value": OPS}
