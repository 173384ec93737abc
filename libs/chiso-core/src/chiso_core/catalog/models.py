"""Catalog models: indicators, jurisdictions and plans. Pure data: no I/O, no scoring rules."""

import re
from collections import defaultdict
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chiso_core.problems import InvalidValue
from chiso_core.words import problems as say

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
CODE_CHARS = 64
OFFICIAL_CODE_PATTERN = r"^[0-9]+$"
Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=CODE_CHARS)]
_CODE = re.compile(CODE_PATTERN)
_OFFICIAL_CODE = re.compile(OFFICIAL_CODE_PATTERN)


def is_code(text: str) -> bool:
    """Whether `text` can be a catalog id (`Code`): what a message read off the wire may name a
    plan, target, unit or indicator by (fullmatch: `$` would also match before a newline)."""
    return len(text) <= CODE_CHARS and _CODE.fullmatch(text) is not None


def is_official_code(text: str) -> bool:
    """Whether `text` can be an official administrative code (as short as an id is)."""
    return len(text) <= CODE_CHARS and _OFFICIAL_CODE.fullmatch(text) is not None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.HIGHER_IS_BETTER else -1


class Kind(StrEnum):
    RATIO = "ratio"  # numerator / denominator, e.g. online dossiers / all dossiers
    LEVEL = "level"  # a state at a time, e.g. an index value
    FLOW = "flow"  # an amount per year, e.g. patents granted in the year
    STOCK = "stock"  # a count that accumulates, e.g. innovation centres in operation
    RANK = "rank"  # a position in a national ranking (lower is better)
    MILESTONE = "milestone"  # done or not done by a date


class RollUp(StrEnum):
    RATIO_OF_SUMS = (
        "ratio_of_sums"  # sum of numerators / sum of denominators, never a mean of ratios
    )
    SUM = "sum"
    POPULATION_WEIGHTED_MEAN = "population_weighted_mean"
    NONE = "none"


class Cadence(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Indicator(_Model):
    code: Code
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    unit: Code = Field(
        description="percent, percent_per_year, ratio, count, per_10k_population, rank, …"
    )
    direction: Direction
    kind: Kind
    numerator: str | None = Field(
        default=None, description="what is counted above the line (ratios)"
    )
    denominator: str | None = Field(
        default=None, description="what is counted below the line (ratios)"
    )
    valid_min: float | None = None
    valid_max: float | None = None
    cadence: Cadence
    publication_lag_days: int = Field(
        default=0,
        ge=0,
        le=366,
        description="days after a period ends before its figure can exist (refused earlier)",
    )
    rollup: RollUp

    @model_validator(mode="after")
    def _consistent(self) -> "Indicator":
        if self.kind is Kind.RATIO:
            if not (self.numerator and self.denominator):
                raise InvalidValue(say.RATIO_WITHOUT_PARTS)
            if self.rollup not in (RollUp.RATIO_OF_SUMS, RollUp.NONE):
                raise InvalidValue(say.RATIO_ROLLUP)
        if self.kind is Kind.RANK and self.direction is not Direction.LOWER_IS_BETTER:
            raise InvalidValue(say.RANK_LOWER_IS_BETTER)
        if (
            self.valid_min is not None
            and self.valid_max is not None
            and self.valid_min > self.valid_max
        ):
            raise InvalidValue(say.MIN_ABOVE_MAX)
        return self


class Level(StrEnum):
    COUNTRY = "country"
    PROVINCE = "province"
    CITY = "city"  # a city under a province (thành phố thuộc tỉnh)
    TOWN = "town"  # thị xã
    DISTRICT = "district"  # huyện
    WARD = "ward"  # phường
    COMMUNE = "commune"  # xã


class Jurisdiction(_Model):
    id: Code = Field(description="stable identifier; official codes can be reused after a merger")
    code: str | None = Field(
        default=None,
        pattern=OFFICIAL_CODE_PATTERN,
        description="official administrative code, when known",
    )
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    level: Level
    parent: Code | None = None
    valid_from: date | None = None
    valid_to: date | None = Field(default=None, description="last day the unit existed")
    successors: tuple[Code, ...] = Field(default=(), description="units that took over its area")
    source: str = Field(min_length=1, description="where the code and the lineage come from")

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Agency(_Model):
    """An organisation that answers for targets: a department, the State Bank's branch, the
    statistics office. Its id is also the name its API keys are created under (`chiso agency
    create <id>`), so that a key can be told whose targets it may comment on."""

    id: Code
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    jurisdiction: Code = Field(description="the unit the agency serves")


class Owners(_Model):
    """Who answers for a target: the lead agency (chủ trì) and those supporting it (phối hợp)."""

    lead: Code
    supporting: tuple[Code, ...] = ()

    @model_validator(mode="after")
    def _each_once(self) -> "Owners":
        named = [self.lead, *self.supporting]
        if repeated := next((a for a in named if named.count(a) > 1), None):
            raise InvalidValue(say.agency_named_twice(repeated))
        return self

    @property
    def agencies(self) -> tuple[str, ...]:
        return (self.lead, *self.supporting)


class Comparator(StrEnum):
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    BETWEEN = "between"  # values: [low, high], both included
    GROWTH_GTE = "growth_gte"  # average annual growth rate of at least value (%/year)
    COUNT_PER_YEAR_GTE = "count_per_year_gte"  # at least value in every year
    MAINTAIN_GT = "maintain_gt"  # above value in every year, not only at the due date
    MAINTAIN_GTE = "maintain_gte"
    MILESTONE = "milestone"  # done by the due date


_SINGLE_VALUED = frozenset(Comparator) - {Comparator.BETWEEN, Comparator.MILESTONE}


class Target(_Model):
    id: Code
    indicator: Code
    comparator: Comparator
    value: float | None = None
    values: tuple[float, float] | None = Field(default=None, description="[low, high] for between")
    unit: Code
    due_year: int = Field(ge=2025, le=2100)
    quote: str = Field(min_length=1, description="the document's exact words stating the target")
    note: str | None = None
    owners: Owners | None = Field(default=None, description="default: the plan's owners")

    @model_validator(mode="after")
    def _values_fit_the_comparator(self) -> "Target":
        if self.comparator is Comparator.BETWEEN:
            if self.values is None or self.value is not None or self.values[0] > self.values[1]:
                raise InvalidValue(say.BETWEEN_VALUES)
        elif self.comparator is Comparator.MILESTONE:
            if self.value is not None or self.values is not None:
                raise InvalidValue(say.MILESTONE_NO_VALUE)
        elif self.value is None or self.values is not None:
            raise InvalidValue(say.one_value(self.comparator))
        return self

    def met_by(self, actual: float) -> bool:
        """Whether a level meets the target (growth, counts and milestones are judged elsewhere)."""
        assert self.value is not None or self.values is not None
        match self.comparator:
            case Comparator.GT | Comparator.MAINTAIN_GT:
                return actual > (self.value or 0)
            case Comparator.GTE | Comparator.MAINTAIN_GTE | Comparator.COUNT_PER_YEAR_GTE:
                return actual >= (self.value or 0)
            case Comparator.LT:
                return actual < (self.value or 0)
            case Comparator.LTE:
                return actual <= (self.value or 0)
            case Comparator.BETWEEN:
                low, high = self.values or (0.0, 0.0)
                return low <= actual <= high
            case _:
                raise ValueError(f"{self.comparator} is not judged on a single level")


class Baseline(_Model):
    indicator: Code
    value: float
    year: int = Field(
        ge=1990, le=2030, description="the year the figure is for (the last, for a span)"
    )
    period: str | None = Field(
        default=None, description="the span, when the figure covers several years"
    )
    quote: str = Field(min_length=1)


class Plan(_Model):
    id: Code
    revision: int = Field(
        default=1, ge=1, description="assigned by `chiso catalog load`, not in files"
    )
    title: str = Field(min_length=1)
    issuing_body: str = Field(min_length=1)
    document: str | None = Field(default=None, description="the document's number, e.g. 63-CTr/TU")
    jurisdiction: Code
    source_file: str = Field(min_length=1)
    owners: Owners | None = Field(
        default=None, description="who answers for every target that names no owners itself"
    )
    targets: tuple[Target, ...]
    baselines: tuple[Baseline, ...] = ()

    @model_validator(mode="after")
    def _unique_target_ids(self) -> "Plan":
        ids = [t.id for t in self.targets]
        if duplicate := next((i for i in ids if ids.count(i) > 1), None):
            raise InvalidValue(say.target_id_repeats(duplicate))
        return self

    def owners_of(self, target: Target) -> Owners | None:
        """The target's own owners, else the plan's."""
        return target.owners or self.owners

    def baseline_for(self, target: Target) -> Baseline | None:
        """The latest baseline the plan states for the target's indicator before its due year."""
        key = target.indicator, target.due_year
        if key in self._baselines:
            return self._baselines[key]
        return self._latest_baseline(key)

    def _latest_baseline(self, key: tuple[str, int]) -> Baseline | None:
        indicator, due_year = key
        return max(
            (b for b in self.baselines if b.indicator == indicator and b.year < due_year),
            key=lambda b: b.year,
            default=None,
        )

    @cached_property
    def _baselines(self) -> dict[tuple[str, int], Baseline | None]:
        # Asked for per judged target: each of the plan's own is found once per catalog.
        keys = {(t.indicator, t.due_year) for t in self.targets}
        return {key: self._latest_baseline(key) for key in keys}


class Catalog(_Model):
    indicators: dict[str, Indicator]
    jurisdictions: dict[str, Jurisdiction]
    plans: dict[str, Plan]
    agencies: dict[str, Agency] = {}

    def province_of(self, jurisdiction_id: str) -> Jurisdiction:
        """The province a jurisdiction lies in (a province is its own)."""
        j = self.jurisdictions[jurisdiction_id]
        while j.level not in (Level.PROVINCE, Level.COUNTRY) and j.parent is not None:
            j = self.jurisdictions[j.parent]
        return j

    def units_above(self, jurisdiction_id: str) -> tuple[str, ...]:
        """The units a jurisdiction lies in, nearest first, the country left out."""
        return self._units_above[jurisdiction_id]

    @cached_property
    def _units_above(self) -> dict[str, tuple[str, ...]]:
        # Asked for per figure (the roll-ups): each unit's walk is done once per catalog.
        above: dict[str, tuple[str, ...]] = {}
        for unit in self.jurisdictions:
            chain: list[str] = []
            parent = self.jurisdictions[unit].parent
            while parent is not None and self.jurisdictions[parent].level is not Level.COUNTRY:
                chain.append(parent)
                parent = self.jurisdictions[parent].parent
            above[unit] = tuple(chain)
        return above

    def province_code(self, jurisdiction_id: str) -> str:
        """What keys a jurisdiction's messages: its province's official code (or id, if none)."""
        return self._province_codes[jurisdiction_id]

    @cached_property
    def _province_codes(self) -> dict[str, str]:
        # Asked for per figure: the walk up to the province is done once per unit.
        codes = {}
        for unit in self.jurisdictions:
            province = self.province_of(unit)
            codes[unit] = province.code or province.id
        return codes

    def resolve(self, reference: str, on: date) -> Jurisdiction | None:
        """A jurisdiction by id, or by official code as it stood on a date (codes are reused
        when provinces merge)."""
        if reference in self.jurisdictions:
            return self.jurisdictions[reference]
        return next((j for j in self._by_code.get(reference, ()) if j.valid_on(on)), None)

    @cached_property
    def _by_code(self) -> dict[str, list[Jurisdiction]]:
        # Agencies send official codes by the thousand: no scan of every unit per figure.
        index: dict[str, list[Jurisdiction]] = defaultdict(list)
        for j in self.jurisdictions.values():
            if j.code is not None:
                index[j.code].append(j)
        return index

    @cached_property
    def _targets(self) -> dict[tuple[str, str], list[tuple[Plan, Target]]]:
        index: dict[tuple[str, str], list[tuple[Plan, Target]]] = defaultdict(list)
        for plan in self.plans.values():
            for t in plan.targets:
                index[(t.indicator, plan.jurisdiction)].append((plan, t))
        return index

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = defaultdict(list)
        for j in self.jurisdictions.values():
            if j.parent is not None:
                index[j.parent].append(j.id)
        return index

    def targets_for(self, indicator: str, jurisdiction: str) -> list[tuple[Plan, Target]]:
        return self._targets.get((indicator, jurisdiction), [])

    def children(self, jurisdiction: str) -> list[str]:
        return self._children.get(jurisdiction, [])

    @cached_property
    def _subtrees(self) -> dict[str, frozenset[str]]:
        return {}

    def subtree(self, jurisdiction: str) -> frozenset[str]:
        """The jurisdiction and every unit below it, by the parent links (each walked once per
        catalog: the ingest API asks on every request)."""
        if jurisdiction not in self._subtrees:
            found, todo = {jurisdiction}, [jurisdiction]
            while todo:
                for child in self.children(todo.pop()):
                    if child not in found:
                        found.add(child)
                        todo.append(child)
            self._subtrees[jurisdiction] = frozenset(found)
        return self._subtrees[jurisdiction]
