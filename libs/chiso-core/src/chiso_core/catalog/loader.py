"""Reads and checks the catalog folder: indicators.yaml, jurisdictions.yaml, agencies.yaml and
plans/*.yaml.

Every problem is reported at once, each naming the file, the line, the field and what was
expected, Vietnamese first ("<vi> / <en>", phrased in `words.problems`); a catalog with any
problem is not returned at all.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from chiso_core.catalog.models import Agency, Catalog, Indicator, Jurisdiction, Owners, Plan
from chiso_core.problems import text_of
from chiso_core.words import problems as say
from chiso_core.words import vietnamese
from chiso_core.words.problems import Text

M = TypeVar("M", bound=BaseModel)
Path_ = tuple[int | str, ...]


@dataclass(frozen=True)
class Problem:
    """One problem of a catalog file; `message` says what was expected, "<vi> / <en>"."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class CatalogError(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


def _lines(node: yaml.Node, path: Path_ = ()) -> Iterator[tuple[Path_, int]]:
    """(path, 1-based line) of every node of a composed YAML document."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _lines(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _lines(item, (*path, i))


def _field(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _File:
    """One YAML file: its data, and the line of every field in it."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.data: Any = None
        self.line_of: dict[Path_, int] = {}
        try:
            text = path.read_text(encoding="utf-8")
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
        except FileNotFoundError:
            self.report((), say.MISSING_FILE)
            return
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark
            line = mark.line + 1 if mark else None
            self.problems.append(Problem(path, line, "", say.invalid_yaml(str(e.problem)).both()))
            return
        if node is not None:
            self.line_of = dict(_lines(node))

    def report(self, path: Path_, text: Text) -> None:
        # The line of the deepest part of the path that exists in the file.
        line = next(
            (self.line_of[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.line_of),
            None,
        )
        self.problems.append(Problem(self.path, line, _field(path), text.both()))

    def validate(self, model: type[M], data: Any, at: Path_) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as e:
            for error in e.errors():
                self.report((*at, *error["loc"]), text_of(error, say.A_MAPPING))
            return None

    def items(self, model: type[M], key: str, entries: Text) -> list[tuple[Path_, M]]:
        """A top-level list of `model` (`entries`, as a reader names them), each item checked,
        with codes that must not repeat."""
        if self.data is None:
            return []
        if not isinstance(self.data, list):
            self.report((), say.not_a_list(entries))
            return []
        items: list[tuple[Path_, M]] = []
        seen: dict[str, int] = {}
        for i, raw in enumerate(self.data):
            item = self.validate(model, raw, (i,))
            if item is None:
                continue
            code = getattr(item, key)
            if code in seen:
                self.report((i, key), say.code_repeats(code, seen[code]))
                continue
            seen[code] = i
            items.append(((i,), item))
        return items


def _owner_problems(owners: Owners, agencies: dict[str, Agency]) -> Iterator[tuple[Path_, Text]]:
    named: list[tuple[Path_, str]] = [(("lead",), owners.lead)]
    named += [(("supporting", i), a) for i, a in enumerate(owners.supporting)]
    for at, agency in named:
        if agency not in agencies:
            yield at, say.not_in_agencies(agency)


def _check_owners(f: _File, plan: Plan, agencies: dict[str, Agency]) -> None:
    """Every owner named is a known agency; every target has a lead, its own or the plan's."""
    if plan.owners is not None:
        for at, text in _owner_problems(plan.owners, agencies):
            f.report(("owners", *at), text)
    for i, t in enumerate(plan.targets):
        if t.owners is not None:
            for at, text in _owner_problems(t.owners, agencies):
                f.report(("targets", i, "owners", *at), text)
        elif plan.owners is None:
            f.report(("targets", i, "owners"), say.NO_LEAD)


def _check_plan(
    f: _File,
    plan: Plan,
    plans: dict[str, Plan],
    catalog: tuple[dict[str, Indicator], dict[str, Jurisdiction], dict[str, Agency]],
) -> None:
    indicators, jurisdictions, agencies = catalog
    if "revision" in f.data:
        f.report(("revision",), say.REVISION_IN_FILE)
    if plan.id != f.path.stem:
        f.report(("id",), say.not_the_file_name(f.path.stem))
    if plan.id in plans:
        f.report(("id",), say.plan_repeats(plan.id))
    if plan.jurisdiction not in jurisdictions:
        f.report(("jurisdiction",), say.not_in_jurisdictions(plan.jurisdiction))
    references = [("targets", i, t.indicator) for i, t in enumerate(plan.targets)]
    references += [("baselines", i, b.indicator) for i, b in enumerate(plan.baselines)]
    for kind, i, indicator in references:
        if indicator not in indicators:
            f.report((kind, i, "indicator"), say.not_in_indicators(indicator))
    _check_owners(f, plan, agencies)
    _check_told_apart(f, plan)


def _check_told_apart(f: _File, plan: Plan) -> None:
    """Two targets of one indicator (a plan's 2030 and 2045 aims) differ in what they ask or
    by when: alerts, the scorecard and notifications name a target so, and two that read alike
    could not be told apart (nor is a repeated target a second target)."""
    seen: dict[tuple[str, str], str] = {}
    for i, t in enumerate(plan.targets):
        said = vietnamese.target_by(t.comparator, t.value, t.values, t.unit, t.due_year)
        other = seen.setdefault((t.indicator, said), t.id)
        if other != t.id:
            f.report(("targets", i), say.target_repeats(other, said))


def _agencies(
    folder: Path, problems: list[Problem], jurisdictions: dict[str, Jurisdiction]
) -> dict[str, Agency]:
    """agencies.yaml, when the catalog has one (without it, no plan can name owners)."""
    path = folder / "agencies.yaml"
    if not path.exists():
        return {}
    f = _File(path, problems)
    located = f.items(Agency, "id", say.AGENCIES)
    for at, a in located:
        if a.jurisdiction not in jurisdictions:
            f.report((*at, "jurisdiction"), say.not_in_jurisdictions(a.jurisdiction))
    return {a.id: a for _, a in located}


def load_catalog(folder: Path) -> Catalog:
    """The checked catalog, or CatalogError listing every problem."""
    problems: list[Problem] = []
    indicators_file = _File(folder / "indicators.yaml", problems)
    indicators = {i.code: i for _, i in indicators_file.items(Indicator, "code", say.INDICATORS)}
    jurisdictions_file = _File(folder / "jurisdictions.yaml", problems)
    located = jurisdictions_file.items(Jurisdiction, "id", say.JURISDICTIONS)
    jurisdictions = {j.id: j for _, j in located}

    for at, j in located:
        for field, refs in (
            ("parent", [j.parent] if j.parent else []),
            ("successors", list(j.successors)),
        ):
            for ref in refs:
                if ref not in jurisdictions:
                    jurisdictions_file.report((*at, field), say.not_in_jurisdictions(ref))
    agencies = _agencies(folder, problems, jurisdictions)

    plans: dict[str, Plan] = {}
    plan_files = sorted((folder / "plans").glob("*.yaml"))
    if not plan_files:
        problems.append(Problem(folder / "plans", None, "", say.NO_PLAN_FILES.both()))
    for path in plan_files:
        f = _File(path, problems)
        if f.data is None:
            continue
        plan = f.validate(Plan, f.data, ())
        if plan is None:
            continue
        _check_plan(f, plan, plans, (indicators, jurisdictions, agencies))
        plans[plan.id] = plan

    if problems:
        raise CatalogError(problems)
    return Catalog(
        indicators=indicators, jurisdictions=jurisdictions, plans=plans, agencies=agencies
    )
