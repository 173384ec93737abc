"""The recent scored periods of a series, oldest first, and their stored (jsonb) form."""

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from chiso_alerts.rules.model import ScorePoint
from chiso_core.periods import Period
from chiso_core.status import Status

Window = tuple[ScorePoint, ...]


def merge(window: Window, points: Iterable[ScorePoint], keep: int) -> Window:
    """`window` with `points` added: a re-scored period replaces its entry (the later of two
    points for one period wins), ordered by period, at most the `keep` newest."""
    by_period = {p.period: p for p in window}
    by_period.update((p.period, p) for p in points)
    return tuple(by_period[period] for period in sorted(by_period))[-keep:] if keep else ()


class _Stored(BaseModel):
    """One point in alert_series.points; short keys keep the row small (24 points a series)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    p: str = Field(description="period")
    s: Status = Field(description="status")
    a: float = Field(description="actual", allow_inf_nan=False)
    e: float | None = Field(default=None, description="expected", allow_inf_nan=False)
    g: float | None = Field(default=None, description="gap", allow_inf_nan=False)
    t: float | None = Field(default=None, description="target value", allow_inf_nan=False)
    pr: float | None = Field(default=None, ge=0, le=1, description="probability")
    d: bool = Field(default=False, description="derived")


_STORED = TypeAdapter(list[_Stored])


def to_json(window: Window) -> list[dict[str, Any]]:
    return [
        _Stored(
            p=str(x.period),
            s=x.status,
            a=x.actual,
            e=x.expected,
            g=x.gap,
            t=x.target_value,
            pr=x.probability,
            d=x.derived,
        ).model_dump(mode="json", exclude_defaults=True)
        for x in window
    ]


def from_json(obj: object) -> Window:
    """The window stored by to_json; ValueError naming the point and field that is wrong."""
    try:
        stored = _STORED.validate_python(obj)
        return tuple(
            ScorePoint(
                period=Period.parse(x.p),
                status=x.s,
                actual=x.a,
                expected=x.e,
                gap=x.g,
                target_value=x.t,
                probability=x.pr,
                derived=x.d,
            )
            for x in stored
        )
    except ValidationError as e:
        where = "; ".join(
            f"point {'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
        )
        raise ValueError(f"not a stored alert window: {where}") from None
