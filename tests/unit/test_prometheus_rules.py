"""The pipeline's alerting rules, with Prometheus' own tool: the rules load, every alert fires
for the series that should raise it and stays quiet beside them (pipeline-rules.test.yml), the
configuration loads them, and every alert points at a runbook section that exists."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy/prometheus"
RULES = PROMETHEUS / "pipeline-rules.yml"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: scripts/bootstrap installs Debian's prometheus package"
    return subprocess.run(
        [tool, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "args",
    [
        ("check", "rules", RULES.name),
        ("test", "rules", "pipeline-rules.test.yml"),
        ("check", "config", "prometheus.yml"),
    ],
    ids=" ".join,
)
def test_promtool_accepts(args: tuple[str, ...]) -> None:
    result = promtool(*args)
    assert result.returncode == 0, result.stdout + result.stderr


def alerts() -> list[dict[str, object]]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_every_alert_is_tested_and_has_a_runbook_section() -> None:
    tests = (PROMETHEUS / "pipeline-rules.test.yml").read_text(encoding="utf-8")
    operations = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in operations.splitlines()
        if line.startswith("#")
    }
    assert len(alerts()) >= 9
    for rule in alerts():
        assert f"alertname: {rule['alert']}" in tests, rule["alert"]
        annotations = rule["annotations"]
        assert isinstance(annotations, dict)
        anchor = str(annotations["runbook"]).partition("#")[2]
        assert anchor in headings, f"{rule['alert']}: no section #{anchor} in docs/operations.md"
