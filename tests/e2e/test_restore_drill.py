"""The restore drill, on the embedded database, by the commands docs/operations.md gives: dump a
scored database, wipe it, restore it (TimescaleDB's pre/post restore), then rescore from the
restored observations: the scorecard is the one before, row for row."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql

from chiso_devstack.embedded import EmbeddedPostgres
from tests.e2e.conftest import StartService

MONTHS = 24

# The scorecard: every score but when it was computed.
SCORECARD = (
    "SELECT period_start, grain, plan_id, plan_revision, target_id, jurisdiction_id,"
    " indicator_code, method, method_version, actual, expected, target_value, due_year, gap,"
    " progress, status, observation_revision FROM scores ORDER BY plan_id, target_id,"
    " jurisdiction_id, grain, period_start, method"
)


def figures() -> list[dict[str, Any]]:
    return [
        {
            "indicator": indicator,
            "jurisdiction": jurisdiction,
            "period": f"{2021 + i // 12}-{i % 12 + 1:02d}",
            "value": 35.0 + i * 0.4,
        }
        for jurisdiction in ("khanh_hoa", "tien_giang", "tam_duong")
        for indicator in ("online_public_service_usage", "cashless_transaction_share")
        for i in range(MONTHS)
    ]


def rows(database_url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(query).fetchall()


def run(*args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert result.returncode == 0, f"{args[0]}: {result.stderr}"
    return result.stdout


def test_dump_wipe_restore_rescore_gives_the_same_scorecard(
    start_service: StartService,
    postgres: EmbeddedPostgres,
    database_url: str,
    service_env: dict[str, str],
    auth: dict[str, str],
    tmp_path: Path,
) -> None:
    ingest = start_service("ingest")
    scoring = start_service("scoring")
    answer = httpx.post(
        f"{ingest.url}/v1/observations", json={"observations": figures()}, headers=auth, timeout=60
    )
    assert answer.status_code == 202, answer.text
    n = len(figures())
    deadline = time.monotonic() + 60
    while rows(database_url, "SELECT count(*) FROM scores")[0][0] < n:
        assert time.monotonic() < deadline, "not scored"
        time.sleep(0.3)
    before = rows(database_url, SCORECARD)
    for service in (ingest, scoring):  # nothing may hold the database being wiped
        service.stop()

    dump = tmp_path / "chiso.dump"
    run(postgres.tool("pg_dump"), "-Fc", "-d", database_url, "-f", str(dump))
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    psql = postgres.tool("psql")
    run(
        psql,
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        database_url,
        "-c",
        "CREATE EXTENSION IF NOT EXISTS timescaledb; SELECT timescaledb_pre_restore();",
    )
    run(postgres.tool("pg_restore"), "-Fc", "-d", database_url, str(dump))
    run(
        psql,
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        database_url,
        "-c",
        "SELECT timescaledb_post_restore();",
    )
    assert rows(database_url, SCORECARD) == before, "the restore changed the scores"

    # The scores are derived: wiped and recomputed from the restored observations and plans.
    with psycopg.connect(database_url) as conn:
        conn.execute("TRUNCATE scores")
    out = run(
        sys.executable, "-m", "chiso_core", "scoring", "rescore", env={**os.environ, **service_env}
    )
    assert "re-scored" in out
    assert rows(database_url, SCORECARD) == before
