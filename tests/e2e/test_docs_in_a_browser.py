"""The ingest API's docs page renders its endpoints in a real headless Chromium, with the
browser's network limited to the service: nothing comes from a CDN."""

import shutil
import subprocess
from pathlib import Path

from tests.e2e.conftest import StartService

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Any host but loopback is unreachable: a CDN asset would fail to load.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=15000",
]


def test_the_docs_page_renders_the_endpoints(start_service: StartService, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium package is missing: scripts/bootstrap installs it"
    ingest = start_service("ingest")
    screenshot = tmp_path / "docs.png"

    def run(*args: str) -> str:
        done = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.stdout

    dom = run("--dump-dom", f"{ingest.url}/docs")
    run(f"--screenshot={screenshot}", "--window-size=1280,1600", f"{ingest.url}/docs")

    # Swagger UI builds these nodes only once its script ran and the spec loaded.
    assert 'class="swagger-ui' in dom
    assert 'data-path="/v1/observations"' in dom
    assert 'data-path="/v1/plans/{plan_id}"' in dom
    assert "chiso ingest API" in dom
    assert screenshot.stat().st_size > 10_000
