"""Decoding and checking observation messages (pure)."""

import functools
import hashlib
import math
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from google.protobuf.message import DecodeError

from chiso_core.catalog import Catalog
from chiso_core.checks import VIETNAM, Rejected, Reported, check, today_in_vietnam
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.periods import Period

SeriesKey = tuple[str, str]  # jurisdiction, indicator
PointKey = tuple[str, str, Period]  # jurisdiction, indicator, period


# The longest id or source a message may carry (ingest's are a UUID and an agency's or a feed's
# id): both are stored, and the database takes no NUL in text and indexes an id only up to a
# few kB — either would fail the batch at every delivery.
TEXT_CHARS = 200


@functools.lru_cache(maxsize=4)
def _reports_until(today: date) -> datetime:
    """The first moment no report can be from: the day after tomorrow in Vietnam. A clock a day
    ahead is tolerated; a time far ahead would outrank every later revision of its point for
    good (revisions.Current.rank)."""
    return datetime.combine(today + timedelta(days=2), time(), VIETNAM)


class Invalid(ValueError):
    """A message that can never be processed: it goes to the rejected topic."""


# not frozen, never assigned once built: one per consumed figure, dropped with its batch (see
# methods.assess.Assessment: a frozen dataclass's __init__ is several times dearer)
@dataclass(slots=True, unsafe_hash=True)
class ObservationRow:
    jurisdiction: str
    indicator: str
    period: Period
    value: float
    numerator: float | None
    denominator: float | None
    source: str
    message_id: str
    reported_at: datetime
    content_hash: bytes
    derived: bool = False

    @property
    def key(self) -> PointKey:
        return self.jurisdiction, self.indicator, self.period

    @property
    def series(self) -> SeriesKey:
        return self.jurisdiction, self.indicator


def content_hash(value: float, numerator: float | None, denominator: float | None) -> bytes:
    """What makes two figures for the same period the same figure."""
    parts = (
        value,
        math.nan if numerator is None else numerator,
        math.nan if denominator is None else denominator,
    )
    return hashlib.sha256(struct.pack("!3d", *parts)).digest()[:16]


def decode(payload: bytes, catalog: Catalog, today: date | None = None) -> ObservationRow:
    """The message as a row, after the checks every figure passes at ingest (a message
    produced straight to the topic gets no pass: refused with the reason ingest would give)."""
    try:
        msg = observation_pb2.Observation.FromString(payload)
    except DecodeError as e:
        raise Invalid(f"payload: không đọc được / not a chiso.v1.Observation: {e}") from e
    if not msg.meta.message_id:
        raise Invalid("meta.message_id: trống / is empty")
    for field, text in (("meta.message_id", msg.meta.message_id), ("source", msg.source)):
        if len(text) > TEXT_CHARS or "\x00" in text:
            raise Invalid(
                f"{field}: dài quá {TEXT_CHARS} ký tự hoặc có ký tự NUL"
                f" / longer than {TEXT_CHARS} characters or holding a NUL"
            )
    if not math.isfinite(msg.value):
        raise Invalid("value: không phải một số hữu hạn / not a finite number")
    try:
        period = Period.from_proto(msg.period)
    except ValueError as e:
        raise Invalid(f"period: kỳ không hợp lệ / not a period: {e}") from e
    day = today or today_in_vietnam()
    try:
        reported_at = msg.reported_at.ToDatetime(tzinfo=UTC)
    except ValueError as e:  # out of the timestamp's range: it would fail every delivery
        raise Invalid(f"reported_at: thời điểm không hợp lệ / not a valid time: {e}") from e
    if reported_at >= _reports_until(day):
        raise Invalid(f"reported_at: {reported_at:%Y-%m-%d} ở tương lai / in the future")
    numerator = msg.numerator if msg.HasField("numerator") else None
    denominator = msg.denominator if msg.HasField("denominator") else None
    figure = Reported(
        msg.indicator_code, msg.jurisdiction_id, period, msg.value, numerator, denominator
    )
    if isinstance(verdict := check(figure, catalog, day), Rejected):
        raise Invalid(verdict.reason())
    return ObservationRow(
        jurisdiction=msg.jurisdiction_id,
        indicator=msg.indicator_code,
        period=period,
        value=msg.value,
        numerator=numerator,
        denominator=denominator,
        source=msg.source,
        message_id=msg.meta.message_id,
        reported_at=reported_at,
        content_hash=content_hash(msg.value, numerator, denominator),
    )
