"""`chiso demo`: the whole pipeline on the embedded stack, fed through the real HTTP API.

Starts Tansu and a local TimescaleDB cluster (unless CHISO_KAFKA_BOOTSTRAP_SERVERS /
CHISO_DATABASE_URL point elsewhere), migrates, runs ingest, scoring and alerts as separate
processes, pushes the simulated agencies' figures since 2024 (`chiso simulate`), prints the
scorecard read back from the database, and runs until Ctrl-C, then stops everything it started.
The database folder persists between runs; a restart only fills the simulated figures that are
missing, so what an agency sent in the meantime stays.
"""

import os
import signal
import subprocess
import threading
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import psycopg
import typer
from rich.console import Console

from chiso_core import db
from chiso_core.catalog import load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_devstack import scorecard
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres
from chiso_devstack.processes import ServiceProcess, agency_key
from chiso_devstack.simulate import DEFAULT_SEED, last_full_month, push, summary
from chiso_devstack.simulation import simulate

app = typer.Typer(help="Run the whole pipeline on the embedded stack with a simulated feed.")
# Wide enough for the scorecard when the output is not a terminal (a log, a test).
console = Console(highlight=False, width=None if os.isatty(1) else 150)


def _pid(proc: subprocess.Popen[bytes] | None) -> int | None:
    return proc.pid if proc else None


def _wait_until_scored(
    database_url: str, since: datetime, expected: int, timeout: float = 90
) -> None:
    """Until every pushed figure is scored and every off-track target has a firing alert."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            scored, off_track, firing = scorecard.progress(conn, since)
            if scored >= expected and firing >= off_track:
                return
            time.sleep(0.3)
    raise TimeoutError(
        f"the figures were not scored within {timeout:.0f} s (scored {scored} of {expected})"
    )


@app.callback(invoke_without_command=True)
def demo(
    data_dir: Annotated[Path, typer.Option(help="database folder and logs")] = Path(".chiso"),
    ingest_port: int = 8001,
    scoring_port: int = 8002,
    alerts_port: int = 8003,
    postgres_port: int = 55432,
    kafka_port: int = 19092,
    catalog_dir: Annotated[Path, typer.Option(envvar="CHISO_CATALOG_DIR")] = Path("catalog"),
    seed: Annotated[int, typer.Option(help="of the simulated figures")] = DEFAULT_SEED,
    api_key: Annotated[
        str | None, typer.Option(envvar="CHISO_API_KEY", help="agency key for the simulator")
    ] = None,
) -> None:
    data_dir = data_dir.resolve()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(catalog_dir)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    with ExitStack() as started:
        kafka = os.environ.get("CHISO_KAFKA_BOOTSTRAP_SERVERS")
        if not kafka:
            broker = started.enter_context(EmbeddedBroker(kafka_port, logs / "tansu.log"))
            kafka = broker.bootstrap_servers
            console.print(f"broker     Tansu on {kafka} (pid {_pid(broker.proc)})")
        database_url = os.environ.get("CHISO_DATABASE_URL")
        if not database_url:
            pg = started.enter_context(
                EmbeddedPostgres(data_dir / "pgdata", postgres_port, logs / "postgres.log")
            )
            database_url = pg.url
            console.print(
                f"database   TimescaleDB on 127.0.0.1:{postgres_port}, data in {pg.data_dir}"
                f" (pid {_pid(pg.proc)})"
            )
        applied = db.migrate(database_url)
        console.print(f"migrations {len(applied)} applied")
        with psycopg.connect(database_url) as conn, conn.transaction():
            loaded = catalog_store.load(conn, catalog)
        revisions = ", ".join(f"{p} r{r} ({what})" for p, (r, what) in sorted(loaded.plans.items()))
        console.print(f"catalog    {loaded.indicators} indicators; plans {revisions}")

        env = {
            "CHISO_KAFKA_BOOTSTRAP_SERVERS": kafka,
            "CHISO_DATABASE_URL": database_url,
            "CHISO_LOG_JSON": "false",
            # The demo's scorecards are for anyone who looks at it (docs/operations.md, Security).
            "CHISO_PUBLIC_SCORECARDS": "true",
        }
        services = [
            ServiceProcess("ingest", ingest_port, env, logs / "ingest.log"),
            ServiceProcess("scoring", scoring_port, env, logs / "scoring.log"),
            ServiceProcess(
                "alerts",
                alerts_port,
                # no Grafana in the demo: notifications link to the live scorecard
                {**env, "CHISO_EXTERNAL_URL": f"http://127.0.0.1:{scoring_port}/scorecard"},
                logs / "alerts.log",
            ),
        ]
        for service in services:
            service.start()
            started.callback(service.stop)
        for service in services:
            service.wait_ready()
            console.print(
                f"service    {service.name} ready on {service.url} (pid {_pid(service.proc)})"
            )

        until = last_full_month(date.today())
        simulation = simulate(seed, until)
        with psycopg.connect(database_url) as conn:
            missing = simulation.missing(scorecard.stored(conn, simulation.series))
        if api_key is None:
            api_key = agency_key(
                database_url,
                "demo",
                sorted({j for j, _ in simulation.series}),
                sorted({i for _, i in simulation.series}),
            )
            console.print("agency     demo: an API key from `chiso agency create`")
        since = datetime.now(UTC)
        pushed = push(services[0].url, missing, api_key)
        console.print(summary(pushed, simulation, seed))
        # A revision re-scores its period: it adds no score row of its own. Figures stored by
        # an earlier run are not sent again: nothing new to score.
        _wait_until_scored(database_url, since, expected=pushed.reports)
        with psycopg.connect(database_url) as conn:
            scorecard.render(scorecard.read(conn), catalog, console)

        if database_url != os.environ.get("CHISO_DATABASE_URL"):
            # the demo's own database, for `chiso report`, `chiso agency` (an operator's own
            # URL is not echoed: it may carry a password)
            console.print(f"database   {database_url}")
            console.print(f"           export CHISO_DATABASE_URL={database_url}")
        console.print(f"scorecard  {services[1].url}/scorecard (live, for the IOC's screen)")
        console.print(f"API docs   {services[0].url}/docs")
        for service in services:
            console.print(f"metrics    {service.url}/metrics")
        console.print(f"logs       {logs}")
        console.print("running; press Ctrl-C to stop")
        stop.wait()
        console.print("stopping")
    console.print("stopped")
