"""The agency-facing JSON contract of POST /v1/observations."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chiso_core.periods import PERIOD_FORMAT
from chiso_core.problems import Problem


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
    unit: str | None = Field(
        default=None,
        max_length=64,
        description="optional: the unit the value is in, checked against the indicator's "
        "(a value is never converted, e.g. from a fraction to percent); `%`, `phần trăm` "
        "and the like mean percent",
    )
    confirm: bool = Field(
        default=False,
        description="true: the agency confirms a figure that was held as unusual (the same "
        "figure, re-sent before it expired); it is then published",
    )


class ObservationBatch(BaseModel):
    """The request body's schema. Items are checked one by one: a bad item is rejected in the
    summary, the others still count."""

    model_config = ConfigDict(extra="forbid")

    observations: list[ObservationIn] = Field(min_length=1)


class Envelope(BaseModel):
    """What is read first: the batch with its items still unchecked."""

    model_config = ConfigDict(extra="forbid")

    observations: list[object] = Field(min_length=1)


Outcome = Literal["accepted", "unchanged", "held", "rejected"]


class Stored(BaseModel):
    """A figure as it would be stored (dry runs echo it)."""

    indicator: str
    unit: str
    period: str
    value: float
    numerator: float | None
    denominator: float | None
    jurisdiction: str = Field(description="the catalog id the jurisdiction sent resolved to")
    jurisdiction_name: str


class ItemResult(BaseModel):
    index: int = Field(description="position in the batch, from 0")
    row: int | None = Field(default=None, description="the file's row number (uploads only)")
    status: Outcome = Field(
        description="accepted: published; unchanged: the same figure as the latest stored, "
        "nothing published; held: unusual against its series, kept unpublished until "
        "confirmed (see problems); rejected: see problems"
    )
    message_id: str | None = Field(default=None, description="of the published message")
    problems: list[Problem] = Field(default=[], description="why the item was rejected or held")
    stored: Stored | None = Field(default=None, description="dry runs: the figure as stored")


class ImportSummary(BaseModel):
    """Every item's outcome, like DHIS2's import summary."""

    dry_run: bool = Field(description="true: checked only, nothing was published")
    accepted: int
    unchanged: int
    held: int
    rejected: int
    items: list[ItemResult]


class HeldFigure(BaseModel):
    """A figure held as unusual against its series: not published until the agency re-sends
    it with `confirm: true` (or sends a corrected figure) before `expires_at`."""

    jurisdiction_id: str
    indicator_code: str
    grain: str
    period_start: date
    value: float
    numerator: float | None
    denominator: float | None
    reason_vi: str
    reason_en: str
    held_at: datetime
    expires_at: datetime
