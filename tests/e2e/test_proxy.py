"""The compose stack's edge, with the real Caddy and the real Caddyfile (mounted certificates)
in front of a running ingest: TLS terminated for ingest.<domain>, the API reached through it,
/metrics not served, plain HTTP redirected, a name it does not serve reaching nothing."""

import shutil
import subprocess
from pathlib import Path

import pytest

from chiso_devstack.embedded import free_port, stop_process
from tests.e2e.conftest import StartService
from tests.e2e.support import wait_for

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "chiso.test"


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    """A self-signed tls.crt / tls.key for *.chiso.test in the folder compose would mount."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN=*.{DOMAIN}", "-addext", f"subjectAltName=DNS:*.{DOMAIN}",
         "-keyout", str(tmp_path / "tls.key"), "-out", str(tmp_path / "tls.crt")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return tmp_path


@pytest.fixture
def caddy() -> Path:
    binary = shutil.which("caddy")
    if binary is None:
        pytest.skip(
            "caddy is not installed (scripts/bootstrap unpacks it from Debian's package caddy)"
        )
    return Path(binary)


def curl(https_port: int, host: str, path: str, ca: Path, *extra: str) -> tuple[int, str]:
    """(status, body) of a request to host:https_port resolved to loopback, verified against ca."""
    result = subprocess.run(
        ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--cacert", str(ca / "tls.crt"),
         "--resolve", f"{host}:{https_port}:127.0.0.1", *extra,
         f"https://{host}:{https_port}{path}"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    body, _, status = result.stdout.rpartition("\n")
    return int(status or 0), body


def test_the_proxy_terminates_tls_in_front_of_ingest(
    start_service: StartService, caddy: Path, certificate: Path, tmp_path: Path
) -> None:
    ingest = start_service("ingest")
    https_port, http_port = free_port(), free_port()
    env = {
        "HOME": str(tmp_path),
        "CHISO_DOMAIN": DOMAIN,
        "CADDY_TLS": "files",
        "CADDY_CERTS": str(certificate),
        "CADDY_HTTPS_PORT": str(https_port),
        "CADDY_HTTP_PORT": str(http_port),
        "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
        "INGEST_UPSTREAM": f"127.0.0.1:{ingest.port}",
    }
    config = str(ROOT / "deploy/caddy/Caddyfile")
    with (tmp_path / "caddy.log").open("ab") as log:
        proc = subprocess.Popen(
            [str(caddy), "run", "--config", config, "--adapter", "caddyfile"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        host = f"ingest.{DOMAIN}"
        wait_for(lambda: curl(https_port, host, "/readyz", certificate)[0] == 200, 30, "proxy")
        assert curl(https_port, host, "/readyz", certificate) == (200, '{"status":"ready"}')
        assert curl(https_port, host, "/metrics", certificate)[0] == 404
        # Plain HTTP is redirected to HTTPS, never answered.
        plain = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
             "-H", f"Host: {host}", f"http://127.0.0.1:{http_port}/readyz"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        code, _, location = plain.stdout.partition(" ")
        assert code == "308"
        assert location.startswith(f"https://{host}")
        # A name the proxy does not serve reaches no service: Caddy's empty answer.
        assert curl(https_port, f"other.{DOMAIN}", "/readyz", certificate)[1] == ""
    finally:
        stop_process(proc, 15)
