"""Scoring methods, published and reviewable: pure functions, no I/O (see docs/scoring.md).

1. path       the expected value on the way from the baseline to the target, and the gap
2. statcan    the Statistics Canada / Open SDG progress measure (as sdg-build computes it)
3. unsd       the UN Statistics Division progress chart
4. projection a time-weighted regression to the due date, its interval and probability
5. kinds      ranges, growth rates, counts per year, thresholds held every year, milestones
6. status     one status per target from the above
`assess` runs them all for one target and jurisdiction.
"""

from chiso_scoring.methods.assess import (
    DEFAULT_SETTINGS,
    METHOD,
    METHOD_VERSION,
    Assessment,
    Settings,
    assess,
)
from chiso_scoring.methods.kinds import TargetKind
from chiso_scoring.methods.path import PathShape
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.statcan import StatCanCategory
from chiso_scoring.methods.unsd import UnsdCategory

LOOKBACK_YEARS: float | None = None  # the trend figures read this far back; None = all

__all__ = [
    "DEFAULT_SETTINGS",
    "METHOD",
    "METHOD_VERSION",
    "Assessment",
    "PathShape",
    "Point",
    "Settings",
    "StatCanCategory",
    "TargetKind",
    "UnsdCategory",
    "assess",
]
