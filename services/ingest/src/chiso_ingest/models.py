"""The agency-facing JSON contract of POST /v1/observations."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chiso_core.periods import PERIOD_FORMAT


class ObservationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "indicator": "online_public_service_usage",
                    "jurisdiction": "56",
                    "period": "2025-06",
                    "value": 61.5,
                    "numerator": 6150,
                    "denominator": 10000,
                }
            ]
        },
    )

    indicator: str = Field(
        min_length=1, max_length=64, description="indicator code from the catalog"
    )
    jurisdiction: str = Field(min_length=1, max_length=32, description="administrative code")
    period: str = Field(description=PERIOD_FORMAT)
    value: float = Field(strict=True, allow_inf_nan=False, description="in the indicator's unit")
    numerator: float | None = Field(default=None, strict=True, allow_inf_nan=False, ge=0)
    denominator: float | None = Field(default=None, strict=True, allow_inf_nan=False, gt=0)


class ObservationBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observations: list[ObservationIn] = Field(min_length=1)


class Problem(BaseModel):
    field: str = Field(description="where the problem is, e.g. observations[3].value")
    problem: str


class ErrorResponse(BaseModel):
    error: str
    problems: list[Problem] = []


class ItemResult(BaseModel):
    index: int
    status: Literal["accepted"]
    message_id: str


class BatchAccepted(BaseModel):
    accepted: int
    items: list[ItemResult]
