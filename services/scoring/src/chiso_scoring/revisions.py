"""Which figures of a batch are new revisions (pure): replays and unchanged re-sends are not."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from chiso_scoring.intake import ObservationRow, PointKey

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# not frozen, never assigned once built: one or more a figure (see methods.assess.Assessment)
@dataclass(slots=True, unsafe_hash=True)
class Current:
    """The latest stored revision of one point, in the figures' own order (chiso_core.db.
    LATEST_FIRST): what tells a new figure from a re-sent one, and a derived figure from a
    reported one."""

    revision: int
    content_hash: bytes
    derived: bool = False
    reported_at: datetime = _EPOCH
    message_id: str = ""
    # the highest revision number stored for the point, where a figure reported earlier
    # arrived after this one (0: this one's)
    last_revision: int = 0

    @property
    def rank(self) -> tuple[bool, datetime, str]:
        """Greater is later: LATEST_FIRST's order (Python compares text by code point, as
        COLLATE "C")."""
        return not self.derived, self.reported_at, self.message_id

    def next_revision(self) -> int:
        return max(self.revision, self.last_revision) + 1


def assign_revisions(
    rows: Sequence[ObservationRow],
    known_message_ids: set[str],
    latest: Mapping[PointKey, Current],
) -> tuple[list[tuple[ObservationRow, int]], dict[PointKey, Current]]:
    """Rows in offset order → the rows to store with their revision numbers (in arrival
    order), and the latest revision of every point the batch touched (stored before, or stored
    now). The latest is decided by the figures' own order, not by arrival: a figure reported
    before the current one is kept as a revision but does not replace it.

    `known_message_ids` are the messages already processed, stored or not: a replayed message
    is skipped whole, so it is never compared again with a state that moved on since.
    """
    current = dict(latest)
    new: list[tuple[ObservationRow, int]] = []
    seen = set(known_message_ids)
    for row in rows:
        if row.message_id in seen:
            continue
        seen.add(row.message_id)
        before = current.get(row.key)
        if before is not None and before.content_hash == row.content_hash:
            continue
        revision = before.next_revision() if before else 1
        mine = Current(revision, row.content_hash, row.derived, row.reported_at, row.message_id)
        if before is None or mine.rank > before.rank:
            current[row.key] = mine
        else:
            current[row.key] = replace(before, last_revision=revision)
        new.append((row, revision))
    return new, {row.key: current[row.key] for row in rows if row.key in current}
