"""The restore drill, on the embedded database, by the commands docs/operations.md gives: dump a
scored database, wipe it, restore it (TimescaleDB's pre/post restore), then rescore from the
restored observations: the scorecard is the one before, row for row."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from chiso_devstack.embedded import EmbeddedPostgres
from tests.e2e.conftest import StartService
from tests.e2e.support import count, monthly_figures, rows, wait_for

# The scorecard: every score but when it was computed.
SCORECARD = (
    "SELECT period_start, grain, plan_id, plan_revision, target_id, jurisdiction_id,"
    " indicator_code, method, method_version, actual, expected, target_value, due_year, gap,"
    " progress, status, observation_revision FROM scores ORDER BY plan_id, target_id,"
    " jurisdiction_id, grain, period_start, method"
)


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
    figures = monthly_figures(24, 2021, 35.0, 0.4)
    answer = httpx.post(
        f"{ingest.url}/v1/observations", json={"observations": figures}, headers=auth, timeout=60
    )
    assert answer.status_code == 202, answer.text
    scored = "SELECT count(*) FROM scores"
    wait_for(lambda: count(database_url, scored) == len(figures), 60, "every figure scored")
    before = rows(database_url, SCORECARD)
    for service in (ingest, scoring):  # nothing may hold the database being wiped
        service.stop()

    dump = tmp_path / "chiso.dump"
    run(postgres.tool("pg_dump"), "-Fc", "-d", database_url, "-f", str(dump))
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def psql(command: str) -> None:
        run(postgres.tool("psql"), "-v", "ON_ERROR_STOP=1", "-d", database_url, "-c", command)

    # docs/operations.md, "Backups": TimescaleDB's restore procedure
    psql("CREATE EXTENSION IF NOT EXISTS timescaledb; SELECT timescaledb_pre_restore();")
    run(postgres.tool("pg_restore"), "-Fc", "-d", database_url, str(dump))
    psql("SELECT timescaledb_post_restore();")
    assert rows(database_url, SCORECARD) == before, "the restore changed the scores"

    # The scores are derived: wiped and recomputed from the restored observations and plans.
    with psycopg.connect(database_url) as conn:
        conn.execute("TRUNCATE scores")
    out = run(
        sys.executable, "-m", "chiso_core", "scoring", "rescore", env={**os.environ, **service_env}
    )
    assert "re-scored" in out
    assert rows(database_url, SCORECARD) == before
