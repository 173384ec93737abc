"""Every dashboard `chiso grafana build` writes passes Grafana's own Dashboard schema
(@grafana/schema, as a JSON Schema made by scripts/gen-grafana-schema) at the Grafana release
docker-compose.yml runs; and the schema catches each defect the SDK's raw output had."""

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from chiso_grafana import build
from chiso_grafana.grafana_version import GRAFANA_VERSION

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(
    files("chiso_grafana").joinpath("schema/dashboard.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
BUILT = {name: json.loads(content) for name, content in build.render().items()}


def errors(dashboard: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATOR.iter_errors(dashboard)
    ]


def test_the_schema_compose_and_the_constant_name_one_grafana_release() -> None:
    assert f"@grafana/schema {GRAFANA_VERSION} Dashboard" in SCHEMA["$comment"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    image = compose["services"]["grafana"]["image"]
    assert image == f"grafana/grafana-oss:{GRAFANA_VERSION}"


@pytest.mark.parametrize("name", sorted(BUILT))
def test_every_built_dashboard_passes_grafanas_schema(name: str) -> None:
    assert errors(BUILT[name]) == []


@pytest.mark.parametrize("name", sorted(BUILT))
def test_ids_are_unique_and_every_query_has_its_own_ref_id(name: str) -> None:
    dashboard = BUILT[name]
    panel_ids = [p["id"] for p in dashboard["panels"]]
    assert len(set(panel_ids)) == len(panel_ids)
    variables = dashboard["templating"]["list"]
    assert all("id" not in v for v in variables)
    assert len({v["name"] for v in variables}) == len(variables)
    for p in dashboard["panels"]:
        ref_ids = [t["refId"] for t in p["targets"]]
        assert all(ref_ids), p["title"]
        assert len(set(ref_ids)) == len(ref_ids), p["title"]


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    dashboard: dict[str, Any] = json.loads(json.dumps(BUILT["alerts.json"]))
    node: Any = dashboard
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return dashboard


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("style",), "dark"),
        (("panels", 0, "options"), None),
        (("templating", "list", 0, "id"), "00000000-0000-0000-0000-000000000000"),
        (("templating", "list", 0, "auto_count"), 30),
        (("templating",), []),
        (("annotations",), []),
        (("panels", 0, "gridPos"), None),
    ],
    ids=str,
)
def test_the_schema_refuses_each_defect_the_sdk_output_had(
    path: tuple[str | int, ...], value: Any
) -> None:
    assert errors(_with(path, value))


def test_the_committed_schema_still_closes_what_grafana_drops() -> None:
    """Only DataQuery objects (with a refId) were opened; the dashboard itself stays closed."""
    root = SCHEMA["definitions"]["GrafanaDashboard"]
    assert root["additionalProperties"] is False
