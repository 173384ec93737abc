"""Scoring's intake trusts no wire (chiso_scoring.intake): whatever a message produced straight
to the topic holds, decoding gives a row or refuses it (`Invalid`, naming the field), never
another error — another error fails the whole batch, which is delivered again and again and
stalls its partition."""

import hashlib
import math
import struct
from datetime import UTC, date, datetime, time, timedelta

from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.checks import VIETNAM, Rejected, Reported, check
from chiso_core.contracts.v1 import common_pb2, observation_pb2
from chiso_core.periods import Period
from chiso_scoring import intake

TODAY = date(2026, 12, 4)
INT32 = st.integers(-(2**31), 2**31 - 1)
INT64 = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
# what a refusal names first: the wire's own fields, then the checks' (chiso_core.checks; a
# message carries no unit)
WIRE = {"payload", "meta.message_id", "source", "value", "period", "reported_at"}
FIELDS = WIRE | {"indicator", "jurisdiction", "numerator", "denominator"}
TEXTS = (
    st.sampled_from(["a\x00b", "\x00"]) | st.text(max_size=40) | st.text(min_size=190, max_size=400)
)


def a_readable_message() -> observation_pb2.Observation:
    """A figure every check takes."""
    m = observation_pb2.Observation(
        indicator_code="online_public_service_usage",
        jurisdiction_id="tam_duong",
        province_code="12",
        period=Period.parse("2025-01").to_proto(),
        value=40.0,
        source="api:test",
    )
    m.meta.message_id = "m1"
    m.reported_at.seconds = 1_700_000_000
    return m


# each part of a message, drawn as anything its type holds: (where it is, its strategy)
ANYTHING = {
    "message_id": ("meta", TEXTS),
    **dict.fromkeys(("indicator_code", "jurisdiction_id", "province_code"), ("", TEXTS)),
    "source": ("", TEXTS),
    **dict.fromkeys(("value", "numerator", "denominator"), ("", FLOATS)),
    **dict.fromkeys(("grain", "year", "month"), ("period", INT32)),
    "seconds": ("reported_at", INT64),
    "nanos": ("reported_at", INT32),
}


def read(payload: bytes, catalog: Catalog) -> intake.ObservationRow | str:
    """The row, or the reason it is refused."""
    try:
        return intake.decode(payload, catalog, TODAY)
    except intake.Invalid as e:
        return str(e)


@settings(max_examples=400, deadline=None)
@given(
    spoiled=st.dictionaries(st.sampled_from(sorted(ANYTHING)), st.just(None), max_size=2),
    data=st.data(),
)
def test_any_message_gives_a_row_or_is_refused_naming_its_field(
    catalog: Catalog, spoiled: dict[str, None], data: st.DataObject
) -> None:
    """Up to two parts of a readable message drawn as anything, so that both ways are taken
    often: a row whose text the database stores (no NUL, an id short enough to index), or a
    refusal naming a field — never another error."""
    message = a_readable_message()
    for name in spoiled:
        where, strategy = ANYTHING[name]
        setattr(getattr(message, where) if where else message, name, data.draw(strategy, name))
    row = read(message.SerializeToString(), catalog)
    if isinstance(row, str):
        assert row.split(":", 1)[0] in FIELDS, row
        return
    assert row.message_id == message.meta.message_id
    assert row.value == message.value
    for text in (row.message_id, row.source):
        assert "\x00" not in text
        assert len(text) <= intake.TEXT_CHARS


@settings(deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_row_or_are_refused(catalog: Catalog, payload: bytes) -> None:
    row = read(payload, catalog)
    assert not isinstance(row, str) or row.split(":", 1)[0] in FIELDS, row


# A Timestamp's range (0001-01-01 .. 9999-12-31) and its neighbours, and the nanos' range.
SECONDS = st.sampled_from([-62_135_596_801, -62_135_596_800, -1, 0, 253_402_300_799]) | INT64
NANOS = st.sampled_from([-1, 0, 999, 1_000, 999_999_999, 1_000_000_000]) | INT32


def moment_by_the_helper(stamp: Timestamp) -> datetime | str:
    try:
        return stamp.ToDatetime(tzinfo=UTC)
    except ValueError as e:
        return str(e)


@given(seconds=SECONDS | st.integers(-62_135_596_800, 253_402_300_799), nanos=NANOS)
def test_a_moment_is_the_well_known_types_datetime(seconds: int, nanos: int) -> None:
    """The same aware UTC datetime as Timestamp.ToDatetime, or its ValueError in its words."""
    stamp = Timestamp(seconds=seconds, nanos=nanos)
    try:
        mine: datetime | str = intake.moment(stamp)
    except ValueError as e:
        mine = str(e)
    theirs = moment_by_the_helper(stamp)
    assert mine == theirs
    assert not isinstance(mine, datetime) or mine.tzinfo is UTC


def decoded_by_the_helpers(payload: bytes, catalog: Catalog, today: date) -> intake.ObservationRow:
    """What decode gave before it was made cheaper, by the slow helpers (ToDatetime, the full
    `check`, a bound in Vietnam's zone, every field read each time it is needed)."""
    msg = observation_pb2.Observation.FromString(payload)
    if not msg.meta.message_id:
        raise intake.Invalid("meta.message_id: trống / is empty")
    for field, text in (("meta.message_id", msg.meta.message_id), ("source", msg.source)):
        if len(text) > intake.TEXT_CHARS or "\x00" in text:
            raise intake.Invalid(
                f"{field}: dài quá {intake.TEXT_CHARS} ký tự hoặc có ký tự NUL"
                f" / longer than {intake.TEXT_CHARS} characters or holding a NUL"
            )
    if not math.isfinite(msg.value):
        raise intake.Invalid("value: không phải một số hữu hạn / not a finite number")
    try:
        period = Period.from_proto(msg.period)
    except ValueError as e:
        raise intake.Invalid(f"period: kỳ không hợp lệ / not a period: {e}") from e
    try:
        reported_at = msg.reported_at.ToDatetime(tzinfo=UTC)
    except ValueError as e:
        raise intake.Invalid(f"reported_at: thời điểm không hợp lệ / not a valid time: {e}") from e
    if reported_at >= datetime.combine(today + timedelta(days=2), time(), VIETNAM):
        raise intake.Invalid(f"reported_at: {reported_at:%Y-%m-%d} ở tương lai / in the future")
    numerator = msg.numerator if msg.HasField("numerator") else None
    denominator = msg.denominator if msg.HasField("denominator") else None
    figure = Reported(
        msg.indicator_code, msg.jurisdiction_id, period, msg.value, numerator, denominator
    )
    if isinstance(verdict := check(figure, catalog, today), Rejected):
        raise intake.Invalid(verdict.reason())
    parts = (
        msg.value,
        math.nan if numerator is None else numerator,
        math.nan if denominator is None else denominator,
    )
    return intake.ObservationRow(
        jurisdiction=msg.jurisdiction_id,
        indicator=msg.indicator_code,
        period=period,
        value=msg.value,
        numerator=numerator,
        denominator=denominator,
        source=msg.source,
        message_id=msg.meta.message_id,
        reported_at=reported_at,
        content_hash=hashlib.sha256(struct.pack("!3d", *parts)).digest()[:16],
    )


# mostly periods that have ended (a row is possible), some not, and a tenth anything the wire holds
ANY_PERIOD = st.tuples(st.sampled_from(list(common_pb2.Grain.values())), INT32, st.integers(0, 13))
PERIODS = st.integers(0, 9).flatmap(
    lambda k: (
        ANY_PERIOD
        if k == 0
        else st.sampled_from(
            ["2024", "2025-Q2", "2025-Q4", "2025-06", "2018-01", "2026-12", "2027"]
        )
        .map(Period.parse)
        .map(lambda p: (p.proto.grain, p.year, p.month))
    )
)
PARTS = st.none() | st.sampled_from([0.0, 1.0, 1e18, 2e18, math.nan]) | st.floats()


@st.composite
def numbers(draw: st.DrawFn) -> tuple[float, float | None, float | None]:
    """A value with or without its parts: parts it matches, or any."""
    if draw(st.booleans()):
        denominator = draw(st.sampled_from([1.0, 1000.0, 1e18]))
        numerator = draw(st.floats(0.0, 1.0)) * denominator
        return numerator / denominator * 100, numerator, denominator
    value = draw(st.sampled_from([0.0, 40.0, 100.0, -1.0]) | st.floats(allow_nan=False))
    return value, draw(PARTS), draw(PARTS)


@settings(max_examples=500, deadline=None)
@given(
    indicator=st.sampled_from(["online_public_service_usage"] * 4 + ["pii_rank", "nope"]),
    jurisdiction=st.sampled_from(["tam_duong", "khanh_hoa"] * 3 + ["56", "dong_thap_2025", "99"]),
    period=PERIODS,
    figures=numbers(),
    # mostly the past (a row is possible), up to 2027 (in the future), and the range's edges
    seconds=st.integers(0, 9).flatmap(
        lambda k: SECONDS if k == 0 else st.integers(1_500_000_000, 1_800_000_000)
    ),
    nanos=NANOS | st.integers(0, 999_999_999),
)
def test_decode_gives_what_the_helpers_give(
    catalog: Catalog,
    indicator: str,
    jurisdiction: str,
    period: tuple[int, int, int],
    figures: tuple[float, float | None, float | None],
    seconds: int,
    nanos: int,
) -> None:
    """The same row, or the same refusal word for word, as decoding by the slow helpers:
    every grain, periods at and beyond their range, timestamps at their range's edges and
    beyond, numerator and denominator present or absent."""
    message = a_readable_message()
    message.indicator_code, message.jurisdiction_id = indicator, jurisdiction
    message.period.grain, message.period.year, message.period.month = period  # type: ignore[assignment]
    message.value, numerator, denominator = figures
    message.reported_at.seconds, message.reported_at.nanos = seconds, nanos
    for name, part in (("numerator", numerator), ("denominator", denominator)):
        if part is not None:
            setattr(message, name, part)
    payload = message.SerializeToString()
    try:
        theirs: intake.ObservationRow | str = decoded_by_the_helpers(payload, catalog, TODAY)
    except intake.Invalid as e:
        theirs = str(e)
    assert read(payload, catalog) == theirs
