r"""Silences as in Prometheus Alertmanager (pure): matchers on an alert's labels, muting its
notifications between starts_at and ends_at.

Regex matchers have RE2's semantics, as Alertmanager's (Go's regexp): matching takes time
linear in the value, whatever the pattern. Python's backtracking `re` took 6 s per alert on
`(\w|\w){1,24}Z` and minutes on `(\w|\w)+Z`, on the event loop every API reader and the
dispatcher share."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Literal
from uuid import UUID

import re2

from chiso_core.words import refusals

SilenceState = Literal["pending", "active", "expired"]
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
MAX_PATTERN = 1000  # characters of a regex matcher; the program it compiles to is bounded too


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # a bad pattern is the caller's 422, not a line in our log
    options.max_mem = 1 << 20
    return options


_RE2 = _options()


@dataclass(frozen=True)
class Matcher:
    """One of Alertmanager's four kinds: = (equal), != , =~ (regex), !~. A regex must match
    the whole value, as in Alertmanager (it is anchored); a missing label is the empty value."""

    name: str
    value: str
    is_regex: bool = False
    is_equal: bool = True

    @cached_property
    def _pattern(self) -> re2._Regexp:
        return re2.compile(self.value, options=_RE2)

    def check(self) -> None:
        """Raise ValueError naming what is wrong with the matcher."""
        if not LABEL_NAME.match(self.name):
            raise ValueError(refusals.not_a_label_name(self.name))
        if self.is_regex:
            if len(self.value) > MAX_PATTERN:
                raise ValueError(refusals.pattern_too_long(MAX_PATTERN))
            try:
                _ = self._pattern
            except re2.error as e:
                detail = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else e
                raise ValueError(refusals.not_a_pattern(self.value, str(detail))) from None

    def matches(self, labels: Mapping[str, str]) -> bool:
        value = labels.get(self.name, "")
        hit = self._pattern.fullmatch(value) is not None if self.is_regex else value == self.value
        return hit == self.is_equal

    def to_json(self) -> dict[str, Any]:
        """As the `silences.matchers` column (and Alertmanager's API) spell it."""
        return {
            "name": self.name,
            "value": self.value,
            "isRegex": self.is_regex,
            "isEqual": self.is_equal,
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Matcher":
        return cls(obj["name"], obj["value"], obj["isRegex"], obj["isEqual"])


@dataclass(frozen=True)
class Silence:
    id: UUID
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str
    owner: str  # the agency whose key made it

    def state(self, now: datetime) -> SilenceState:
        """Alertmanager's words: pending (not started yet), active, expired."""
        if now < self.starts_at:
            return "pending"
        return "active" if now < self.ends_at else "expired"

    def mutes(self, labels: Mapping[str, str], now: datetime) -> bool:
        return self.state(now) == "active" and all(m.matches(labels) for m in self.matchers)


def silenced_by(
    labels: Mapping[str, str], silences: Iterable[Silence], now: datetime
) -> list[UUID]:
    """The ids of the active silences that mute an alert with these labels, in order given."""
    return [s.id for s in silences if s.mutes(labels, now)]


def equal_values(matchers: Iterable[Matcher], name: str) -> list[str]:
    """The values an equality matcher pins the label `name` to (at most one can hold)."""
    return [m.value for m in matchers if m.name == name and m.is_equal and not m.is_regex]
