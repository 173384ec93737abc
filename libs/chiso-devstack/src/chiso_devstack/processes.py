"""The three services as separate processes, in production form, supervised by the demo."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from signal import SIGTERM

import httpx

from chiso_core import lag
from chiso_devstack.embedded import stop_process


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_file: Path
    # (consumer group, topic) of a service that consumes
    reads: tuple[str, str] | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, **self.env, "CHISO_HTTP_PORT": str(self.port)}
        with self.log_file.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "chiso_core", self.name, "serve"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with code {self.proc.returncode}; see {self.log_file}"
                )
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} was not ready within {timeout:.0f} s; see {self.log_file}")

    def stop(self) -> None:
        stop_process(self.proc, SIGTERM)

    def drain(self, kafka: str, timeout: float = 60) -> int:
        """Until the service's group has committed all its topic holds (read twice in a row:
        a broker can report a watermark briefly behind), while it runs and for `timeout` at
        most; the messages it left unread then (0 for a service that reads none)."""
        if self.reads is None:
            return 0
        deadline, zeros = time.monotonic() + timeout, 0
        while True:
            left = sum(asyncio.run(lag.read(kafka, *self.reads)).values())
            zeros = zeros + 1 if left == 0 else 0
            running = self.proc is not None and self.proc.poll() is None
            if zeros == 2 or not running or time.monotonic() > deadline:
                return left
            time.sleep(0.3)


def agency_key(
    database_url: str,
    name: str,
    jurisdictions: list[str],
    indicators: list[str],
    permissions: Sequence[str] = (),
) -> str:
    """An API key for an agency, through `chiso agency create` (or `rotate`, when the agency
    exists from an earlier run): the same path an operator takes."""
    env = {**os.environ, "CHISO_DATABASE_URL": database_url}
    scope = [f"--jurisdiction={j}" for j in jurisdictions]
    scope += [f"--indicator={i}" for i in indicators]
    scope += [f"--permission={p}" for p in permissions]
    chiso = [sys.executable, "-m", "chiso_core", "agency"]
    made = subprocess.run(
        [*chiso, "create", name, *scope], env=env, capture_output=True, text=True, check=False
    )
    if made.returncode != 0 and "exists already" in made.stderr:
        made = subprocess.run(
            [*chiso, "rotate", name], env=env, capture_output=True, text=True, check=False
        )
    if made.returncode != 0:
        raise RuntimeError(f"no API key for {name}: {made.stderr.strip()}")
    return made.stdout.strip()
