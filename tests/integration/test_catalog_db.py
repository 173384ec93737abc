"""The catalog in the database: loaded in one transaction, versioned by plan, and read back
through the API exactly as the files say."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from fastapi.testclient import TestClient
from psycopg import sql
from psycopg_pool import AsyncConnectionPool
from typer.testing import CliRunner

from chiso_core import topics
from chiso_core.catalog import Catalog, Indicator, Jurisdiction, Plan
from chiso_core.catalog.cli import app as catalog_cli
from chiso_core.catalog.store import CatalogCache
from chiso_core.contracts.v1 import score_pb2
from chiso_core.settings import IngestSettings, ScoringSettings
from chiso_devstack.embedded import free_port
from chiso_ingest.app import create_app
from chiso_scoring.cli import app as scoring_cli
from chiso_scoring.reads import UnknownPlan
from chiso_scoring.rescore import Rescored, rescore
from tests.both_languages import halves
from tests.catalog_sample import HANDED_OVER, PLAN, write_catalog
from tests.conftest import CATALOG_DIR
from tests.integration.conftest import Harness, observation
from tests.kafka_io import read_topic


@pytest.fixture
def api(bootstrap_servers: str, database_url: str) -> Iterator[TestClient]:
    settings = IngestSettings(
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
        http_port=free_port(),
        log_json=False,
        catalog_ttl_s=0.01,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def as_files_say(model: type[Indicator | Jurisdiction | Plan], data: Any) -> dict[str, Any]:
    return model.model_validate(data).model_dump(mode="json", exclude_none=True)


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load(folder: Path, database_url: str) -> Any:
    return CliRunner().invoke(
        catalog_cli, ["load", "--dir", str(folder)], env={"CHISO_DATABASE_URL": database_url}
    )


def test_the_api_reads_back_what_the_files_say(api: TestClient) -> None:
    """The test database was loaded from catalog/ (see conftest); the API returns it unchanged."""
    indicators = [as_files_say(Indicator, i) for i in read_yaml(CATALOG_DIR / "indicators.yaml")]
    assert api.get("/v1/indicators").json() == sorted(indicators, key=lambda i: i["code"])
    jurisdictions = [
        as_files_say(Jurisdiction, j) for j in read_yaml(CATALOG_DIR / "jurisdictions.yaml")
    ]
    assert api.get("/v1/jurisdictions").json() == sorted(jurisdictions, key=lambda j: j["id"])
    files = sorted((CATALOG_DIR / "plans").glob("*.yaml"))
    assert [p["id"] for p in api.get("/v1/plans").json()] == [f.stem for f in files]
    for f in files:
        assert api.get(f"/v1/plans/{f.stem}").json() == as_files_say(Plan, read_yaml(f))
    unknown = api.get("/v1/plans/no_such_plan")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {
            "error": "không có kế hoạch này / unknown plan",
            "problems": [
                {
                    "field": "plan_id",
                    "problem": "không có kế hoạch 'no_such_plan' / no plan 'no_such_plan'",
                }
            ],
        },
    )


def test_a_changed_target_makes_a_new_revision_and_old_scores_keep_theirs(
    tmp_path: Path, database_url: str, api: TestClient
) -> None:
    assert load(write_catalog(tmp_path / "v1"), database_url).exit_code == 0
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO scores (period_start, grain, plan_id, plan_revision, target_id,"
            " jurisdiction_id, indicator_code, method, method_version, actual, expected,"
            " target_value, due_year, gap, progress, status, observation_revision)"
            " VALUES ('2025-01-01', 'month', 'sample_plan', 1, 'usage_2030', 'lai_chau',"
            " 'online_public_service_usage', 'linear_path', '1', 41, 40, 80, 2030, 1, 0.0,"
            " 'on_track', 1)"
        )

    again = load(write_catalog(tmp_path / "v1"), database_url)
    changed = load(
        write_catalog(tmp_path / "v2", plan=PLAN.replace("value: 80", "value: 85")), database_url
    )

    assert (
        "  kế hoạch sample_plan: phiên bản 1 (không đổi) / plan sample_plan: revision 1 (unchanged)"
    ) in again.output.splitlines()
    assert (
        "  kế hoạch sample_plan: phiên bản 2 (đã sửa, phiên bản mới) / plan sample_plan: "
        "revision 2 (revised)"
    ) in changed.output.splitlines()
    plan = api.get("/v1/plans/sample_plan").json()
    assert (plan["revision"], plan["targets"][0]["value"]) == (2, 85.0)
    with psycopg.connect(database_url) as conn:
        assert conn.execute(
            "SELECT revision, value FROM plan_targets WHERE plan_id = 'sample_plan' ORDER BY 1"
        ).fetchall() == [(1, 80.0), (2, 85.0)]
        assert conn.execute("SELECT plan_revision FROM scores").fetchall() == [(1,)]


def test_a_broken_catalog_loads_nothing(tmp_path: Path, database_url: str) -> None:
    def snapshot() -> list[Any]:
        with psycopg.connect(database_url) as conn:
            return [
                conn.execute(
                    sql.SQL(
                        "SELECT count(*), md5(string_agg(body::text, '' ORDER BY 1)) FROM {}"
                    ).format(sql.Identifier(table))
                ).fetchone()
                for table in ("catalog_indicators", "catalog_jurisdictions", "catalog_plans")
            ]

    before = snapshot()
    broken = write_catalog(
        tmp_path,
        plan=PLAN.replace(
            "indicator: online_public_service_usage\n    comparator",
            "indicator: nope\n    comparator",
        ),
    )
    result = load(broken, database_url)

    assert result.exit_code == 1
    assert (
        "targets[0].indicator: không có chỉ tiêu 'nope' trong indicators.yaml / unknown indicator "
        "'nope' (expected a code from indicators.yaml)"
    ) in result.output
    assert snapshot() == before


async def test_rescore_scores_history_against_the_new_revision_and_keeps_the_old(
    tmp_path: Path, database_url: str, bootstrap_servers: str, harness: Harness, catalog: Catalog
) -> None:
    """Lai Châu at 41 % in 2025-06 against "> 80 by 2030" from 40 % in 2024 (revision 1), then
    against "> 85" (revision 2): both revisions' scores stand side by side."""
    assert load(write_catalog(tmp_path / "v1"), database_url).exit_code == 0
    await harness.run([observation(catalog, "2025-06", 41.0, jurisdiction="lai_chau")])
    assert (
        load(
            write_catalog(tmp_path / "v2", plan=PLAN.replace("value: 80", "value: 85")),
            database_url,
        ).exit_code
        == 0
    )

    settings = ScoringSettings(kafka_bootstrap_servers=bootstrap_servers, database_url=database_url)
    done = await rescore(settings, "sample_plan")

    assert done == Rescored(written=1)
    with psycopg.connect(database_url) as conn:
        assert conn.execute(
            "SELECT plan_revision, target_value FROM scores"
            " WHERE plan_id = 'sample_plan' ORDER BY 1"
        ).fetchall() == [(1, 80.0), (2, 85.0)]
    published = [
        score_pb2.Score.FromString(r.value or b"")
        for r in await read_topic(bootstrap_servers, topics.SCORES)
    ]
    assert [(s.plan_revision, s.target_value) for s in published if s.plan_id == "sample_plan"] == [
        (1, 80.0),
        (2, 85.0),
    ]


async def test_a_rescore_names_what_it_could_not_score_and_fails(
    tmp_path: Path,
    database_url: str,
    bootstrap_servers: str,
    harness: Harness,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A target the methods cannot judge is not dropped in silence: the rescore returns it,
    and `chiso scoring rescore` names it (Vietnamese first) and exits 1; what it wrote stands."""
    assert load(write_catalog(tmp_path / "v1"), database_url).exit_code == 0
    await harness.run([observation(catalog, "2025-06", 41.0, jurisdiction="lai_chau")])

    def cannot_judge(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("cannot judge")

    # the targets are judged together, and one at a time where that fails
    monkeypatch.setattr("chiso_scoring.methods.columns.judge", cannot_judge)
    monkeypatch.setattr("chiso_scoring.scorer.judge_state_as_of", cannot_judge)
    settings = ScoringSettings(kafka_bootstrap_servers=bootstrap_servers, database_url=database_url)
    done = await rescore(settings)
    env = {"CHISO_DATABASE_URL": database_url, "CHISO_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers}
    result = await asyncio.to_thread(CliRunner().invoke, scoring_cli, ["rescore"], env=env)

    assert done.written == 0
    assert [f.split(": ")[0] for f in done.unscored] == [
        "sample_plan/usage_2030 at lai_chau 2025-06"
    ]
    assert result.exit_code == 1
    (header,) = [line for line in result.stderr.splitlines() if "1 target(s)" in line]
    vi, en = halves(header)
    assert vi.startswith("không chấm được 1 mục tiêu tại một kỳ"), vi
    assert en.startswith("1 target(s) at a period could not be scored"), en
    assert "sample_plan/usage_2030 at lai_chau 2025-06: ValueError('cannot judge')" in result.stderr
    assert (
        "đã chấm lại: ghi và công bố 0 điểm số / re-scored: 0 score(s) written and published"
    ) in result.stdout.splitlines()
    assert harness.rows("SELECT count(*) FROM scores") == [(1,)], "the stored score stands"


async def test_rescore_names_an_unknown_plan(
    tmp_path: Path, database_url: str, bootstrap_servers: str
) -> None:
    """Refused before anything is scored, naming --plan and the plans loaded, Vietnamese first."""
    assert load(write_catalog(tmp_path / "v1"), database_url).exit_code == 0
    settings = ScoringSettings(kafka_bootstrap_servers=bootstrap_servers, database_url=database_url)
    with pytest.raises(UnknownPlan) as refused:
        await rescore(settings, "nope")
    assert refused.value.plan == "nope"
    assert "sample_plan" in refused.value.known

    env = {"CHISO_DATABASE_URL": database_url, "CHISO_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers}
    run = await asyncio.to_thread(
        CliRunner().invoke, scoring_cli, ["rescore", "--plan", "nope"], env=env
    )
    assert run.exit_code == 1
    vi, en = halves(run.stderr)
    assert vi.startswith("--plan: không có kế hoạch 'nope' (có: "), vi
    assert en.startswith("--plan: no plan 'nope' (known: "), en
    assert "sample_plan" in vi
    assert "sample_plan" in en
    assert run.stdout == ""


async def test_the_catalog_cache_serves_the_last_catalog_while_the_database_is_away(
    database_url: str,
) -> None:
    pool = AsyncConnectionPool(database_url, min_size=1, max_size=1, open=False)
    await pool.open()
    cache = CatalogCache(pool, ttl=0)
    first = await cache.get()
    await pool.close()  # every later read fails

    assert await cache.get() is first
    with pytest.raises(psycopg.Error):
        await CatalogCache(pool).get()  # nothing read yet: nothing to serve


async def test_the_catalog_cache_reads_the_catalog_again_only_when_a_load_changed_it(
    tmp_path: Path, database_url: str
) -> None:
    """Every ttl the cache asks the catalog's version; the same version serves the catalog it
    has (the same object, not read and validated again), and every load, even one that changes
    no plan, makes it read the catalog again."""
    assert load(write_catalog(tmp_path / "v1"), database_url).exit_code == 0
    pool = AsyncConnectionPool(database_url, min_size=1, max_size=1, open=False)
    await pool.open()
    try:
        cache = CatalogCache(pool, ttl=0)
        first = await cache.get()
        assert await cache.get() is first

        assert load(write_catalog(tmp_path / "v1"), database_url).exit_code == 0
        same = await cache.get()
        assert same is not first
        assert same == first
        assert await cache.get() is same

        changed = PLAN.replace("value: 80", "value: 85")
        assert load(write_catalog(tmp_path / "v2", plan=changed), database_url).exit_code == 0
        plan = (await cache.get()).plans["sample_plan"]
        assert (plan.revision, plan.targets[0].value) == (2, 85.0)
    finally:
        await pool.close()


def test_owners_are_stored_apart_from_revisions_and_resolved_per_target(
    tmp_path: Path, database_url: str, api: TestClient
) -> None:
    assert load(write_catalog(tmp_path / "v1"), database_url).exit_code == 0
    again = load(write_catalog(tmp_path / "v2", plan=HANDED_OVER), database_url)

    # who answers for a target is no part of what the plan promises: scores keep their revision
    assert (
        "  kế hoạch sample_plan: phiên bản 1 (không đổi) / plan sample_plan: revision 1 (unchanged)"
    ) in again.output.splitlines()
    vi, en = halves(again.output.splitlines()[0])
    assert vi.startswith("đã nạp danh mục: "), vi
    assert en.endswith(" agencies"), en
    plan = api.get("/v1/plans/sample_plan").json()
    assert plan["owners"] == {"lead": "so_khcn_lai_chau", "supporting": []}
    assert plan["targets"][0]["owners"] == {
        "lead": "vp_ubnd_lai_chau",
        "supporting": ["so_khcn_lai_chau"],
    }
    with psycopg.connect(database_url) as conn:
        assert conn.execute(
            "SELECT target_id, lead, supporting FROM target_owners WHERE plan_id = 'sample_plan'"
        ).fetchall() == [("usage_2030", "vp_ubnd_lai_chau", ["so_khcn_lai_chau"])]
        conn.execute("SET ROLE grafana_reader")  # as Grafana reads it
        assert conn.execute(
            "SELECT lead_name_vi, supporting_name_vi FROM dash_target_owners"
            " WHERE plan_id = 'sample_plan'"
        ).fetchall() == [
            ("Văn phòng Ủy ban nhân dân tỉnh Lai Châu", "Sở Khoa học và Công nghệ tỉnh Lai Châu")
        ]


def test_every_seed_target_resolves_to_a_lead_agency_in_the_database(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT t.plan_id, t.target_id, o.lead FROM plan_targets t"
            " JOIN plans_current p ON p.plan_id = t.plan_id AND p.revision = t.revision"
            " LEFT JOIN target_owners o ON o.plan_id = t.plan_id AND o.target_id = t.target_id"
        ).fetchall()
        agencies = {a for (a,) in conn.execute("SELECT id FROM catalog_agencies").fetchall()}
    assert len(rows) == 59
    assert [r for r in rows if r[2] not in agencies] == []
