import datetime

from chiso_core.contracts.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Observation(_message.Message):
    __slots__ = ("meta", "indicator_code", "jurisdiction_id", "province_code", "period", "value", "numerator", "denominator", "source", "reported_at")
    META_FIELD_NUMBER: _ClassVar[int]
    INDICATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    NUMERATOR_FIELD_NUMBER: _ClassVar[int]
    DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    meta: _common_pb2.Meta
    indicator_code: str
    jurisdiction_id: str
    province_code: str
    period: _common_pb2.Period
    value: float
    numerator: float
    denominator: float
    source: str
    reported_at: _timestamp_pb2.Timestamp
    def __init__(self, meta: _Optional[_Union[_common_pb2.Meta, _Mapping]] = ..., indicator_code: _Optional[str] = ..., jurisdiction_id: _Optional[str] = ..., province_code: _Optional[str] = ..., period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., value: _Optional[float] = ..., numerator: _Optional[float] = ..., denominator: _Optional[float] = ..., source: _Optional[str] = ..., reported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Rejected(_message.Message):
    __slots__ = ("meta", "origin", "key", "payload", "reason")
    META_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    meta: _common_pb2.Meta
    origin: str
    key: bytes
    payload: bytes
    reason: str
    def __init__(self, meta: _Optional[_Union[_common_pb2.Meta, _Mapping]] = ..., origin: _Optional[str] = ..., key: _Optional[bytes] = ..., payload: _Optional[bytes] = ..., reason: _Optional[str] = ...) -> None: ...
