"""The catalog: indicators, jurisdictions and plans, read from reviewable YAML files."""

from chiso_core.catalog.loader import load_catalog
from chiso_core.catalog.models import (
    Catalog,
    Comparator,
    Direction,
    Indicator,
    Jurisdiction,
    Plan,
    Target,
)

__all__ = [
    "Catalog",
    "Comparator",
    "Direction",
    "Indicator",
    "Jurisdiction",
    "Plan",
    "Target",
    "load_catalog",
]
