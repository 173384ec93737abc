"""When an acknowledgement quiets an alert (pure). Someone who acknowledged an alert has seen
it: it is not told again while it fires in the same episode at a severity no worse than the
one acknowledged. It is told again when it worsens (its severity rises) and when it resolves;
a new episode (it fires again after resolving) needs a new acknowledgement."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chiso_alerts.rules.model import Severity

RANK: dict[str, int] = {str(s): i for i, s in enumerate(Severity)}  # info < warning < critical


@dataclass(frozen=True)
class Acknowledged:
    """One acknowledgement of an alert: of the episode that started at `starts_at`, seen at
    `severity`."""

    starts_at: datetime
    severity: str


def rank(severity: str | None) -> int:
    """A severity's order; an unknown or missing one counts as the worst, so that no
    acknowledgement ever quiets what it cannot be compared with."""
    return len(RANK) if severity is None else RANK.get(severity, len(RANK))


def quiets(
    acks: Iterable[Acknowledged], status: str, starts_at: datetime, severity: str | None
) -> bool:
    """Does one of an alert's acknowledgements quiet it now (firing in episode `starts_at`
    at `severity`)?"""
    return status == "firing" and any(
        a.starts_at == starts_at and rank(severity) <= rank(a.severity) for a in acks
    )
