"""Reads the catalog folder: indicators.yaml, jurisdictions.yaml, plans/*.yaml."""

from pathlib import Path
from typing import Any

import yaml

from chiso_core.catalog.models import Catalog, Indicator, Jurisdiction, Plan


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_catalog(folder: Path) -> Catalog:
    indicators = [Indicator.model_validate(i) for i in _read(folder / "indicators.yaml")]
    jurisdictions = [Jurisdiction.model_validate(j) for j in _read(folder / "jurisdictions.yaml")]
    plans = [Plan.model_validate(_read(p)) for p in sorted((folder / "plans").glob("*.yaml"))]
    return Catalog(
        indicators={i.code: i for i in indicators},
        jurisdictions={j.code: j for j in jurisdictions},
        plans={p.id: p for p in plans},
    )
