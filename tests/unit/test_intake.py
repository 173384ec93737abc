"""Scoring's intake trusts no wire (chiso_scoring.intake): whatever a message produced straight
to the topic holds, decoding gives a row or refuses it (`Invalid`, naming the field), never
another error — another error fails the whole batch, which is delivered again and again and
stalls its partition."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.periods import Period
from chiso_scoring import intake

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
        return intake.decode(payload, catalog, date(2026, 12, 4))
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
