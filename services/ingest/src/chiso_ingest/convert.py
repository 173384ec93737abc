"""A checked figure → its keyed protobuf message. The one place the two meet."""

from google.protobuf.timestamp_pb2 import Timestamp

from chiso_core.checks import Checked
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.messaging import new_meta, now
from chiso_core.topics import message_key


def to_message(
    checked: Checked, source: str, at: Timestamp | None = None, message_id: str | None = None
) -> tuple[bytes, observation_pb2.Observation]:
    """The keyed message of a figure that passed every check, reported and produced `at`
    (now, unless given: the items of one request share it)."""
    province_code = checked.province_code
    at = at or now()
    message = observation_pb2.Observation(
        meta=new_meta("ingest", at, message_id),
        indicator_code=checked.indicator.code,
        jurisdiction_id=checked.jurisdiction.id,
        province_code=province_code,
        period=checked.period.to_proto(),
        value=checked.value,
        source=source,
        reported_at=at,
    )
    if checked.numerator is not None and checked.denominator is not None:
        message.numerator = checked.numerator
        message.denominator = checked.denominator
    return message_key(province_code, checked.indicator.code), message
