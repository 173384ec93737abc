"""One batch of figures, item by item, as a flow of values (pure): each item is read, checked
(`Checked | Rejected`), kept to the agency's scope, weighed against its series (`Checked |
Held`) and compared with the latest stored figure (`Accepted | Unchanged`); then the summary."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from chiso_core.access.agencies import Agency
from chiso_core.catalog import Catalog
from chiso_core.checks import Checked, Held, Issue, Rejected, check, plausible
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.problems import item_field, text_of, within
from chiso_core.words import problems as say
from chiso_core.words.problems import Lang, Text
from chiso_ingest.models import ObservationIn

# jurisdiction id, indicator, grain, first day: one figure's place in the observations table
PointKey = tuple[str, str, str, date]
SeriesKey = tuple[str, str, str]  # jurisdiction id, indicator, grain
Figure = tuple[float, float | None, float | None]  # value, numerator, denominator

_ALL = TypeAdapter(list[ObservationIn])


@dataclass(slots=True)
class Item:
    """One figure as sent: a JSON object, or a file row turned into one."""

    index: int
    data: object  # as sent (None when it was read straight into `parsed`)
    row: int | None = None
    # found while reading it (a file's row, a feed's record), or reading it as a figure
    issues: list[Issue] = field(default_factory=list)
    parsed: ObservationIn | None = None
    at: str | None = None  # where a feed's record is in its document, e.g. records[3]

    @property
    def where(self) -> str:
        """How problems name the item: observations[3], rows[5] (the sheet's row 5), or the
        feed record's place."""
        if self.at is not None:
            return self.at
        return f"observations[{self.index}]" if self.row is None else f"rows[{self.row}]"

    def path(self, field: str) -> str:
        """A field of the item as problems name it: rows[5].period (the item itself for an
        empty `field`)."""
        return within(self.where, field)

    def as_sent(self) -> object:
        if self.data is None and self.parsed is not None:
            return self.parsed.model_dump(exclude_defaults=True)
        return self.data


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An item that is not a figure at all, and why: each issue names its field."""

    issues: tuple[Issue, ...]


class Accepted(NamedTuple):
    checked: Checked
    message: tuple[bytes, observation_pb2.Observation]
    message_id: str  # the message's, kept as text: the summary names it for every figure


class Unchanged(NamedTuple):
    checked: Checked


Verdict = Unreadable | Rejected | Checked | Held
Outcome = Unreadable | Rejected | Held | Accepted | Unchanged


def point(checked: Checked) -> PointKey:
    return checked.point


def read(items: Sequence[Item]) -> None:
    """Sets each item's `parsed`, or its issues, each naming the item's field."""
    todo = [i for i in items if i.parsed is None and not i.issues]
    try:
        for item, parsed in zip(todo, _ALL.validate_python([i.data for i in todo]), strict=True):
            item.parsed = parsed
        return
    except ValidationError:
        pass  # at least one is malformed: find which, one by one
    for item in todo:
        try:
            item.parsed = ObservationIn.model_validate(item.data)
        except ValidationError as e:
            item.issues = [issue_of(err) for err in e.errors()]


def issue_of(error: Any, expected: Text = say.A_FIGURE) -> Issue:
    """A pydantic error of an item read as a figure (or as `expected`), as its issue."""
    return Issue(item_field(error["loc"]), text_of(error, expected))


def checked(item: Item, catalog: Catalog, today: date) -> Unreadable | Checked | Rejected:
    """The item through the checks every figure passes."""
    o = item.parsed
    if o is None or item.issues:
        return Unreadable(tuple(item.issues))
    return check(o, catalog, today)


def in_scope(verdict: Verdict, agency: Agency, allowed: frozenset[str], sent: str) -> Verdict:
    """A checked figure the agency may not report is rejected, naming what the jurisdiction it
    sent resolved to (an official code can name another unit in another period)."""
    if not isinstance(verdict, Checked):
        return verdict
    issues = []
    if verdict.indicator.code not in agency.indicators:
        text = say.outside_indicators(verdict.indicator.code, agency.indicators)
        issues.append(Issue("indicator", text))
    if verdict.jurisdiction.id not in allowed:
        text = say.outside_jurisdictions(sent, agency.jurisdictions, verdict.resolved_from)
        issues.append(Issue("jurisdiction", text))
    return Rejected(tuple(issues)) if issues else verdict


def weighed(
    verdict: Verdict, history: Mapping[SeriesKey, Sequence[tuple[date, float]]], confirmed: bool
) -> Verdict:
    """A checked figure weighed against the earlier figures of its series (other periods),
    unless the agency confirmed the very figure that was held."""
    if not isinstance(verdict, Checked) or confirmed:
        return verdict
    j, i, g, start = verdict.point
    if not (series := history.get((j, i, g))):
        return verdict
    return plausible(verdict, [value for day, value in series if day != start])


def decide(
    verdicts: Sequence[Verdict],
    latest: Mapping[PointKey, Figure],
    messages: Sequence[tuple[bytes, observation_pb2.Observation] | None],
    ids: Sequence[str],
) -> list[Outcome]:
    """accepted, or unchanged: the same figure as the latest stored (or as an earlier item of
    the batch) makes no new revision, so it is not published. `ids`: the messages' ids."""
    current = dict(latest)
    outcomes: list[Outcome] = []
    for verdict, message, message_id in zip(verdicts, messages, ids, strict=True):
        if not isinstance(verdict, Checked) or message is None:
            assert not isinstance(verdict, Checked)
            outcomes.append(verdict)
            continue
        at, sent = point(verdict), (verdict.value, verdict.numerator, verdict.denominator)
        if current.get(at) == sent:
            outcomes.append(Unchanged(verdict))
        else:
            current[at] = sent
            outcomes.append(Accepted(verdict, message, message_id))
    return outcomes


def problems(item: Item, outcome: Unreadable | Rejected | Held, lang: Lang) -> list[dict[str, str]]:
    """An item's problems as the answer names them (the item's place, then the field), in
    `lang`."""
    issues = (outcome.issue,) if isinstance(outcome, Held) else outcome.issues
    return [{"field": item.path(i.field), "problem": i.text.in_(lang)} for i in issues]


def stored(c: Checked) -> dict[str, Any]:
    """A figure as it would be stored: what a dry run echoes."""
    return {
        "indicator": c.indicator.code,
        "unit": c.indicator.unit,
        "period": str(c.period),
        "value": c.value,
        "numerator": c.numerator,
        "denominator": c.denominator,
        "jurisdiction": c.jurisdiction.id,
        "jurisdiction_name": c.jurisdiction.name_vi,
    }


def summary(
    items: Sequence[Item], outcomes: Sequence[Outcome], dry_run: bool, lang: Lang
) -> dict[str, Any]:
    """The import summary, as the JSON answer."""
    results: list[dict[str, Any]] = []
    counts = {"accepted": 0, "unchanged": 0, "held": 0, "rejected": 0}
    for item, outcome in zip(items, outcomes, strict=True):
        status = _STATUS[type(outcome)]
        result: dict[str, Any] = {"index": item.index, "status": status}
        if item.row is not None:
            result["row"] = item.row
        if isinstance(outcome, Accepted):  # the usual case first: one test for most items
            if not dry_run:
                result["message_id"] = outcome.message_id
        elif not isinstance(outcome, Unchanged):
            result["problems"] = problems(item, outcome, lang)
        if dry_run and isinstance(outcome, Accepted | Unchanged | Held):
            result["stored"] = stored(outcome.checked)
        counts[status] += 1
        results.append(result)
    return {"dry_run": dry_run, **counts, "items": results}


_STATUS = {
    Accepted: "accepted",
    Unchanged: "unchanged",
    Held: "held",
    Rejected: "rejected",
    Unreadable: "rejected",
}
