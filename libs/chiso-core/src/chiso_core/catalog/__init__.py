"""The catalog: indicators, jurisdictions and plans, read from reviewable YAML files."""

from chiso_core.catalog.loader import CatalogError, Problem, load_catalog
from chiso_core.catalog.models import (
    Agency,
    Baseline,
    Catalog,
    Comparator,
    Direction,
    Indicator,
    Jurisdiction,
    Kind,
    Level,
    Owners,
    Plan,
    RollUp,
    Target,
)

__all__ = [
    "Agency",
    "Baseline",
    "Catalog",
    "CatalogError",
    "Comparator",
    "Direction",
    "Indicator",
    "Jurisdiction",
    "Kind",
    "Level",
    "Owners",
    "Plan",
    "Problem",
    "RollUp",
    "Target",
    "load_catalog",
]
