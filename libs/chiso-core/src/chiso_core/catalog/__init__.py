"""The catalog: indicators, jurisdictions and plans, read from reviewable YAML files."""

from chiso_core.catalog.loader import CatalogError, Problem, load_catalog
from chiso_core.catalog.models import (
    Baseline,
    Catalog,
    Comparator,
    Direction,
    Indicator,
    Jurisdiction,
    Kind,
    Level,
    Plan,
    RollUp,
    Target,
)

__all__ = [
    "Baseline",
    "Catalog",
    "CatalogError",
    "Comparator",
    "Direction",
    "Indicator",
    "Jurisdiction",
    "Kind",
    "Level",
    "Plan",
    "Problem",
    "RollUp",
    "Target",
    "load_catalog",
]
