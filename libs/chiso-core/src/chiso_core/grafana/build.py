"""Dashboards as the JSON files Grafana's file provider reads: one per dashboard and language,
Vietnamese as `<name>.json`, English as `<name>.en.json`."""

from pathlib import Path

from grafana_foundation_sdk.cog.encoder import JSONEncoder

from chiso_core.grafana.dashboards import DASHBOARDS
from chiso_core.grafana.texts import TEXTS, Language

# Where deploy/grafana/provisioning/dashboards/dashboards.yml has Grafana look (mounted).
DEFAULT_DIR = Path("deploy/grafana/dashboards")


def file_name(stem: str, lang: Language) -> str:
    return f"{stem}.json" if lang is Language.VI else f"{stem}.{lang}.json"


def render() -> dict[str, str]:
    """File name → content; stable text (sorted keys, a final newline) so a diff shows a change."""
    encoder = JSONEncoder(sort_keys=True, indent=2, ensure_ascii=False)
    return {
        file_name(stem, lang): encoder.encode(build(TEXTS[lang]).build()) + "\n"
        for stem, build in DASHBOARDS.items()
        for lang in Language
    }


def write(directory: Path) -> list[Path]:
    """Writes every dashboard and removes the JSON files no dashboard makes any more."""
    directory.mkdir(parents=True, exist_ok=True)
    files = render()
    for stale in directory.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name, content in files.items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
