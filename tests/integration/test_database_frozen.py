"""A frozen database (its processes stopped with SIGSTOP: connections stay open, nothing
answers) is answered within the documented bound, never waited for: 503 with Retry-After, or
for ingest, what it can do without the database."""

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from chiso_core.settings import ScoringSettings
from chiso_devstack.embedded import EmbeddedPostgres, free_port
from chiso_scoring.app import create_app as scoring_app
from tests.integration.conftest import make_app, obs

TIMEOUT_S = 2.0
BOUND_S = TIMEOUT_S + 1.5  # the timeout, and the answer's own time on a busy machine


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def frozen(postgres: EmbeddedPostgres) -> Iterator[None]:
    """This test cluster's postmaster and backends stopped, and continued on leaving."""
    postmaster = int((postgres.data_dir / "postmaster.pid").read_text().split()[0])
    stopped = [postmaster, *_children(postmaster)]
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)


def answered_in(request: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    answer = request()
    return time.monotonic() - started, answer


def test_ingest_answers_within_the_bound_while_the_database_is_frozen(
    bootstrap_servers: str, database_url: str, auth: dict[str, str], postgres: EmbeddedPostgres
) -> None:
    """With the key and the catalog read before, a batch is still accepted (the latest figures
    unread, each counts as new: nothing is lost); what needs the database is a 503."""
    app = make_app(bootstrap_servers, database_url, key_cache_s=60, db_timeout_s=TIMEOUT_S)
    with TestClient(app, headers=auth) as c:
        assert c.post("/v1/observations", json={"observations": [obs()]}).status_code == 202
        with frozen(postgres):
            took, batch = answered_in(
                lambda: c.post("/v1/observations", json={"observations": [obs(value=62.0)]})
            )
            took_once, once = answered_in(
                lambda: c.post(
                    "/v1/observations",
                    json={"observations": [obs(value=63.0)]},
                    headers={"Idempotency-Key": "frozen-1"},
                )
            )
            took_new, new_key = answered_in(
                lambda: c.post(
                    "/v1/observations",
                    json={"observations": [obs()]},
                    headers={"Authorization": "Bearer chiso_0123456789ab_" + "A" * 43},
                )
            )
        after = c.post("/v1/observations", json={"observations": [obs(value=64.0)]})
    assert (batch.status_code, took < BOUND_S) == (202, True), (batch.text, took)
    for answer, t in ((once, took_once), (new_key, took_new)):
        assert (answer.status_code, t < BOUND_S) == (503, True), (answer.text, t)
        assert answer.headers["Retry-After"] == "5"
    assert after.status_code == 202, after.text


def test_scoring_answers_503_within_the_bound_while_the_database_is_frozen(
    bootstrap_servers: str, database_url: str, postgres: EmbeddedPostgres
) -> None:
    settings = ScoringSettings(
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
        http_port=free_port(),
        group_id="frozen",
        log_json=False,
        public_scorecards=True,
        db_timeout_s=TIMEOUT_S,
    )
    params = {"plan": "tam_duong_nq57"}
    with TestClient(scoring_app(settings)) as c:
        assert c.get("/v1/scorecard", params=params).status_code == 200
        with frozen(postgres):
            took, card = answered_in(lambda: c.get("/v1/scorecard", params=params))
            took_scores, scores = answered_in(lambda: c.get("/v1/scores", params=params))
            health = c.get("/healthz")
        after = c.get("/v1/scorecard", params=params)
    for answer, t in ((card, took), (scores, took_scores)):
        assert (answer.status_code, t < BOUND_S) == (503, True), (answer.text, t)
        assert answer.headers["Retry-After"] == "5"
        assert answer.json()["error"] == (
            "cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau / the database is not "
            "available; retry later"
        )
    assert health.status_code == 200
    assert after.status_code == 200, after.text
