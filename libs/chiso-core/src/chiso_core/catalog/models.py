"""Catalog models. Pure data: no I/O, no scoring rules."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.HIGHER_IS_BETTER else -1


class Comparator(StrEnum):
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"


class Indicator(_Model):
    code: Code
    name_vi: str
    name_en: str
    unit: str
    direction: Direction
    valid_min: float | None = None
    valid_max: float | None = None
    cadence: str = Field(pattern="^(month|quarter|year)$")


class Jurisdiction(_Model):
    code: str = Field(pattern=r"^[A-Z0-9.]+$", description="official administrative code")
    name_vi: str
    name_en: str
    level: str = Field(pattern="^(country|province|district|city|commune)$")
    parent: str | None = None


class Baseline(_Model):
    value: float
    year: int


class Target(_Model):
    id: Code
    indicator: Code
    comparator: Comparator
    value: float
    due_year: int = Field(ge=2025, le=2100)
    baseline: Baseline | None = None
    quote: str = Field(min_length=1, description="the document's exact words stating the target")

    def met_by(self, actual: float) -> bool:
        match self.comparator:
            case Comparator.GT:
                return actual > self.value
            case Comparator.GTE:
                return actual >= self.value
            case Comparator.LT:
                return actual < self.value
            case Comparator.LTE:
                return actual <= self.value


class Plan(_Model):
    id: Code
    revision: int = Field(default=1, ge=1)
    title: str
    issuing_body: str
    jurisdiction: str
    source_file: str
    targets: tuple[Target, ...]

    @model_validator(mode="after")
    def _unique_target_ids(self) -> "Plan":
        ids = [t.id for t in self.targets]
        if len(ids) != len(set(ids)):
            raise ValueError(f"plan {self.id}: target ids repeat")
        return self


class Catalog(_Model):
    indicators: dict[str, Indicator]
    jurisdictions: dict[str, Jurisdiction]
    plans: dict[str, Plan]

    @model_validator(mode="after")
    def _references_resolve(self) -> "Catalog":
        for j in self.jurisdictions.values():
            if j.parent is not None and j.parent not in self.jurisdictions:
                raise ValueError(f"jurisdiction {j.code}: unknown parent {j.parent}")
        for plan in self.plans.values():
            if plan.jurisdiction not in self.jurisdictions:
                raise ValueError(f"plan {plan.id}: unknown jurisdiction {plan.jurisdiction}")
            for t in plan.targets:
                if t.indicator not in self.indicators:
                    raise ValueError(
                        f"plan {plan.id}, target {t.id}: unknown indicator {t.indicator}"
                    )
        return self

    def province_of(self, code: str) -> str:
        """The province a jurisdiction lies in (a province is its own)."""
        j = self.jurisdictions[code]
        while j.level not in ("province", "country") and j.parent is not None:
            j = self.jurisdictions[j.parent]
        return j.code

    def targets_for(self, indicator: str, jurisdiction: str) -> list[tuple[Plan, Target]]:
        return [
            (plan, t)
            for plan in self.plans.values()
            if plan.jurisdiction == jurisdiction
            for t in plan.targets
            if t.indicator == indicator
        ]
