"""`chiso demo`: the whole pipeline on the embedded stack, fed through the real HTTP API.

Starts Tansu and a local TimescaleDB cluster (unless CHISO_KAFKA_BOOTSTRAP_SERVERS /
CHISO_DATABASE_URL point elsewhere), migrates, runs ingest, scoring and alerts as separate
processes, pushes the simulated agencies' figures since 2024 (`chiso simulate`), prints the
scorecard read back from the database, and runs until Ctrl-C, then stops everything it started:
ingest first, scoring and alerts once each has read what the broker holds for it (the embedded
broker keeps nothing across a restart).
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

from chiso_core import db, topics
from chiso_core.catalog import Catalog, load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_core.settings import AlertsSettings, ScoringSettings
from chiso_core.words import commands as said
from chiso_core.words import refusals
from chiso_devstack import scorecard
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres
from chiso_devstack.processes import ServiceProcess, agency_key
from chiso_devstack.simulate import DEFAULT_SEED, last_full_month, push, summary
from chiso_devstack.simulation import simulate

app = typer.Typer(help="Run the whole pipeline on the embedded stack with a simulated feed.")
# Wide enough for the scorecard when the output is not a terminal (a log, a test).
console = Console(highlight=False, width=None if os.isatty(1) else 150)


def _say(line: str) -> None:
    """One line as it is, Vietnamese then English: never wrapped (a terminal folds a long line
    itself), no markup or emoji codes read into it."""
    console.print(line, soft_wrap=True, markup=False, emoji=False)


def _pid(proc: subprocess.Popen[bytes] | None) -> int | None:
    return proc.pid if proc else None


def _wait_until_scored(
    database_url: str, since: datetime, expected: int, logs: Path, timeout: float = 90
) -> None:
    """Until every pushed figure is scored and every off-track target has its alert open; past
    `timeout`, the demo stops (its services with it), saying so and where their logs are."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            scored, unalerted = scorecard.progress(conn, since)
            if scored >= expected and unalerted == 0:
                return
            time.sleep(0.3)
    typer.echo(refusals.not_scored_within(timeout, scored, expected, str(logs)), err=True)
    raise typer.Exit(1)


def _stop_on_signal() -> threading.Event:
    """An event that SIGINT (Ctrl-C) or SIGTERM sets."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _broker(started: ExitStack, kafka_port: int, logs: Path) -> str:
    """The broker's bootstrap servers: the environment's, else an embedded Tansu's."""
    if kafka := os.environ.get("CHISO_KAFKA_BOOTSTRAP_SERVERS"):
        return kafka
    broker = started.enter_context(EmbeddedBroker(kafka_port, logs / "tansu.log"))
    _say(said.broker_started(broker.bootstrap_servers, _pid(broker.proc)))
    return broker.bootstrap_servers


def _database(started: ExitStack, data_dir: Path, postgres_port: int, logs: Path) -> str:
    """The database's URL: the environment's, else an embedded TimescaleDB's."""
    if database_url := os.environ.get("CHISO_DATABASE_URL"):
        return database_url
    pg = started.enter_context(
        EmbeddedPostgres(data_dir / "pgdata", postgres_port, logs / "postgres.log")
    )
    _say(said.database_started(f"127.0.0.1:{postgres_port}", str(pg.data_dir), _pid(pg.proc)))
    return pg.url


def _migrate_and_load(database_url: str, catalog: Catalog) -> None:
    """The database migrated, and the catalog loaded into it."""
    applied = db.migrate(database_url)
    _say(said.migrated(applied))
    with psycopg.connect(database_url) as conn, conn.transaction():
        loaded = catalog_store.load(conn, catalog)
    # as `chiso catalog load` says it
    _say(said.catalog_loaded(loaded.indicators, loaded.jurisdictions, len(catalog.agencies)))
    for plan_id, (revision, what) in sorted(loaded.plans.items()):
        _say("  " + said.plan_loaded(plan_id, revision, what))


def _services(
    kafka: str, database_url: str, ports: tuple[int, int, int], logs: Path
) -> list[ServiceProcess]:
    """Ingest, scoring and alerts, in that order, not yet started."""
    ingest_port, scoring_port, alerts_port = ports
    env = {
        "CHISO_KAFKA_BOOTSTRAP_SERVERS": kafka,
        "CHISO_DATABASE_URL": database_url,
        "CHISO_LOG_JSON": "false",
        # The demo's scorecards are for anyone who looks at it (docs/operations.md, Security).
        "CHISO_PUBLIC_SCORECARDS": "true",
    }
    return [
        ServiceProcess("ingest", ingest_port, env, logs / "ingest.log"),
        ServiceProcess(
            "scoring",
            scoring_port,
            env,
            logs / "scoring.log",
            (ScoringSettings.model_fields["group_id"].default, topics.OBSERVATIONS),
        ),
        ServiceProcess(
            "alerts",
            alerts_port,
            # no Grafana in the demo: notifications link to the live scorecard
            {**env, "CHISO_EXTERNAL_URL": f"http://127.0.0.1:{scoring_port}/scorecard"},
            logs / "alerts.log",
            (AlertsSettings.model_fields["group_id"].default, topics.SCORES),
        ),
    ]


def _start_services(started: ExitStack, services: list[ServiceProcess]) -> None:
    """Every service started, stopped with `started`, and ready."""
    for service in services:
        service.start()
        started.callback(service.stop)
    for service in services:
        service.wait_ready()
        _say(said.service_ready(service.name, service.url, _pid(service.proc)))


def _stop_drained(services: list[ServiceProcess], kafka: str) -> None:
    """Ingest first, so that nothing new comes in; then scoring and alerts, each once its group
    has read all the broker holds for it. The embedded broker keeps nothing across a restart: a
    figure ingest acknowledged is scored, and its score judged, before the stack goes."""
    for service in services:
        if left := service.drain(kafka):
            _say(said.left_unread(service.name, left))
        service.stop()


def _push_simulated(
    database_url: str, ingest_url: str, seed: int, api_key: str | None, logs: Path
) -> None:
    """The simulated figures the database lacks, pushed to ingest and scored."""
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
        _say(said.agency_keyed("demo"))
    since = datetime.now(UTC)
    pushed = push(ingest_url, missing, api_key)
    _say(summary(pushed, simulation, seed))
    # A revision re-scores its period: it adds no score row of its own. Figures stored by
    # an earlier run are not sent again: nothing new to score.
    _wait_until_scored(database_url, since, pushed.reports, logs)


def _print_where(database_url: str, services: list[ServiceProcess], logs: Path) -> None:
    """Where to look: the database, the live scorecard, the API docs, metrics and logs."""
    ingest, scoring, _ = services
    if database_url != os.environ.get("CHISO_DATABASE_URL"):
        # the demo's own database, for `chiso report`, `chiso agency` (an operator's own
        # URL is not echoed: it may carry a password)
        _say(said.demo_database(database_url))
        _say(f"export CHISO_DATABASE_URL={database_url}")  # alone on its line, to copy
    _say(said.scorecard_at(f"{scoring.url}/scorecard"))
    _say(said.api_docs_at(f"{ingest.url}/docs"))
    for service in services:
        _say(said.metrics_at(f"{service.url}/metrics"))
    _say(said.logs_in(str(logs)))


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
    stop = _stop_on_signal()

    with ExitStack() as started:
        kafka = _broker(started, kafka_port, logs)
        database_url = _database(started, data_dir, postgres_port, logs)
        _migrate_and_load(database_url, catalog)
        services = _services(kafka, database_url, (ingest_port, scoring_port, alerts_port), logs)
        _start_services(started, services)
        _push_simulated(database_url, services[0].url, seed, api_key, logs)
        with psycopg.connect(database_url) as conn:
            scorecard.render(scorecard.read(conn), catalog, console)
        _print_where(database_url, services, logs)
        _say(said.RUNNING)
        stop.wait()
        _say(said.STOPPING)
        if not os.environ.get("CHISO_KAFKA_BOOTSTRAP_SERVERS"):  # the embedded broker's
            _stop_drained(services, kafka)
    _say(said.STOPPED)
