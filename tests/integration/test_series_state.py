"""The state scoring keeps per series in the database (chiso_scoring.states), over the real
broker and database: figures appended after the latest are judged on it, whichever process
wrote it (a restart, a rebalance); the rare paths (a revision of an old figure, a back-fill, a
state not written at the series' last version) read the history and build it again; a plan
revision is judged on it. Whatever the path, the stored scores are what `chiso scoring
rescore` computes from the stored figures."""

import asyncio
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import yaml
from prometheus_client import REGISTRY

from chiso_core import topics
from chiso_core.catalog import Catalog, load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1.observation_pb2 import Observation
from chiso_core.settings import ScoringSettings
from chiso_scoring.pipeline import ScoringPipeline
from chiso_scoring.rescore import rescore
from tests.conftest import CATALOG_DIR
from tests.integration.conftest import Harness, observation
from tests.kafka_io import produce, read_topic

Figures = Sequence[tuple[str, float]]


def judged(read: str) -> float:
    return REGISTRY.get_sample_value("chiso_scoring_series_judged_total", {"read": read}) or 0.0


class Processes:
    """Scoring processes of one group, each with a state of its own (a pipeline each), fed the
    messages each is handed, over the broker."""

    def __init__(self, pipelines: list[ScoringPipeline], bootstrap: str, catalog: Catalog) -> None:
        self.pipelines, self.bootstrap, self.catalog = pipelines, bootstrap, catalog
        self.seen = 0

    async def send(self, figures: Figures, to: int = 0) -> tuple[float, float]:
        """The figures as one batch to process `to`; how many series it judged on the kept
        state and on the history read back."""
        messages: list[tuple[bytes, Observation | bytes]] = [
            observation(self.catalog, period, value) for period, value in figures
        ]
        await produce(self.bootstrap, topics.OBSERVATIONS, messages)
        records = await read_topic(self.bootstrap, topics.OBSERVATIONS)
        state, history = judged("state"), judged("history")
        await self.pipelines[to].handle(records[self.seen :])
        self.seen = len(records)
        return judged("state") - state, judged("history") - history


@pytest.fixture
def processes(harness: Harness, catalog: Catalog) -> Processes:
    pool, publisher = harness.pipeline.pool, harness.pipeline.publisher
    # the catalog read afresh every batch: a plan revision is seen at once
    pipelines = [ScoringPipeline(pool, publisher, CatalogCache(pool, ttl=0)) for _ in range(2)]
    return Processes(pipelines, harness.bootstrap, catalog)


def rescored(bootstrap_servers: str, database_url: str) -> int:
    """`chiso scoring rescore`: how many scores it changed."""
    settings = ScoringSettings(kafka_bootstrap_servers=bootstrap_servers, database_url=database_url)
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, rescore(settings)).result().written


def a_rescore_changes_nothing(bootstrap_servers: str, database_url: str) -> None:
    assert rescored(bootstrap_servers, database_url) == 0


JAN_TO_MAR = [("2025-01", 40.0), ("2025-02", 41.0), ("2025-03", 43.0)]
ONE_SERIES = (1.0, 0.0)  # judged on the state, and not read back
READ_BACK = (0.0, 1.0)


async def test_figures_after_the_latest_are_judged_on_the_state(
    processes: Processes, bootstrap_servers: str, database_url: str
) -> None:
    assert await processes.send(JAN_TO_MAR) == READ_BACK  # a series first met is read
    assert await processes.send([("2025-04", 44.0)]) == ONE_SERIES
    assert await processes.send([("2025-05", 44.5), ("2025-07", 46.0)]) == ONE_SERIES
    a_rescore_changes_nothing(bootstrap_servers, database_url)


@pytest.mark.parametrize(
    "rare",
    [
        [("2025-01", 39.0)],  # a revision of the first figure: the base moved
        [("2025-02", 42.0)],  # a revision of an old figure
        [("2025-03", 42.5)],  # a revision of the latest
        [("2024-12", 38.0)],  # a back-fill before the first
        [("2025-04", 44.0), ("2025-02", 40.5)],  # an append and a revision in one batch
        [("2025-04", 44.0), ("2025-04", 44.2)],  # one new period twice in one batch
    ],
)
async def test_a_figure_not_after_the_latest_reads_the_history_and_rebuilds_the_state(
    processes: Processes, bootstrap_servers: str, database_url: str, rare: Figures
) -> None:
    await processes.send(JAN_TO_MAR)
    assert await processes.send(rare) == READ_BACK
    a_rescore_changes_nothing(bootstrap_servers, database_url)
    # the state built again from the history is the series' own: the next figure is judged on
    # it and agrees with a rescore
    assert await processes.send([("2025-09", 47.0)]) == ONE_SERIES
    a_rescore_changes_nothing(bootstrap_servers, database_url)


async def test_a_rebalance_or_a_restart_judges_on_the_state_the_last_batch_kept(
    processes: Processes, bootstrap_servers: str, database_url: str
) -> None:
    """The partition moves to process 1 (a rebalance, or process 0 restarted: neither has
    anything in memory) and back to process 0: each judges on the state the batch before
    kept, whichever process ran it, and reads no history."""
    await processes.send(JAN_TO_MAR, to=0)
    assert await processes.send([("2025-04", 44.0)], to=1) == ONE_SERIES
    assert await processes.send([("2025-05", 45.0)], to=1) == ONE_SERIES
    assert await processes.send([("2025-06", 45.5)], to=0) == ONE_SERIES
    assert await processes.send([("2025-07", 46.0)], to=0) == ONE_SERIES
    a_rescore_changes_nothing(bootstrap_servers, database_url)


@pytest.mark.parametrize(
    "spoil",
    [
        "UPDATE series_versions SET version = version + 1",  # stored figures, kept no state
        "DELETE FROM series_states",
        "TRUNCATE series_states",  # what a crash leaves of an unlogged table
        "UPDATE series_states SET state = '\\x93ff0102'",  # a record of another layout
        "UPDATE series_states SET state = '\\xc1'",  # not a record at all
    ],
)
async def test_a_state_not_kept_at_the_series_last_version_is_built_again_from_the_history(
    processes: Processes, bootstrap_servers: str, database_url: str, spoil: str
) -> None:
    await processes.send(JAN_TO_MAR)
    with psycopg.connect(database_url) as conn:
        conn.execute(spoil)
    assert await processes.send([("2025-04", 44.0)]) == READ_BACK
    assert await processes.send([("2025-05", 45.0)]) == ONE_SERIES
    a_rescore_changes_nothing(bootstrap_servers, database_url)


async def test_an_upgrade_of_the_methods_reads_each_series_back_once(
    processes: Processes,
    bootstrap_servers: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A state holds what the methods that wrote it keep (their window, their scores as of the
    latest's end): after an upgrade, the next batch builds it again from the history."""
    await processes.send(JAN_TO_MAR)
    monkeypatch.setattr("chiso_scoring.states.METHOD_VERSION", "upgraded")
    assert await processes.send([("2025-04", 44.0)]) == READ_BACK
    assert await processes.send([("2025-05", 45.0)]) == ONE_SERIES
    a_rescore_changes_nothing(bootstrap_servers, database_url)


async def test_a_rescore_builds_each_series_state_again_from_the_history(
    processes: Processes, bootstrap_servers: str, database_url: str
) -> None:
    """Whatever a kept state says (here: a figure taken out of the database by hand, which the
    state still holds as the latest), a rescore builds it from the stored figures, and the next
    batch judges on it, not on the history."""
    await processes.send(JAN_TO_MAR)
    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM observations WHERE period_start = '2025-03-01'")
    rescored(bootstrap_servers, database_url)
    assert await processes.send([("2025-04", 44.0)]) == ONE_SERIES
    a_rescore_changes_nothing(bootstrap_servers, database_url)


def revise_plans(database_url: str, folder: Path, value: float) -> None:
    """tam_duong's plan with its online_public_service_usage targets at `value`, loaded: a new
    revision of the plan."""
    shutil.copytree(CATALOG_DIR, folder)
    for plan_file in (folder / "plans").glob("*.yaml"):
        plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
        if plan["jurisdiction"] == "tam_duong":
            for target in plan["targets"]:
                if target["indicator"] == "online_public_service_usage":
                    target["value"] = value
            plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    with psycopg.connect(database_url) as conn, conn.transaction():
        report = catalog_store.load(conn, load_catalog(folder))
    assert "revised" in {what for _, what in report.plans.values()}


@pytest.mark.parametrize("chunk", [1000, 1])
async def test_a_plan_revision_judges_the_next_figures_against_it_on_the_same_state(
    processes: Processes,
    bootstrap_servers: str,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
) -> None:
    """The state is the series' figures, whatever the plan: a new revision of the plan is
    judged on it (after the rescore an operator runs), and what it scores is a rescore's —
    whether the rescore takes every series in one chunk or one series a chunk, chunks side by
    side."""
    monkeypatch.setattr("chiso_scoring.rescore.CHUNK", chunk)
    await processes.send(JAN_TO_MAR)
    await processes.send([("2025-04", 44.0)])
    revise_plans(database_url, tmp_path / "catalog", 60.0)
    assert rescored(bootstrap_servers, database_url) > 0  # the new revision's scores
    assert await processes.send([("2025-05", 45.0)]) == ONE_SERIES
    a_rescore_changes_nothing(bootstrap_servers, database_url)
    with psycopg.connect(database_url) as conn:
        latest = conn.execute(
            "SELECT DISTINCT plan_revision, target_value FROM scores"
            " WHERE period_start = '2025-05-01'"
        ).fetchall()
    assert latest == [(2, 60.0)]
