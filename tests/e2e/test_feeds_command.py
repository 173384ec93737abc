"""`chiso ingest feeds` as a process: it polls on schedule, serves the per-feed metrics, sends the
feed's secret to the feed and nowhere else (not even in DEBUG logs, not when the feed fails)."""

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from chiso_core import topics
from chiso_devstack.embedded import free_port
from tests.feed_server import Document, FeedServer, feed_server, usage_config
from tests.kafka_io import read_topic

SECRET = "tok-7f3a9c-never-logged"
ROWS = [
    {"ma_dvhc": "56", "ky": "05/2025", "online": 6100, "total": 10000},
    {"ma_dvhc": "82", "ky": "05/2025", "online": 4100, "total": 10000},
]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as s:
        s.documents["/usage"] = Document(json.dumps({"items": ROWS}).encode(), etag='"e1"')
        s.failures["/usage"] = 1  # the first poll meets a 503, and logs its retry
        yield s


def write_feed(folder: Path, server: FeedServer, path: str = "/usage") -> Path:
    folder.mkdir(exist_ok=True)
    config = usage_config(
        "usage",
        server.url(path),
        every=1,
        auth={"env": "FEED_E2E_TOKEN", "prefix": "Bearer "},
        retry={"attempts": 2, "initial_s": 0.05, "max_s": 0.1, "jitter_s": 0},
    )
    (folder / "usage.yaml").write_text(yaml.safe_dump(config))
    return folder


def feeds_env(service_env: dict[str, str], folder: Path) -> dict[str, str]:
    return {
        **service_env,
        "CHISO_FEEDS_DIR": str(folder),
        "CHISO_LOG_LEVEL": "DEBUG",
        "FEED_E2E_TOKEN": SECRET,
    }


def metric(text: str, name: str, labels: str) -> float | None:
    prefix = f"{name}{{{labels}}} "
    return next(
        (float(line[len(prefix) :]) for line in text.splitlines() if line.startswith(prefix)), None
    )


def test_the_feeds_process_polls_serves_metrics_and_never_logs_the_secret(
    server: FeedServer, service_env: dict[str, str], bootstrap_servers: str, tmp_path: Path
) -> None:
    port = free_port()
    log_file = tmp_path / "feeds.log"
    with log_file.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chiso_core", "ingest", "feeds"],
            env={
                **feeds_env(service_env, write_feed(tmp_path / "feeds", server)),
                "CHISO_HTTP_PORT": str(port),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        metrics = ""
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            while time.monotonic() < deadline:
                assert proc.poll() is None, log_file.read_text()
                try:
                    metrics = client.get("/metrics").text
                except httpx.TransportError:
                    metrics = ""
                if metric(
                    metrics, "chiso_feed_fetches_total", 'feed="usage",outcome="not_modified"'
                ):
                    break
                time.sleep(0.2)
            assert client.get("/readyz").status_code == 200
        labels = 'feed="usage",outcome="published"'
        assert metric(metrics, "chiso_feed_fetches_total", labels) == 1, metrics
        assert metric(metrics, "chiso_feed_observations_total", labels) == 2, metrics
        assert metric(metrics, "chiso_feed_last_success_timestamp_seconds", 'feed="usage"')
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    with ThreadPoolExecutor(1) as pool:  # a loop of its own: the session loop is left alone
        on_topic = pool.submit(asyncio.run, read_topic(bootstrap_servers, topics.OBSERVATIONS))
    assert len(on_topic.result()) == 2
    requests = server.requests_to("/usage")
    assert {r["Authorization"] for r in requests} == {f"Bearer {SECRET}"}
    log_text = log_file.read_text()
    assert "stamina.retry_scheduled" in log_text  # the 503 was met and logged
    assert SECRET not in log_text


def test_feeds_once_exits_non_zero_when_a_feed_fails_and_never_logs_the_secret(
    server: FeedServer, service_env: dict[str, str], tmp_path: Path
) -> None:
    folder = write_feed(tmp_path / "feeds", server, path="/missing")
    run = subprocess.run(
        [sys.executable, "-m", "chiso_core", "ingest", "feeds", "--once"],
        env=feeds_env(service_env, folder),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "usage: failed" in run.stdout
    assert "HTTP 404" in run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert server.requests_to("/missing")[0]["Authorization"] == f"Bearer {SECRET}"


def test_a_feed_file_that_does_not_validate_stops_the_start(
    service_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: broken\nurl: http://127.0.0.1:1/x\nformat: xml\n")
    run = subprocess.run(
        [sys.executable, "-m", "chiso_core", "ingest", "feeds"],
        env=feeds_env(service_env, folder),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "broken.yaml" in run.stderr
    vietnamese = run.stderr.index("format: phải là một trong: 'json' hoặc 'csv'")
    assert "every: thiếu trường bắt buộc" in run.stderr
    assert vietnamese < run.stderr.index("format: Input should be 'json' or 'csv'")
    assert "every: Field required" in run.stderr
