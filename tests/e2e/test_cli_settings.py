"""Every `chiso` command that needs a setting the environment lacks says which, in one line, and
exits 2 (a usage error), instead of a page of traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CATALOG_DIR

DATABASE = "CHISO_DATABASE_URL"

COMMANDS = [
    (["migrate"], DATABASE),
    (["create-topics"], "CHISO_KAFKA_BOOTSTRAP_SERVERS"),
    (["retention"], DATABASE),
    (["agency", "create", "so_x", "--jurisdiction=khanh_hoa", "--indicator=x"], DATABASE),
    (["agency", "rotate", "so_x"], DATABASE),
    (["agency", "revoke", "so_x"], DATABASE),
    (["catalog", "load", f"--dir={CATALOG_DIR}"], DATABASE),
    (["scoring", "serve"], DATABASE),
    (["scoring", "rescore"], DATABASE),
    (["ingest", "serve"], DATABASE),
    (["ingest", "feeds"], DATABASE),
    (["alerts", "serve"], DATABASE),
    (["report", "--plan=khanh_hoa_nq57", "--out=unused"], DATABASE),
    (["grafana", "publish"], "CHISO_GRAFANA_URL"),
]


def chiso(cwd: Path, *command: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """`chiso …` with no CHISO_* variable but `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHISO_")}
    return subprocess.run(
        [sys.executable, "-m", "chiso_core", *command],
        env={**env, **settings},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("command", "variable"), COMMANDS, ids=[" ".join(c) for c, _ in COMMANDS])
def test_a_missing_setting_is_named_in_one_line(
    command: list[str], variable: str, tmp_path: Path
) -> None:
    done = chiso(tmp_path, *command)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"thiếu biến môi trường {variable}" in lines[0]
    assert lines[0].index("thiếu") < lines[0].index("is not set")  # Vietnamese first


def test_a_wrong_setting_is_named_too(tmp_path: Path) -> None:
    done = chiso(
        tmp_path,
        "retention",
        CHISO_DATABASE_URL="postgresql://x",
        CHISO_RETENTION_SCORE_YEARS="many",
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "CHISO_RETENTION_SCORE_YEARS không hợp lệ" in done.stderr
