"""Decoding and checking observation messages (pure)."""

import functools
import hashlib
import math
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from google.protobuf.message import DecodeError
from google.protobuf.timestamp_pb2 import Timestamp

from chiso_core.catalog import Catalog
from chiso_core.checks import VIETNAM, Reported, refusal, today_in_vietnam
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
    good (revisions.Current.rank). In UTC, as reported_at is: comparing times of two zones asks
    the zone its offset each time (~0.6 µs a figure)."""
    return datetime.combine(today + timedelta(days=2), time(), VIETNAM).astimezone(UTC)


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


_PACK = struct.Struct("!3d").pack


def content_hash(value: float, numerator: float | None, denominator: float | None) -> bytes:
    """What makes two figures for the same period the same figure."""
    packed = _PACK(
        value,
        math.nan if numerator is None else numerator,
        math.nan if denominator is None else denominator,
    )
    return hashlib.sha256(packed).digest()[:16]


# The range a Timestamp may hold (0001-01-01 to 9999-12-31, datetime's): a moment inside it is
# worked out here, ~1 µs a figure cheaper than the well-known type's helper (ToDatetime).
_FIRST_SECOND = -62_135_596_800
_LAST_SECOND = 253_402_300_799
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moment(stamp: Timestamp) -> datetime:
    """The Timestamp as an aware UTC datetime, as `ToDatetime(tzinfo=UTC)` gives it; out of
    range, the ValueError the helper raises, in its words."""
    seconds, nanos = stamp.seconds, stamp.nanos
    if _FIRST_SECOND <= seconds <= _LAST_SECOND and 0 <= nanos < 1_000_000_000:
        return _EPOCH + timedelta(0, seconds, nanos // 1000)  # microseconds, toward zero
    return stamp.ToDatetime(tzinfo=UTC)


def _storable(field: str, text: str) -> None:
    if len(text) > TEXT_CHARS or "\x00" in text:
        raise Invalid(
            f"{field}: dài quá {TEXT_CHARS} ký tự hoặc có ký tự NUL"
            f" / longer than {TEXT_CHARS} characters or holding a NUL"
        )


def decode(payload: bytes, catalog: Catalog, today: date | None = None) -> ObservationRow:
    """The message as a row, after the checks every figure passes at ingest (a message
    produced straight to the topic gets no pass: refused with the reason ingest would give)."""
    try:
        msg = observation_pb2.Observation.FromString(payload)
    except DecodeError as e:
        raise Invalid(f"payload: không đọc được / not a chiso.v1.Observation: {e}") from e
    # Each field read once: every read from the message builds a new Python object.
    message_id, source, value = msg.meta.message_id, msg.source, msg.value
    if not message_id:
        raise Invalid("meta.message_id: trống / is empty")
    _storable("meta.message_id", message_id)
    _storable("source", source)
    if not math.isfinite(value):
        raise Invalid("value: không phải một số hữu hạn / not a finite number")
    try:
        period = Period.from_proto(msg.period)
    except ValueError as e:
        raise Invalid(f"period: kỳ không hợp lệ / not a period: {e}") from e
    day = today or today_in_vietnam()
    try:
        reported_at = moment(msg.reported_at)
    except ValueError as e:  # out of the timestamp's range: it would fail every delivery
        raise Invalid(f"reported_at: thời điểm không hợp lệ / not a valid time: {e}") from e
    if reported_at >= _reports_until(day):
        raise Invalid(f"reported_at: {reported_at:%Y-%m-%d} ở tương lai / in the future")
    numerator = msg.numerator if msg.HasField("numerator") else None
    denominator = msg.denominator if msg.HasField("denominator") else None
    indicator, jurisdiction = msg.indicator_code, msg.jurisdiction_id
    figure = Reported(indicator, jurisdiction, period, value, numerator, denominator)
    if (refused := refusal(figure, catalog, day)) is not None:
        raise Invalid(refused.reason())
    # by position, in the order of its fields: keywords cost ~0.4 µs more a figure
    return ObservationRow(
        jurisdiction,
        indicator,
        period,
        value,
        numerator,
        denominator,
        source,
        message_id,
        reported_at,
        content_hash(value, numerator, denominator),
    )
