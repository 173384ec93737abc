"""Scoring methods, published and reviewable: pure functions, no I/O (see docs/scoring.md).

1. path       the expected value on the way from the baseline to the target, and the gap
2. statcan    the Statistics Canada / Open SDG progress measure (as sdg-build computes it)
3. unsd       the UN Statistics Division progress chart
4. projection a random walk with drift and an uncertain trend to the due date: its interval
              and probability, from the figures within LOOKBACK_YEARS
5. kinds      ranges, growth rates, counts per year, thresholds held every year, milestones
6. status     one status per target from the above
`assess` runs them all for one target and jurisdiction; `state` keeps what they read of a series
as a small fold of its figures, and judges it the same; `columns` judges many targets' states at
once, as arrays, each to the bit what `state` gives it.
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
from chiso_scoring.methods.projection import LOOKBACK_YEARS
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.statcan import StatCanCategory
from chiso_scoring.methods.unsd import UnsdCategory

__all__ = [
    "DEFAULT_SETTINGS",
    "LOOKBACK_YEARS",
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
