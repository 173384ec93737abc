"""`chiso demo` on the embedded stack: a scorecard made of data that crossed the whole pipeline,
and a clean stop on Ctrl-C that leaves no process it started and loses no figure an agency sent.
What it says is Vietnamese first, then English, each figure in both halves; the `export` line
alone, to paste."""

import math
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import psycopg

from chiso_core.catalog import Catalog, load_catalog
from chiso_core.catalog.models import Cadence, Comparator
from chiso_core.words import commands
from chiso_devstack import scorecard
from chiso_devstack.embedded import free_port
from chiso_devstack.processes import agency_key
from chiso_devstack.simulate import DEFAULT_SEED, Pushed, last_full_month, summary
from chiso_devstack.simulation import Simulation, simulate
from tests.conftest import CATALOG_DIR


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def start_demo(data_dir: Path, ports: list[str]) -> subprocess.Popen[str]:
    """`chiso demo` as `make demo` runs it, on its own embedded broker and database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CHISO_KAFKA_BOOTSTRAP_SERVERS", "CHISO_DATABASE_URL")
    }
    options = [f"--{name}-port" for name in ("ingest", "scoring", "alerts", "postgres", "kafka")]
    return subprocess.Popen(
        [sys.executable, "-m", "chiso_core", "demo", "--data-dir", str(data_dir)]
        + [x for pair in zip(options, ports, strict=True) for x in pair]
        + ["--catalog-dir", str(CATALOG_DIR)],
        env={**env, "COLUMNS": "160"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def until_running(demo: subprocess.Popen[str], timeout: float = 180) -> str:
    """The demo's output up to "đang chạy; nhấn Ctrl-C để dừng / running; press Ctrl-C to stop"."""
    assert demo.stdout is not None
    output = []
    deadline = time.monotonic() + timeout
    for line in demo.stdout:
        output.append(line)
        if commands.RUNNING in line or time.monotonic() > deadline:
            break
    text = "".join(output)
    assert commands.RUNNING in text, text
    return text


def stop(demo: subprocess.Popen[str]) -> str:
    """SIGINT, as Ctrl-C; the rest of the output."""
    if demo.poll() is not None:
        return ""
    demo.send_signal(signal.SIGINT)
    try:
        rest, _ = demo.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        demo.kill()  # a failed check must not leave the stack running
        rest, _ = demo.communicate()
    return rest


def test_demo_prints_a_scorecard_and_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    demo = start_demo(tmp_path / "demo", [str(free_port()) for _ in range(5)])
    try:
        check_demo(demo)
    finally:
        stop(demo)


def check_demo(demo: subprocess.Popen[str]) -> None:
    text = until_running(demo)

    # Every seed jurisdiction is on the scorecard, and the drifting one has a firing alert.
    for name in ("Tỉnh Khánh Hòa", "Tỉnh Tiền Giang", "Huyện Tam Đường"):
        assert name in text
    drifting = r"Huyện Tam Đường.*online_public_service_usage.*Chậm tiến độ.*Cảnh báo"
    assert re.search(drifting, text), text  # off track, firing
    simulation = simulate(DEFAULT_SEED, last_full_month(date.today()))
    # the whole line, both halves: every report and every revision accepted
    pushed = Pushed(len(simulation.reports), len(simulation.revisions))
    assert summary(pushed, simulation, DEFAULT_SEED) in text, text
    # The series whose reports stopped is called stale.
    stale = r"Huyện Tam Đường.*cashless_transaction_share.*Số liệu quá hạn.*\(tính đến "
    assert re.search(stale, text), text  # with its chance as of its last figure
    live = re.search(
        r"bảng điểm trực tiếp cho màn hình IOC: (http://\S+/scorecard) / "
        r"live scorecard, for the IOC's screen: \1",
        text,
    )
    assert live, text
    assert "khanh_hoa_nq57" in httpx.get(live[1], timeout=30).text
    # each pid in both halves of its line
    pids = [int(p) for p in re.findall(r"\(pid (\d+)\) / .*\(pid \1\)\s*$", text, re.M)]
    assert len(pids) == 5, text  # broker, database, three services
    assert len(re.findall(r"\(pid \d+\)", text)) == 10, text

    rest = stop(demo)

    assert demo.returncode == 0, rest
    assert commands.STOPPED in rest
    assert [p for p in pids if alive(p)] == []


def agency_figures(catalog: Catalog, simulation: Simulation) -> list[dict[str, object]]:
    """One valid figure for every target of every plan: every comparator of the catalog. Where
    the demo simulates the series, the agency corrects the simulated figure (a small change, not
    one held as unusual): the restart must not undo it."""
    simulated = {(r["jurisdiction"], r["indicator"], r["period"]): r for r in simulation.reports}
    periods = {Cadence.MONTH: "2025-06", Cadence.QUARTER: "2025-Q2", Cadence.YEAR: "2025"}
    figures: dict[tuple[str, str], dict[str, object]] = {}
    for plan in catalog.plans.values():
        for target in plan.targets:
            indicator = catalog.indicators[target.indicator]
            value = target.value if target.value is not None else (target.values or (1.0,))[0]
            low = -math.inf if indicator.valid_min is None else indicator.valid_min
            high = math.inf if indicator.valid_max is None else indicator.valid_max
            period = periods[indicator.cadence]
            if ours := simulated.get((plan.jurisdiction, target.indicator, period)):
                figures[plan.jurisdiction, target.indicator] = {
                    **ours,
                    "value": ours["value"] + 0.37,
                    "numerator": None,
                    "denominator": None,
                }
                continue
            figures[plan.jurisdiction, target.indicator] = {
                "jurisdiction": plan.jurisdiction,
                "indicator": target.indicator,
                "period": period,
                "value": min(max(value, low), high),
            }
    return list(figures.values())


def stored(database_url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT jurisdiction_id, indicator_code, grain, period_start, revision, value, source"
            "  FROM observations ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()


def test_a_restarted_demo_keeps_what_an_agency_sent(tmp_path: Path) -> None:
    catalog = load_catalog(CATALOG_DIR)
    assert {t.comparator for p in catalog.plans.values() for t in p.targets} >= {
        Comparator.MAINTAIN_GT,
        Comparator.BETWEEN,
        Comparator.MILESTONE,
    }
    ports = [str(free_port()) for _ in range(5)]
    demo = start_demo(tmp_path / "demo", ports)
    try:
        text = until_running(demo)
        # alone on its line, to paste
        found = re.search(r"^export CHISO_DATABASE_URL=(\S+)$", text, re.M)
        assert found, text
        database_url = found[1]
        figures = agency_figures(catalog, simulate(DEFAULT_SEED, last_full_month(date.today())))
        key = agency_key(
            database_url,
            "so_test",
            sorted({str(f["jurisdiction"]) for f in figures}),
            sorted({str(f["indicator"]) for f in figures}),
        )
        before = len(stored(database_url))
        answer = httpx.post(
            f"http://127.0.0.1:{ports[0]}/v1/observations",
            json={"observations": figures},
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert answer.is_success, answer.text
        assert answer.json()["accepted"] == len(figures), answer.text
        # Stopped at once, the figures still on their way: the demo stops scoring and alerts
        # only once they have read them, or the broker's restart would lose them.
        rest = stop(demo)
        assert commands.STOPPED in rest
        assert "unread" not in rest, rest
        assert demo.returncode == 0

        demo = start_demo(tmp_path / "demo", ports)
        text = until_running(demo)
        nothing_new = r"API đã nhận 0 số liệu qua .* / simulate: 0 figures accepted by"
        assert re.search(nothing_new, text), text
        assert "duy trì >" in text, text  # a maintain target on the scorecard
        sent = stored(database_url)
        assert len(sent) == before + len(figures)
        # each as the agency sent it: the restart did not push the simulated figure over it
        theirs = {(j, i, v) for j, i, _, _, _, v, source in sent if source == "api:so_test"}
        assert theirs == {(f["jurisdiction"], f["indicator"], f["value"]) for f in figures}
        with psycopg.connect(database_url) as conn:
            assert scorecard.progress(conn, datetime.min.replace(tzinfo=UTC))[1] == 0
    finally:
        stop(demo)
