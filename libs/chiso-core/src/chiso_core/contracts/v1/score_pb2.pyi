from chiso_core.contracts.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_UNSPECIFIED: _ClassVar[Status]
    STATUS_ACHIEVED: _ClassVar[Status]
    STATUS_ON_TRACK: _ClassVar[Status]
    STATUS_NEEDS_ACCELERATION: _ClassVar[Status]
    STATUS_OFF_TRACK: _ClassVar[Status]
    STATUS_DETERIORATING: _ClassVar[Status]
    STATUS_INSUFFICIENT_DATA: _ClassVar[Status]
    STATUS_STALE: _ClassVar[Status]
STATUS_UNSPECIFIED: Status
STATUS_ACHIEVED: Status
STATUS_ON_TRACK: Status
STATUS_NEEDS_ACCELERATION: Status
STATUS_OFF_TRACK: Status
STATUS_DETERIORATING: Status
STATUS_INSUFFICIENT_DATA: Status
STATUS_STALE: Status

class Score(_message.Message):
    __slots__ = ("meta", "plan_id", "plan_revision", "target_id", "indicator_code", "jurisdiction_id", "province_code", "period", "actual", "expected", "target_value", "due_year", "gap", "progress", "status", "method", "method_version", "observation_revision", "derived", "statcan_ratio", "statcan_category", "statcan_score", "unsd_ratio", "unsd_category", "projected", "projected_low", "projected_high", "probability", "needed_annual_change", "reason")
    META_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_REVISION_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    INDICATOR_CODE_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    TARGET_VALUE_FIELD_NUMBER: _ClassVar[int]
    DUE_YEAR_FIELD_NUMBER: _ClassVar[int]
    GAP_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    METHOD_VERSION_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_REVISION_FIELD_NUMBER: _ClassVar[int]
    DERIVED_FIELD_NUMBER: _ClassVar[int]
    STATCAN_RATIO_FIELD_NUMBER: _ClassVar[int]
    STATCAN_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    STATCAN_SCORE_FIELD_NUMBER: _ClassVar[int]
    UNSD_RATIO_FIELD_NUMBER: _ClassVar[int]
    UNSD_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_LOW_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_HIGH_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    NEEDED_ANNUAL_CHANGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    meta: _common_pb2.Meta
    plan_id: str
    plan_revision: int
    target_id: str
    indicator_code: str
    jurisdiction_id: str
    province_code: str
    period: _common_pb2.Period
    actual: float
    expected: float
    target_value: float
    due_year: int
    gap: float
    progress: float
    status: Status
    method: str
    method_version: str
    observation_revision: int
    derived: bool
    statcan_ratio: float
    statcan_category: str
    statcan_score: float
    unsd_ratio: float
    unsd_category: str
    projected: float
    projected_low: float
    projected_high: float
    probability: float
    needed_annual_change: float
    reason: str
    def __init__(self, meta: _Optional[_Union[_common_pb2.Meta, _Mapping]] = ..., plan_id: _Optional[str] = ..., plan_revision: _Optional[int] = ..., target_id: _Optional[str] = ..., indicator_code: _Optional[str] = ..., jurisdiction_id: _Optional[str] = ..., province_code: _Optional[str] = ..., period: _Optional[_Union[_common_pb2.Period, _Mapping]] = ..., actual: _Optional[float] = ..., expected: _Optional[float] = ..., target_value: _Optional[float] = ..., due_year: _Optional[int] = ..., gap: _Optional[float] = ..., progress: _Optional[float] = ..., status: _Optional[_Union[Status, str]] = ..., method: _Optional[str] = ..., method_version: _Optional[str] = ..., observation_revision: _Optional[int] = ..., derived: _Optional[bool] = ..., statcan_ratio: _Optional[float] = ..., statcan_category: _Optional[str] = ..., statcan_score: _Optional[float] = ..., unsd_ratio: _Optional[float] = ..., unsd_category: _Optional[str] = ..., projected: _Optional[float] = ..., projected_low: _Optional[float] = ..., projected_high: _Optional[float] = ..., probability: _Optional[float] = ..., needed_annual_change: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...
