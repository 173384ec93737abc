"""Dashboards as the JSON files Grafana's file provider reads: one per dashboard and language,
Vietnamese as `<name>.json`, English as `<name>.en.json`."""

import json
from pathlib import Path

from grafana_foundation_sdk.cog.encoder import JSONEncoder

from chiso_grafana.dashboards import DASHBOARDS, UID_PREFIX
from chiso_grafana.grafana11 import for_grafana11
from chiso_grafana.texts import TEXTS, Language

# Where deploy/grafana/provisioning/dashboards/dashboards.yml has Grafana look (mounted).
DEFAULT_DIR = Path("deploy/grafana/dashboards")


def file_name(stem: str, lang: Language) -> str:
    return f"{stem}.json" if lang is Language.VI else f"{stem}.{lang}.json"


def render() -> dict[str, str]:
    """File name → content; stable text (sorted keys, a final newline) so a diff shows a change."""
    return {
        file_name(stem, lang): json.dumps(
            for_grafana11(json.loads(JSONEncoder().encode(build(TEXTS[lang]).build()))),
            sort_keys=True,
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
        for stem, build in DASHBOARDS.items()
        for lang in Language
    }


def ours(path: Path) -> bool:
    """A dashboard this build once wrote (a chiso uid), not some other JSON file."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(content, dict) and str(content.get("uid", "")).startswith(UID_PREFIX)


def write(directory: Path) -> list[Path]:
    """Writes every dashboard and removes the ones no code makes any more (renamed, dropped)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = render()
    for stale in directory.glob("*.json"):
        if stale.name not in files and ours(stale):
            stale.unlink()
    written = []
    for name, content in files.items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
