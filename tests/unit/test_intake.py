"""Scoring's intake trusts no wire (chiso_scoring.intake): whatever a message produced straight
to the topic holds, decoding gives a row or refuses it (`Invalid`, naming the field), never
another error — another error fails the whole batch, which is delivered again and again and
stalls its partition."""

from datetime import date
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.contracts.v1 import common_pb2, observation_pb2
from chiso_scoring import intake

INT32 = st.integers(-(2**31), 2**31 - 1)
INT64 = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
# what a refusal names first: the wire's own fields, then the checks' (chiso_core.checks)
FIELDS = {"payload", "meta.message_id", "source", "value", "period", "reported_at"} | {
    "indicator",
    "jurisdiction",
    "numerator",
    "denominator",
    "unit",
}
TEXT = st.text(max_size=40) | st.text(min_size=190, max_size=400)


@st.composite
def observations(draw: st.DrawFn, catalog: Catalog) -> observation_pb2.Observation:
    """Any content: every field anything its type holds, or a value the catalog knows."""
    codes = sorted(catalog.indicators)
    units = sorted(catalog.jurisdictions)
    m = observation_pb2.Observation(
        indicator_code=draw(st.sampled_from(codes) | TEXT),
        jurisdiction_id=draw(st.sampled_from(units) | TEXT),
        province_code=draw(TEXT),
        value=draw(FLOATS),
        source=draw(TEXT),
    )
    m.meta.message_id = draw(TEXT)
    # an open enum: any int32 comes through, a known grain or not
    m.period.grain = cast(
        common_pb2.Grain, draw(st.sampled_from(common_pb2.Grain.values()) | INT32)
    )
    m.period.year = draw(st.integers(2015, 2026) | INT32)
    m.period.month = draw(st.integers(1, 12) | INT32)
    for part in ("numerator", "denominator"):
        if draw(st.booleans()):
            setattr(m, part, draw(FLOATS))
    m.reported_at.seconds = draw(st.integers(0, 2_000_000_000) | INT64)
    m.reported_at.nanos = draw(st.integers(0, 999_999_999) | INT32)
    return m


def read(payload: bytes, catalog: Catalog) -> intake.ObservationRow | str:
    """The row, or the reason it is refused."""
    try:
        return intake.decode(payload, catalog, date(2026, 12, 4))
    except intake.Invalid as e:
        return str(e)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_any_message_gives_a_row_or_is_refused_naming_its_field(
    catalog: Catalog, data: st.DataObject
) -> None:
    message = data.draw(observations(catalog))
    row = read(message.SerializeToString(), catalog)
    if isinstance(row, str):
        assert row.split(":", 1)[0] in FIELDS, row
    else:
        assert row.message_id == message.meta.message_id
        assert row.value == message.value
        # what the database stores as text: no NUL, and an id short enough to index
        for text in (row.message_id, row.source):
            assert "\x00" not in text
            assert len(text) <= intake.TEXT_CHARS


@settings(deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_row_or_are_refused(catalog: Catalog, payload: bytes) -> None:
    row = read(payload, catalog)
    assert not isinstance(row, str) or row.split(":", 1)[0] in FIELDS, row
