"""`chiso demo` on the embedded stack: a scorecard made of data that crossed the whole pipeline,
and a clean stop on Ctrl-C that leaves no process it started."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from chiso_devstack.embedded import free_port
from tests.conftest import CATALOG_DIR


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_prints_a_scorecard_and_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CHISO_KAFKA_BOOTSTRAP_SERVERS", "CHISO_DATABASE_URL")
    }
    ports = [str(free_port()) for _ in range(5)]
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chiso_core",
            "demo",
            "--data-dir",
            str(tmp_path / "demo"),
            "--ingest-port",
            ports[0],
            "--scoring-port",
            ports[1],
            "--alerts-port",
            ports[2],
            "--postgres-port",
            ports[3],
            "--kafka-port",
            ports[4],
            "--catalog-dir",
            str(CATALOG_DIR),
        ],
        env={**env, "COLUMNS": "160"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        check_demo(demo)
    finally:
        if demo.poll() is None:  # a failed check must not leave the stack running
            demo.send_signal(signal.SIGINT)
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                demo.kill()
                demo.wait()


def check_demo(demo: subprocess.Popen[str]) -> None:
    assert demo.stdout is not None
    output = []
    deadline = time.monotonic() + 180
    for line in demo.stdout:
        output.append(line)
        if "press Ctrl-C" in line or time.monotonic() > deadline:
            break
    text = "".join(output)
    assert "press Ctrl-C" in text, text

    # Every seed jurisdiction is on the scorecard, and the drifting one has a firing alert.
    for name in ("Tỉnh Khánh Hòa", "Tỉnh Tiền Giang", "Huyện Tam Đường"):
        assert name in text
    assert re.search(r"Huyện Tam Đường.*online_public_service_usage.*off_track.*firing", text), text
    assert "60 figures accepted, 0 unchanged" in text
    pids = [int(p) for p in re.findall(r"\(pid (\d+)\)", text)]
    assert len(pids) == 5, text  # broker, database, three services

    demo.send_signal(signal.SIGINT)
    rest, _ = demo.communicate(timeout=60)

    assert demo.returncode == 0, rest
    assert "stopped" in rest
    assert [p for p in pids if alive(p)] == []
