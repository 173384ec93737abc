"""Reporting periods (month, quarter, year): parsing, labels and their place on a time axis."""

import functools
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chiso_core.contracts.v1 import common_pb2


class Grain(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}
_TO_PROTO = {
    Grain.MONTH: common_pb2.GRAIN_MONTH,
    Grain.QUARTER: common_pb2.GRAIN_QUARTER,
    Grain.YEAR: common_pb2.GRAIN_YEAR,
}
_FROM_PROTO = {v: k for k, v in _TO_PROTO.items()}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")
PERIOD_FORMAT = "YYYY (year), YYYY-Qn (quarter) or YYYY-MM (month)"


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int
    grain: Grain

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2100:
            raise ValueError(f"year {self.year} is outside 1900..2100")
        if not 1 <= self.month <= 12 or (self.month - 1) % _MONTHS[self.grain]:
            raise ValueError(f"month {self.month} does not start a {self.grain}")

    @classmethod
    def parse(cls, text: str) -> "Period":
        m = _PATTERN.match(text.strip())
        if m is None:
            raise ValueError(f"period {text!r} is not {PERIOD_FORMAT}")
        year = int(m["year"])
        if m["month"]:
            return cls(year, int(m["month"]), Grain.MONTH)
        if m["quarter"]:
            return cls(year, 3 * int(m["quarter"]) - 2, Grain.QUARTER)
        return cls(year, 1, Grain.YEAR)

    @classmethod
    def of(cls, grain: str, start: date) -> "Period":
        """The period of a stored row (grain, first day)."""
        return _period_of(grain, start)

    @classmethod
    def month_of(cls, day: date, back: int = 0) -> "Period":
        """The month `day` falls in, or the one `back` months before it."""
        months = day.year * 12 + day.month - 1 - back
        return cls(months // 12, months % 12 + 1, Grain.MONTH)

    @classmethod
    def from_proto(cls, p: common_pb2.Period) -> "Period":
        if p.grain not in _FROM_PROTO:
            raise ValueError("period grain is unspecified")
        return _shared(p.year, p.month, _FROM_PROTO[p.grain])

    def to_proto(self) -> common_pb2.Period:
        return common_pb2.Period(grain=_TO_PROTO[self.grain], year=self.year, month=self.month)

    @functools.cached_property
    def proto(self) -> common_pb2.Period:
        """Kept for messages built by the thousand, which copy it (CopyFrom): never change it."""
        return self.to_proto()

    @functools.cached_property
    def start(self) -> date:
        # Kept: parsed periods are shared (cached) and their start is asked for per figure.
        return date(self.year, self.month, 1)

    @functools.cached_property
    def end_month(self) -> int:
        """The period's end as a month count, for exact comparisons: 2025-06 ends at
        2025 · 12 + 6, the year 2024 at 2024 · 12 + 12 (kept, as `start` is: scoring asks it
        several times a figure)."""
        return self.year * 12 + self.month - 1 + _MONTHS[self.grain]

    @functools.cached_property
    def end(self) -> date:
        """The first day after the period (kept, as `start` is)."""
        return date(self.end_month // 12, self.end_month % 12 + 1, 1)

    @property
    def end_year_fraction(self) -> float:
        """The period's end on a year axis: 2025-06 ends at 2025.5, the year 2024 at 2025.0."""
        return self.year + (self.month - 1 + _MONTHS[self.grain]) / 12

    def __str__(self) -> str:
        if self.grain is Grain.MONTH:
            return f"{self.year}-{self.month:02d}"
        if self.grain is Grain.QUARTER:
            return f"{self.year}-Q{(self.month + 2) // 3}"
        return str(self.year)


@functools.lru_cache(maxsize=65536)
def _shared(year: int, month: int, grain: Grain) -> Period:
    # Figures come by the thousand and their periods repeat: one object per period, so that its
    # start, end and message are worked out once and series' states keep no copies of it.
    return Period(year, month, grain)


@functools.lru_cache(maxsize=65536)
def _period_of(grain: str, start: date) -> Period:
    # Rows are read by the thousand: the stored form's key, to the one shared object.
    return _shared(start.year, start.month, Grain(grain))


def year_end(year: int) -> float:
    """A figure 'for year Y' (a baseline, a due year) stands at the end of Y on the year axis."""
    return float(year + 1)
