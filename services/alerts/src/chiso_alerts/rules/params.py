"""Rule parameters per indicator: documented defaults, overridden per indicator in a YAML file
(CHISO_ALERT_RULES_FILE). docs/alerts.md has the table; deploy/alerts/rules.yaml an example."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatusParams(_Params):
    """TargetOffTrack: scoring's status is off_track, deteriorating or needs_acceleration."""

    for_periods: int = Field(default=2, ge=1)
    keep_firing_for: int = Field(default=2, ge=1)


class DriftParams(_Params):
    """TargetDrifting: a one-sided CUSUM on the gap to the expected path, in years behind it."""

    k: float = Field(default=0.05, ge=0, description="slack per period, in years behind")
    h: float = Field(default=0.5, gt=0, description="decision threshold, in years behind")
    min_periods: int = Field(default=3, ge=1, description="points with a gap before it judges")
    for_periods: int = Field(default=1, ge=1)
    keep_firing_for: int = Field(default=2, ge=1)


class ProjectionParams(_Params):
    """TargetProjectionMiss: the chance of meeting the target is below the threshold."""

    threshold: float = Field(default=0.5, gt=0, lt=1)
    for_periods: int = Field(default=2, ge=1)
    keep_firing_for: int = Field(default=2, ge=1)


class StaleParams(_Params):
    """IndicatorStale: no new scored period by the end of the next one plus grace."""

    grace_days: int | None = Field(
        default=None,
        ge=0,
        description="None: the cadence's reporting window (1, 2 or 6 months), as scoring's",
    )


class SeverityParams(_Params):
    critical_within_years: int = Field(
        default=1, ge=0, description="a due year at most this many years ahead raises severity"
    )


class RuleParams(_Params):
    status: StatusParams = StatusParams()
    drift: DriftParams = DriftParams()
    projection: ProjectionParams = ProjectionParams()
    stale: StaleParams = StaleParams()
    severity: SeverityParams = SeverityParams()
    window: int = Field(default=24, ge=2, description="scored periods kept per series")

    @model_validator(mode="after")
    def _window_holds_the_rules(self) -> "RuleParams":
        needed = max(
            self.drift.min_periods,
            self.status.for_periods,
            self.status.keep_firing_for,
            self.drift.for_periods,
            self.drift.keep_firing_for,
            self.projection.for_periods,
            self.projection.keep_firing_for,
        )
        if self.window < needed:
            raise ValueError(f"window {self.window} is shorter than a rule needs ({needed})")
        return self


@dataclass(frozen=True)
class ParamsBook:
    defaults: RuleParams = field(default_factory=RuleParams)
    overrides: Mapping[str, RuleParams] = field(default_factory=dict)

    def for_indicator(self, code: str) -> RuleParams:
        return self.overrides.get(code, self.defaults)


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for k, v in over.items():
        merged[k] = (
            _deep_merge(merged[k], v)
            if isinstance(v, Mapping) and isinstance(merged.get(k), Mapping)
            else v
        )
    return merged


def _validated(where: str, data: Any) -> RuleParams:
    try:
        return RuleParams.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, (where, *err['loc'])))}: {err['msg']}" for err in e.errors()
        )
        raise ValueError(problems) from None


def load_params(path: Path | None) -> ParamsBook:
    """The parameters in `path` (YAML: `defaults:` then `indicators: {code: overrides}`, both
    optional, each a part of RuleParams laid over the built-in defaults); None: the built-in
    defaults. ValueError naming the file, the indicator and the field that is wrong."""
    if path is None:
        return ParamsBook()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ValueError(f"{path}: cannot read rule parameters: {e}") from None
    if not isinstance(doc, dict) or not set(doc) <= {"defaults", "indicators"}:
        raise ValueError(f"{path}: expected a mapping with `defaults` and `indicators`")
    raw_defaults = doc.get("defaults") or {}
    indicators = doc.get("indicators") or {}
    if not isinstance(raw_defaults, dict) or not isinstance(indicators, dict):
        raise ValueError(f"{path}: `defaults` and `indicators` must be mappings")
    defaults = _validated(f"{path}: defaults", raw_defaults)
    overrides = {}
    for code, over in indicators.items():
        if not isinstance(over, dict):
            raise ValueError(f"{path}: indicators.{code}: expected a mapping of parameters")
        overrides[str(code)] = _validated(
            f"{path}: indicators.{code}", _deep_merge(defaults.model_dump(), over)
        )
    return ParamsBook(defaults, overrides)
