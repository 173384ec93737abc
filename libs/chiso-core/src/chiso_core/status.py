"""The status vocabulary scoring assigns and alerts reacts to, and its wire form."""

from enum import StrEnum
from typing import cast

from chiso_core.contracts.v1 import score_pb2


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    NEEDS_ACCELERATION = "needs_acceleration"
    OFF_TRACK = "off_track"
    DETERIORATING = "deteriorating"
    INSUFFICIENT_DATA = "insufficient_data"
    STALE = "stale"

    def to_proto(self) -> score_pb2.Status:
        return _WIRE[self]  # every score message asks it: looked up, not worked out

    @classmethod
    def from_proto(cls, value: score_pb2.Status) -> "Status":
        name = score_pb2.Status.Name(value).removeprefix("STATUS_")
        if name not in cls.__members__:
            raise ValueError(f"status {name} is not a known status")
        return cls[name]


_WIRE = {s: cast(score_pb2.Status, score_pb2.Status.Value(f"STATUS_{s.name}")) for s in Status}
