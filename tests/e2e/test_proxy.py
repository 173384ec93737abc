"""The compose stack's edge, with the real Caddy and the real Caddyfile (mounted certificates)
in front of a running ingest: TLS terminated for ingest.<domain>, the API reached through it,
/metrics not served, plain HTTP redirected, a name it does not serve reaching nothing, and
failed keys throttled per client as the proxy names it, not per proxy."""

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


def made_up_key(https_port: int, host: str, ca: Path, client: str) -> int:
    """The status of a batch posted with a made-up key from the loopback address `client`."""
    return curl(
        https_port, host, "/v1/observations", ca, "--interface", client, "-X", "POST",
        "-H", f"Authorization: Bearer chiso_0123456789ab_{'A' * 43}",
        "-H", "Content-Type: application/json", "-d", '{"observations": []}',
    )[0]  # fmt: skip


def test_the_proxy_terminates_tls_in_front_of_ingest(
    start_service: StartService, caddy: Path, certificate: Path, tmp_path: Path
) -> None:
    ingest = start_service("ingest", CHISO_AUTH_FAILURES_MAX="3")
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
        # Made-up keys from one client (127.0.0.2) are throttled after 3; another client
        # (127.0.0.3) behind the same proxy is not: the service reads the client from the
        # proxy's X-Forwarded-For (CHISO_FORWARDED_ALLOW_IPS), else all would share one address.
        assert [made_up_key(https_port, host, certificate, "127.0.0.2") for _ in range(4)] == [
            401,
            401,
            401,
            429,
        ]
        assert made_up_key(https_port, host, certificate, "127.0.0.3") == 401
    finally:
        stop_process(proc, 15)
