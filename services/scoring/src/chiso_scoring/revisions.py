"""Which figures of a batch are new revisions (pure): replays and unchanged re-sends are not."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chiso_scoring.intake import ObservationRow, PointKey


@dataclass(frozen=True)
class Current:
    """The latest stored revision of one point: what tells a new figure from a re-sent one,
    and a derived figure from a reported one."""

    revision: int
    content_hash: bytes
    derived: bool = False


def assign_revisions(
    rows: Sequence[ObservationRow],
    known_message_ids: set[str],
    latest: Mapping[PointKey, Current],
) -> tuple[list[tuple[ObservationRow, int]], dict[PointKey, Current]]:
    """Rows in offset order → the rows to store with their revision numbers, and the latest
    revision of every point the batch touched (stored before, or stored now).

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
        revision = before.revision + 1 if before else 1
        current[row.key] = Current(revision, row.content_hash, row.derived)
        new.append((row, revision))
    return new, {row.key: current[row.key] for row in rows if row.key in current}
