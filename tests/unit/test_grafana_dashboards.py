"""The dashboards under deploy/grafana/dashboards are what `chiso grafana build` makes today,
and they read back through grafana-foundation-sdk with every SQL target as our query type."""

import json
from pathlib import Path

from grafana_foundation_sdk.models.dashboard import Dashboard, Panel

from chiso_core.words.probability import percent
from chiso_grafana import build
from chiso_grafana.sql_query import SqlQuery
from chiso_grafana.texts import EN, VI

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = ROOT / build.DEFAULT_DIR


def test_the_committed_dashboards_are_not_stale() -> None:
    expected = build.render()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DASHBOARDS.glob("*.json")}
    stale = sorted(
        name for name in expected.keys() | on_disk.keys() if expected.get(name) != on_disk.get(name)
    )
    assert not stale, f"run `chiso grafana build`: {stale} differ from the code"


def test_vietnamese_by_default_and_an_english_variant(tmp_path: Path) -> None:
    written = build.write(tmp_path)
    dashboards = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in written}
    assert dashboards["ioc-overview.json"]["title"] == VI.ioc_overview
    assert dashboards["ioc-overview.en.json"]["title"] == EN.ioc_overview
    uids = [d["uid"] for d in dashboards.values()]
    assert len(set(uids)) == len(uids) == 10


def test_a_dashboard_no_code_makes_is_removed_and_other_files_are_left(tmp_path: Path) -> None:
    (tmp_path / "renamed.json").write_text('{"uid": "chiso-old-name"}')
    (tmp_path / "package.json").write_text('{"name": "not a dashboard"}')
    (tmp_path / "notes.json").write_text("not even JSON")
    build.write(tmp_path)
    assert not (tmp_path / "renamed.json").exists()
    assert (tmp_path / "package.json").exists()
    assert (tmp_path / "notes.json").exists()


def test_sql_targets_read_back_as_the_custom_query_type() -> None:
    dashboard = Dashboard.from_json(json.loads((DASHBOARDS / "scorecard.json").read_text()))
    panels = [p for p in dashboard.panels or [] if isinstance(p, Panel)]
    targets = [t for p in panels for t in p.targets or []]
    assert targets
    assert all(isinstance(t, SqlQuery) for t in targets)
    assert all("dash_scores_latest" in t.raw_sql for t in targets if isinstance(t, SqlQuery))


def test_the_probability_column_says_what_the_words_module_says() -> None:
    """Every probability from 0 to 1 in steps of 0.001 reads on the scorecard as
    chiso_core.words.probability.percent says it: a range mapping gives "< 1 %" / "> 99 %",
    the unit (percentunit, no decimals) the whole percentage between."""
    summary = next(
        p
        for p in json.loads((DASHBOARDS / "scorecard.json").read_text())["panels"]
        if "probability" in p["targets"][0]["rawSql"]
    )
    assert "WHEN s.status IN ('achieved', 'stale')" in summary["targets"][0]["rawSql"]
    (override,) = [
        o for o in summary["fieldConfig"]["overrides"] if o["matcher"]["options"] == "probability"
    ]
    props = {x["id"]: x["value"] for x in override["properties"]}
    assert (props["unit"], props["decimals"]) == ("percentunit", 0)
    for k in range(1001):
        p = k / 1000
        mapped = [
            m["options"]["result"]["text"]
            for m in props["mappings"]
            if m["options"]["from"] <= p <= m["options"]["to"]
        ]
        shown = mapped[0] if mapped else f"{round(p * 100)} %"
        assert shown == percent(p), p
