"""What every `chiso` command prints is Vietnamese first, then English: each phrase of
`words.commands`, and each command run with its database, broker, Grafana or Chromium stood in
for, line by line on stdout and stderr. What a script captures stays as it was: an agency's key
alone on stdout, a feed's outcome code first on its line, the demo's `export` line alone."""

import inspect
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import psycopg
import pytest
import typer
from grafana_client.client import GrafanaClientError, GrafanaTimeoutError
from rich.console import Console
from typer.testing import CliRunner

import chiso_core.access.cli
import chiso_core.catalog.cli
import chiso_core.cli
import chiso_ingest.cli
import chiso_scoring.cli
from chiso_core import db, retention
from chiso_core.catalog import store
from chiso_core.words import commands, labels, refusals
from chiso_devstack import demo, scorecard
from chiso_devstack import simulate as simulate_cli
from chiso_devstack.processes import ServiceProcess
from chiso_devstack.simulate import Pushed, Refused
from chiso_grafana import build
from chiso_grafana import cli as grafana_cli
from chiso_grafana import publish as grafana_publish
from chiso_ingest.feeds import service as feeds
from chiso_ingest.feeds.poller import Outcome
from chiso_scoring import rescore
from chiso_scoring.report import cli as report_cli
from chiso_scoring.report import pdf, read, render
from chiso_scoring.rescore import Rescored
from tests.both_languages import halves
from tests.conftest import CATALOG_DIR

KEY = "chiso_3f9a0c1d2e4b_s3cr3t"
ENV = {
    "CHISO_DATABASE_URL": "postgresql://chiso@127.0.0.1:1/chiso",
    "CHISO_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
    "CHISO_GRAFANA_URL": "http://admin:hunter2@127.0.0.1:1/grafana",
    "CHISO_LOG_JSON": "false",
}
_SAMPLES: dict[Any, object] = {str: "x", int: 3, int | None: 4242, Iterable[str]: ["a", "b"]}


def _phrases() -> list[tuple[str, str]]:
    found = []
    for name, value in vars(commands).items():
        if name.startswith("_") or inspect.ismodule(value) or value in (labels.VI, labels.EN):
            continue
        if isinstance(value, str):
            found.append((name, value))
        elif inspect.isfunction(value) and value.__module__ == commands.__name__:
            args = [
                _SAMPLES.get(p.annotation, "x")
                for p in inspect.signature(value).parameters.values()
            ]
            if name == "retention_removed":
                args = [{"alert_events": 2}]
            elif name == "feed_polled":
                args = ["usage", "published"]
            found.append((name, value(*args)))
    return found


def _vietnamese_first(line: str, english: str) -> None:
    """`english`: what the line's English half says (the whole of it, or how it starts)."""
    vi, en = halves(line)
    assert not vi.isascii(), line
    assert english in en, (english, line)


@pytest.mark.parametrize(("name", "text"), _phrases())
def test_every_command_phrase_is_vietnamese_first(name: str, text: str) -> None:
    vi, en = halves(text)
    assert not vi.isascii(), text
    assert en.isascii() or "…" in en, text  # the English half says nothing in Vietnamese


# What `chiso demo` and `chiso simulate` say, each with what it must carry in both halves as the
# program wrote it: counts, ids, URLs, paths, pids.
DEMO = "/home/op/.chiso"
DEMO_AND_SIMULATE: dict[str, tuple[str, list[str]]] = {
    "broker_started": (
        commands.broker_started("127.0.0.1:19092", 4242),
        ["Tansu", "127.0.0.1:19092", "(pid 4242)"],
    ),
    "database_started": (
        commands.database_started("127.0.0.1:55432", f"{DEMO}/pgdata", 4243),
        ["TimescaleDB", "127.0.0.1:55432", f"{DEMO}/pgdata", "(pid 4243)"],
    ),
    "service_ready": (
        commands.service_ready("scoring", "http://127.0.0.1:8002", 4244),
        ["scoring", "http://127.0.0.1:8002", "(pid 4244)"],
    ),
    "agency_keyed": (commands.agency_keyed("demo"), ["demo", "`chiso agency create`"]),
    "simulated": (
        commands.simulated(199, 17, 6, "2024-01", "2026-10", 57),
        ["199", "POST /v1/observations", "17", "(6 ", "2024-01..2026-10", "seed 57"],
    ),
    "not_pushed": (
        refusals.not_pushed("http://127.0.0.1:8001", "the API answered 401: {}"),
        ["http://127.0.0.1:8001"],
    ),
    "not_scored_within": (
        refusals.not_scored_within(90, 150, 205, f"{DEMO}/logs"),
        ["90", "150", "205", f"{DEMO}/logs"],
    ),
    "left_unread": (commands.left_unread("scoring", 12), ["scoring", "12", "Tansu"]),
    "demo_database": (
        commands.demo_database("postgresql://chiso@127.0.0.1:55432/chiso"),
        ["postgresql://chiso@127.0.0.1:55432/chiso", "`chiso agency`", "`chiso report`"],
    ),
    "scorecard_at": (
        commands.scorecard_at("http://127.0.0.1:8002/scorecard"),
        ["http://127.0.0.1:8002/scorecard", "IOC"],
    ),
    "api_docs_at": (
        commands.api_docs_at("http://127.0.0.1:8001/docs"),
        ["http://127.0.0.1:8001/docs"],
    ),
    "metrics_at": (
        commands.metrics_at("http://127.0.0.1:8003/metrics"),
        ["http://127.0.0.1:8003/metrics"],
    ),
    "logs_in": (commands.logs_in(f"{DEMO}/logs"), [f"{DEMO}/logs"]),
    "RUNNING": (commands.RUNNING, ["Ctrl-C"]),
    "STOPPING": (commands.STOPPING, []),
    "STOPPED": (commands.STOPPED, []),
}


@pytest.mark.parametrize(
    ("text", "figures"), DEMO_AND_SIMULATE.values(), ids=DEMO_AND_SIMULATE.keys()
)
def test_demo_and_simulate_say_it_vietnamese_first_with_the_figures_in_both_halves(
    text: str, figures: list[str]
) -> None:
    vi, en = halves(text)
    assert not vi.isascii(), text
    assert en.isascii(), text
    assert "\n" not in text  # one line
    for figure in figures:
        assert figure in vi, (figure, text)
        assert figure in en, (figure, text)


def test_every_feed_outcome_has_its_words() -> None:
    for lang in (labels.VI, labels.EN):
        assert set(labels.FEED_OUTCOME[lang]) == {str(o) for o in Outcome}


@dataclass(frozen=True)
class Case:
    """A command, what it is given, and the English of each line it prints, in order."""

    app: typer.Typer
    args: list[str]
    stdout: list[str]
    stderr: list[str] = field(default_factory=list)
    stubs: Callable[[pytest.MonkeyPatch, Path], None] = lambda mp, tmp: None
    exit_code: int = 0
    captured: str | None = None  # the first stdout line, exactly, for a script to capture


def _async(value: object) -> Callable[..., Any]:
    async def answer(*args: object, **kwargs: object) -> object:
        return value

    return answer


def _raises(error: BaseException) -> Callable[..., Any]:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


def _no_database(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(psycopg, "connect", MagicMock())


def _load(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    _no_database(mp)
    loaded = store.LoadReport(3, 5, {"a_plan": (2, "revised"), "b_plan": (1, "unchanged")})
    mp.setattr(store, "load", lambda conn, catalog: loaded)


def _dashboards(tmp: Path) -> None:
    (tmp / "ioc.json").write_text('{"uid": "chiso-ioc", "title": "IOC"}', encoding="utf-8")


def _published(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    _dashboards(tmp)
    mp.setattr(
        grafana_publish, "publish", lambda api, found: [grafana_publish.Folder("c", "English")]
    )


def _refused(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    _dashboards(tmp)
    refusal = GrafanaClientError(  # type: ignore[no-untyped-call]  # grafana-client has no types
        403, None, "Permissions needed: dashboards:write"
    )
    mp.setattr(grafana_publish, "publish", _raises(refusal))


def _unreachable(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    _dashboards(tmp)
    mp.setattr(grafana_publish, "publish", _raises(ConnectionRefusedError(111, "refused")))


def _late(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    _dashboards(tmp)
    late = GrafanaTimeoutError(0, None, "read timed out")  # type: ignore[no-untyped-call]
    mp.setattr(grafana_publish, "publish", _raises(late))


def _report(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    mp.setattr(read, "read", _async(object()))
    mp.setattr(render, "html", lambda content: "<html></html>")
    mp.setattr(pdf, "print_pdf", lambda chromium, page, out, timeout_s: None)


def _quiet(mp: pytest.MonkeyPatch) -> None:
    for module in (chiso_core.cli, chiso_ingest.cli):
        mp.setattr(module, "configure_logging", lambda settings: None)


CASES = {
    "migrate": Case(
        chiso_core.cli.app,
        ["migrate"],
        ["applied 2 migration(s): 0001.create, 0002.scores"],
        stubs=lambda mp, tmp: mp.setattr(db, "migrate", lambda url: ["0001.create", "0002.scores"]),
    ),
    "migrate, nothing pending": Case(
        chiso_core.cli.app,
        ["migrate"],
        ["applied 0 migration(s)"],
        stubs=lambda mp, tmp: mp.setattr(db, "migrate", lambda url: []),
    ),
    "create-topics": Case(
        chiso_core.cli.app,
        ["create-topics"],
        ["created 1 topic(s): chiso.scores.v1"],
        stubs=lambda mp, tmp: mp.setattr(
            chiso_core.cli, "ensure_topics", _async(["chiso.scores.v1"])
        ),
    ),
    "retention": Case(
        chiso_core.cli.app,
        ["retention"],
        ["retention: removed scores (chunks) 1, alert_events 0"],
        stubs=lambda mp, tmp: mp.setattr(
            retention, "run", lambda url, settings: {"scores (chunks)": 1, "alert_events": 0}
        ),
    ),
    "catalog validate": Case(
        chiso_core.catalog.cli.app, ["validate", "--dir", str(CATALOG_DIR)], ["ok: "]
    ),
    "catalog load": Case(
        chiso_core.catalog.cli.app,
        ["load", "--dir", str(CATALOG_DIR)],
        [
            "loaded 3 indicators, 5 jurisdictions, ",
            "plan a_plan: revision 2 (revised)",
            "plan b_plan: revision 1 (unchanged)",
        ],
        stubs=_load,
    ),
    "agency create": Case(
        chiso_core.access.cli.app,
        ["create", "a", "--jurisdiction", "lai_chau", "--indicator", "*"],
        [],
        stderr=["shown once: only its hash is stored"],
        stubs=lambda mp, tmp: mp.setattr(chiso_core.access.cli, "_run", lambda work: KEY),
        captured=KEY,
    ),
    "agency rotate": Case(
        chiso_core.access.cli.app,
        ["rotate", "a"],
        [],
        stderr=["shown once: only its hash is stored", "revoked: 0a1b, 2c3d"],
        stubs=lambda mp, tmp: mp.setattr(
            chiso_core.access.cli, "_run", lambda work: (KEY, ["0a1b", "2c3d"])
        ),
        captured=KEY,
    ),
    "agency revoke": Case(
        chiso_core.access.cli.app,
        ["revoke", "a"],
        ["revoked: 0a1b"],
        stubs=lambda mp, tmp: mp.setattr(chiso_core.access.cli, "_run", lambda work: ["0a1b"]),
    ),
    "agency revoke, none left": Case(
        chiso_core.access.cli.app,
        ["revoke", "a"],
        ["revoked: none"],
        stubs=lambda mp, tmp: mp.setattr(chiso_core.access.cli, "_run", lambda work: []),
    ),
    "grafana build": Case(
        grafana_cli.app,
        ["build", "--out", "dashboards"],
        ["wrote 2 dashboard file(s) to dashboards"],
        stubs=lambda mp, tmp: mp.setattr(build, "write", lambda out: [Path("a"), Path("b")]),
    ),
    "grafana publish": Case(
        grafana_cli.app,
        ["publish", "--dashboards", "{tmp}"],
        ["published 1 dashboard(s); created 1 folder(s): English"],
        stubs=_published,
    ),
    "grafana publish, refused": Case(
        grafana_cli.app,
        ["publish", "--dashboards", "{tmp}"],
        [],
        stderr=["Grafana refused (HTTP 403): Permissions needed: dashboards:write; "],
        stubs=_refused,
        exit_code=1,
    ),
    "grafana publish, unreachable": Case(
        grafana_cli.app,
        ["publish", "--dashboards", "{tmp}"],
        [],
        stderr=["Grafana unreachable at http://127.0.0.1:1/grafana: ConnectionRefusedError"],
        stubs=_unreachable,
        exit_code=1,
    ),
    "grafana publish, no answer": Case(
        grafana_cli.app,
        ["publish", "--dashboards", "{tmp}"],
        [],
        stderr=["Grafana unreachable at http://127.0.0.1:1/grafana: timeout: read timed out"],
        stubs=_late,
        exit_code=1,
    ),
    "grafana publish, no dashboards": Case(
        grafana_cli.app,
        ["publish", "--dashboards", "{tmp}"],
        [],
        stderr=["no dashboard files (*.json); run `chiso grafana build` first"],
        exit_code=2,
    ),
    "ingest feeds --once": Case(
        chiso_ingest.cli.app,
        ["feeds", "--once"],
        ["the poll failed", "a new document, its figures published"],
        stubs=lambda mp, tmp: mp.setattr(
            feeds, "poll_once", _async({"usage": Outcome.FAILED, "cashless": Outcome.PUBLISHED})
        ),
        exit_code=1,
    ),
    "scoring rescore": Case(
        chiso_scoring.cli.app,
        ["rescore"],
        ["re-scored: 4 score(s) written and published"],
        stubs=lambda mp, tmp: mp.setattr(rescore, "rescore", _async(Rescored(4))),
    ),
    "scoring rescore, unscored": Case(
        chiso_scoring.cli.app,
        ["rescore"],
        ["re-scored: 0 score(s) written and published"],
        stderr=["1 target(s) at a period could not be scored"],
        stubs=lambda mp, tmp: mp.setattr(
            rescore, "rescore", _async(Rescored(0, ("p/t at lai_chau 2025-06: ValueError()",)))
        ),
        exit_code=1,
    ),
    "simulate": Case(
        simulate_cli.app,
        ["--url", "http://127.0.0.1:9", "--since", "2024-01", "--until", "2024-03"],
        ["simulate: 9 figures accepted by POST /v1/observations, 1 revised (6 series, 2024-01.."],
        stubs=lambda mp, tmp: mp.setattr(simulate_cli, "push", lambda *args: Pushed(9, 1)),
    ),
    "simulate, refused": Case(
        simulate_cli.app,
        ["--url", "http://127.0.0.1:9", "--until", "2024-03"],
        [],
        stderr=["simulate: http://127.0.0.1:9: the API answered 401: "],
        stubs=lambda mp, tmp: mp.setattr(
            simulate_cli, "push", _raises(Refused("the API answered 401: {}"))
        ),
        exit_code=1,
    ),
    "report": Case(
        report_cli.app,
        ["--plan", "p", "--out", "{tmp}"],
        ["wrote {tmp}/p.html", "wrote {tmp}/p.pdf"],
        stubs=_report,
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_every_line_a_command_prints_is_vietnamese_first(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _quiet(monkeypatch)
    case.stubs(monkeypatch, tmp_path)
    env = {**ENV, "CHISO_FEEDS_DIR": str(tmp_path)}
    result = CliRunner().invoke(
        case.app, [a.replace("{tmp}", str(tmp_path)) for a in case.args], env=env
    )
    assert result.exit_code == case.exit_code, (result.output, result.stderr, result.exception)

    stdout = result.stdout.splitlines()
    if case.captured is not None:
        # the key alone on its line, for `KEY=$(chiso agency create …)`
        assert stdout.pop(0) == case.captured
    assert len(stdout) == len(case.stdout), stdout
    for line, english in zip(stdout, case.stdout, strict=True):
        _vietnamese_first(line, english.replace("{tmp}", str(tmp_path)))
    stderr = result.stderr.splitlines()[: len(case.stderr)]
    assert len(stderr) == len(case.stderr), result.stderr
    for line, english in zip(stderr, case.stderr, strict=True):
        _vietnamese_first(line, english)
    assert "hunter2" not in result.output + result.stderr  # a URL's password is never shown


def test_the_demo_says_where_to_look_and_leaves_the_export_line_to_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line Vietnamese first and whole, however narrow the terminal, but the `export`
    line: alone, as it is, for an operator to paste."""
    out = io.StringIO()
    monkeypatch.setattr(demo, "console", Console(file=out, width=40, highlight=False))
    monkeypatch.delenv("CHISO_DATABASE_URL", raising=False)
    url = "postgresql://chiso@127.0.0.1:55432/chiso"
    services = [
        ServiceProcess(name, port, {}, tmp_path / f"{name}.log")
        for name, port in (("ingest", 8001), ("scoring", 8002), ("alerts", 8003))
    ]
    demo._print_where(url, services, tmp_path / "logs")
    demo._say(commands.RUNNING)

    lines = out.getvalue().splitlines()
    assert lines.pop(1) == f"export CHISO_DATABASE_URL={url}"
    english = [
        f"the demo's database: {url}; ",
        "live scorecard, for the IOC's screen: http://127.0.0.1:8002/scorecard",
        "API docs: http://127.0.0.1:8001/docs",
        "metrics: http://127.0.0.1:8001/metrics",
        "metrics: http://127.0.0.1:8002/metrics",
        "metrics: http://127.0.0.1:8003/metrics",
        f"logs: {tmp_path / 'logs'}",
        "running; press Ctrl-C to stop",
    ]
    assert len(lines) == len(english), lines
    for line, en in zip(lines, english, strict=True):
        _vietnamese_first(line, en)


def test_a_feeds_outcome_code_still_leads_its_line() -> None:
    """`chiso ingest feeds --once` suits a cron job: `<feed>: <outcome>` first, then the words."""
    line = commands.feed_polled("usage", "failed")
    assert line.startswith("usage: failed (")
    assert line.index("lấy dữ liệu thất bại") < line.index("the poll failed")


def test_the_demo_that_waits_too_long_for_its_scores_says_so_and_where_the_logs_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No traceback: the refusal, Vietnamese first, on stderr, and the demo stops (exit 1), its
    services stopped on the way out."""

    class Connection:
        def __enter__(self) -> "Connection":
            return self

        def __exit__(self, *_: object) -> None:
            return None

    monkeypatch.setattr(psycopg, "connect", lambda *_, **__: Connection())
    monkeypatch.setattr(scorecard, "progress", lambda conn, since: (150, 0))
    with pytest.raises(typer.Exit) as stopped:
        demo._wait_until_scored("postgresql://demo", MagicMock(), 205, tmp_path, timeout=0.01)
    assert stopped.value.exit_code == 1
    said = capsys.readouterr().err.strip()
    assert said == refusals.not_scored_within(0.01, 150, 205, str(tmp_path))
    _vietnamese_first(said, "the figures were not scored within 0.01 s (150 of 205 scored)")
