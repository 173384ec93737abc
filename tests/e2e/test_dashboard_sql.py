"""Every SQL query of every dashboard — variables, panels, annotations — runs as Grafana would
run it: macros expanded as Grafana's source expands them, as the read-only grafana_reader role,
against the TimescaleDB that `chiso simulate` filled through the three running services. Each
returns the columns its panel needs, and each panel has data for some choice of the variables."""

import itertools
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from psycopg import sql

from chiso_devstack.processes import ServiceProcess
from chiso_devstack.simulate import DEFAULT_SEED, last_full_month
from chiso_devstack.simulation import simulate
from chiso_grafana.build import DEFAULT_DIR
from chiso_ingest.feeds import poller
from tests.e2e.conftest import StartService
from tests.e2e.support import rows, wait_for
from tests.grafana_sql import prepare

DASHBOARDS = Path(__file__).resolve().parents[2] / DEFAULT_DIR
TIME_TYPES = {"date", "timestamp", "timestamptz"}
NUMERIC = {"int2", "int4", "int8", "float4", "float8", "numeric"}
RELATIVE = re.compile(r"now(?:([-+])(\d+)([yMwdhm]))?")
UNIT = {"y": 365, "M": 30, "w": 7, "d": 1, "h": 1 / 24, "m": 1 / 1440}  # in days


def moment(relative: str, now: datetime) -> datetime:
    match = RELATIVE.fullmatch(relative)
    assert match, relative
    if match[1] is None:
        return now
    days = int(match[2]) * UNIT[match[3]]
    return now + timedelta(days=days) * (1 if match[1] == "+" else -1)


@dataclass
class Query:
    where: str  # dashboard and panel, for the failure message
    sql: str
    kind: str  # "time_series", "table" or "annotation"
    answered: list[int] = field(default_factory=list)  # row counts, one per variable choice


def sql_queries(dashboard: dict[str, Any]) -> list[Query]:
    found = []
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            if "rawSql" in target:
                where = f"{dashboard['uid']} / {panel['title']} / {target['refId']}"
                found.append(Query(where, target["rawSql"], target["format"]))
    for annotation in dashboard["annotations"].get("list", []):
        if "rawSql" in annotation.get("target", {}):
            where = f"{dashboard['uid']} / annotation {annotation['name']}"
            found.append(Query(where, annotation["target"]["rawSql"], "annotation"))
    return found


def run(conn: psycopg.Connection, sql: str) -> tuple[list[tuple[str, str]], int]:
    """(column name, type name) of the answer, and its number of rows."""
    with conn.cursor() as cur:
        cur.execute(sql)
        columns = []
        for column in cur.description or []:
            info = conn.adapters.types.get(column.type_code)
            columns.append((column.name, info.name if info else str(column.type_code)))
        return columns, len(cur.fetchall())


def choices(
    conn: psycopg.Connection, dashboard: dict[str, Any], start: datetime, end: datetime
) -> Iterator[dict[str, str]]:
    """Every combination of the variables' values, each query variable run with the values of
    the ones before it, as Grafana refreshes them; checks each answers __value and __text."""
    assignments: list[dict[str, str]] = [{}]
    for variable in dashboard["templating"].get("list", []):
        name = variable["name"]
        if variable["type"] == "constant":
            assignments = [{**a, name: variable["query"]} for a in assignments]
            continue
        assert variable["type"] == "query", variable
        extended = []
        for assignment in assignments:
            sql = prepare(variable["query"], assignment, start, end)
            with conn.cursor() as cur:
                cur.execute(sql)
                assert [c.name for c in cur.description or []] == ["__value", "__text"], sql
                values = [value for value, _ in cur.fetchall()]
            extended += [{**assignment, name: value} for value in values]
        assert extended, f"{dashboard['uid']}: variable {name} has no value"
        assignments = extended
    yield from assignments


def check_columns(query: Query, columns: list[tuple[str, str]]) -> None:
    names = [name for name, _ in columns]
    if query.kind == "time_series":
        # Grafana's SQL data sources want the time column first, then values or a metric name.
        assert names[0] == "time", query.where
        assert columns[0][1] in TIME_TYPES, (query.where, columns[0])
        values = [t for n, t in columns[1:] if n != "metric"]
        assert values, query.where
        assert all(t in NUMERIC for t in values), (query.where, columns)
    elif query.kind == "annotation":
        assert {"time", "text", "tags"} <= set(names), query.where
        assert dict(columns)["time"] in TIME_TYPES, query.where
    else:
        assert query.kind == "table", query.where
        assert len(names) == len(set(names)) > 1, query.where


@dataclass
class Pipeline:
    database_url: str
    services: list[ServiceProcess]


@pytest.fixture
def simulated(
    start_service: StartService,
    service_env: dict[str, str],
    database_url: str,
    agency_key: str,
) -> Pipeline:
    """The database after the seed plans' simulated figures crossed the whole pipeline."""
    services = [start_service(name) for name in ("ingest", "scoring", "alerts")]
    ingest = services[0]
    done = subprocess.run(
        [sys.executable, "-m", "chiso_core", "simulate", "--url", ingest.url],
        env={**service_env, "CHISO_API_KEY": agency_key},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = simulate(DEFAULT_SEED, last_full_month(datetime.now(UTC).date()))
    stored = len(figures.reports) + len(figures.revisions)
    wait_for(
        lambda: (
            rows(database_url, "SELECT count(*) FROM observations WHERE NOT derived") == [(stored,)]
        ),
        180,
    )
    firing = "SELECT count(*) > 0 FROM alerts WHERE state = 'firing'"
    wait_for(lambda: rows(database_url, firing) == [(True,)], 180)
    # Scoring is done when the scores stop changing.
    previous, deadline = None, time.monotonic() + 120
    while (now := rows(database_url, "SELECT count(*), max(computed_at) FROM scores")) != previous:
        assert time.monotonic() < deadline, "scores still changing"
        previous = now
        time.sleep(2)
    return Pipeline(database_url, services)


def test_every_dashboard_query_runs_as_grafana_reader(simulated: Pipeline) -> None:
    now = datetime.now(UTC)
    dashboards = [json.loads(p.read_text("utf-8")) for p in sorted(DASHBOARDS.glob("*.json"))]
    queries_seen = 0
    with psycopg.connect(simulated.database_url, autocommit=True) as conn:
        conn.execute("SET ROLE grafana_reader")
        for dashboard in dashboards:
            start, end = (moment(dashboard["time"][k], now) for k in ("from", "to"))
            queries = sql_queries(dashboard)
            for assignment, query in itertools.product(
                list(choices(conn, dashboard, start, end)), queries
            ):
                columns, count = run(conn, prepare(query.sql, assignment, start, end))
                check_columns(query, columns)
                query.answered.append(count)
            queries_seen += len(queries)
            empty = [q.where for q in queries if not any(q.answered)]
            assert not empty, f"no data for any choice of the variables: {empty}"
    assert queries_seen >= 20


def test_grafana_reader_sees_the_views_and_not_the_tables(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET ROLE grafana_reader")
        assert conn.execute("SELECT count(*) FROM dash_plans").fetchone() == (3,)
        for table in ("scores", "observations", "alerts", "subscriptions", "agency_keys"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql.SQL("SELECT 1 FROM {} LIMIT 1").format(sql.Identifier(table)))


def test_pipeline_health_asks_prometheus_for_metrics_the_services_export(
    simulated: Pipeline,
) -> None:
    """Each chiso_* metric a pipeline-health query names is a family some service exposes
    (declared even before its first sample); the feed adapters' own process is not started
    here, so their families come from the module that declares them."""
    dashboard = json.loads((DASHBOARDS / "pipeline-health.json").read_text("utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    named = {re.sub(r"_bucket$", "", m) for e in exprs for m in re.findall(r"chiso_\w+", e)}
    exposed = "".join(httpx.get(f"{s.url}/metrics").text for s in simulated.services)
    feeds = CollectorRegistry()
    for metric in (poller.FETCHES, poller.ROWS, poller.LAST_SUCCESS):
        feeds.register(metric)
    exposed += generate_latest(feeds).decode()
    families = set(re.findall(r"^# TYPE (\w+) ", exposed, re.MULTILINE))
    assert len(named) >= 3
    assert named <= families, named - families
