"""When an acknowledgement quiets an alert (pure). Someone who acknowledged an alert has seen
it: it is not told again while it fires in the same episode at a severity no worse than the
one acknowledged. It is told again when it worsens (its severity rises) and when it resolves;
a new episode (it fires again after resolving) needs a new acknowledgement."""

from collections.abc import Iterable, Sequence
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


def waiting_since(
    fired_at: datetime,
    starts_at: datetime,
    acks: Iterable[Acknowledged],
    told: Sequence[tuple[str | None, datetime]],
) -> datetime | None:
    """Since when a firing alert has waited for someone to acknowledge it: since it fired, or,
    when it was acknowledged and has worsened since, since a subscriber was first told of the
    worse severity (`told`: the severity and time of each firing notification about it) — the
    one who acknowledged gets the same time to react to the worse news as to the first. None:
    nobody has been told of the worse severity yet."""
    seen = [rank(a.severity) for a in acks if a.starts_at == starts_at]
    if not seen:
        return fired_at
    return min(
        (at for severity, at in told if rank(severity) > max(seen) and at >= starts_at),
        default=None,
    )
