import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Grain(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRAIN_UNSPECIFIED: _ClassVar[Grain]
    GRAIN_MONTH: _ClassVar[Grain]
    GRAIN_QUARTER: _ClassVar[Grain]
    GRAIN_YEAR: _ClassVar[Grain]
GRAIN_UNSPECIFIED: Grain
GRAIN_MONTH: Grain
GRAIN_QUARTER: Grain
GRAIN_YEAR: Grain

class Meta(_message.Message):
    __slots__ = ("message_id", "produced_at", "producer")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCED_AT_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    produced_at: _timestamp_pb2.Timestamp
    producer: str
    def __init__(self, message_id: _Optional[str] = ..., produced_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., producer: _Optional[str] = ...) -> None: ...

class Period(_message.Message):
    __slots__ = ("grain", "year", "month")
    GRAIN_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    grain: Grain
    year: int
    month: int
    def __init__(self, grain: _Optional[_Union[Grain, str]] = ..., year: _Optional[int] = ..., month: _Optional[int] = ...) -> None: ...
