"""One batch of figures, item by item (pure): read, checked against the catalog and the
agency's scope, compared with the latest stored figures; the import summary of the outcome."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from chiso_core.access.agencies import Agency
from chiso_core.catalog import Catalog
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.messaging import message_ids, now
from chiso_core.problems import Problem, problem_of
from chiso_ingest.convert import check, parse_period, to_message
from chiso_ingest.models import ObservationIn

# jurisdiction id, indicator, grain, first day: one figure's place in the observations table
PointKey = tuple[str, str, str, date]
Figure = tuple[float, float | None, float | None]  # value, numerator, denominator

_ALL = TypeAdapter(list[ObservationIn])


@dataclass(slots=True)
class Item:
    """One figure as sent: a JSON object, or a file row turned into one."""

    index: int
    data: object  # as sent (None when it was read straight into `parsed`)
    row: int | None = None
    problems: list[Problem] = field(default_factory=list)  # none: valid so far
    parsed: ObservationIn | None = None
    outcome: str = "rejected"
    message: tuple[bytes, observation_pb2.Observation] | None = None
    point: PointKey | None = None  # where the message's figure is stored
    message_id: str | None = None

    @property
    def where(self) -> str:
        """How problems name the item: observations[3], or row 5 of a file."""
        return f"observations[{self.index}]" if self.row is None else f"row {self.row}"

    @property
    def valid(self) -> bool:
        return self.parsed is not None and not self.problems

    def as_sent(self) -> object:
        if self.data is None and self.parsed is not None:
            return self.parsed.model_dump(exclude_none=True)
        return self.data


def read(items: Sequence[Item]) -> None:
    """Sets each item's `parsed`, or its problems, each naming the item's field."""
    todo = [i for i in items if i.parsed is None and not i.problems]
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
            item.problems = [
                problem_of(err, item.where, "an object with the fields of a figure")
                for err in e.errors()
            ]


def check_all(items: Sequence[Item], catalog: Catalog) -> None:
    for item in items:
        if item.parsed is not None:
            item.problems = check(item.parsed, catalog, item.where)


def out_of_scope(items: Sequence[Item], catalog: Catalog, agency: Agency) -> list[Problem]:
    """What the agency may not report, among the items that are otherwise valid."""
    allowed = agency.subtree(catalog)
    problems = []
    for item in items:
        if not item.valid or item.parsed is None:
            continue
        if item.parsed.indicator not in agency.indicators:
            problems.append(
                agency.outside_indicators(f"{item.where}.indicator", item.parsed.indicator)
            )
        jurisdiction = catalog.resolve(item.parsed.jurisdiction, _start(item.parsed))
        if jurisdiction is not None and jurisdiction.id not in allowed:
            problems.append(
                agency.outside_jurisdictions(f"{item.where}.jurisdiction", item.parsed.jurisdiction)
            )
    return problems


def _start(item: ObservationIn) -> date:
    return parse_period(item.period).start


def to_messages(items: Sequence[Item], catalog: Catalog, source: str) -> None:
    at, ids = now(), iter(message_ids(len(items)))
    for item in items:
        if item.valid and item.parsed is not None:
            item.message_id = next(ids)
            item.message = to_message(item.parsed, catalog, source, at, item.message_id)
            period = parse_period(item.parsed.period)
            item.point = (
                item.message[1].jurisdiction_id,
                item.parsed.indicator,
                period.grain.value,
                period.start,
            )


def figure(message: observation_pb2.Observation) -> Figure:
    return (
        message.value,
        message.numerator if message.HasField("numerator") else None,
        message.denominator if message.HasField("denominator") else None,
    )


def decide(items: Sequence[Item], latest: Mapping[PointKey, Figure]) -> None:
    """accepted, or unchanged: the same figure as the latest stored (or as an earlier item of
    the batch) makes no new revision, so it is not published."""
    current = dict(latest)
    for item in items:
        if item.message is None or item.point is None:
            continue
        sent = figure(item.message[1])
        if current.get(item.point) == sent:
            item.outcome = "unchanged"
        else:
            item.outcome = "accepted"
            current[item.point] = sent


def summary(items: Sequence[Item], dry_run: bool) -> dict[str, Any]:
    """The import summary, as the JSON answer."""
    results: list[dict[str, Any]] = []
    counts = {"accepted": 0, "unchanged": 0, "rejected": 0}
    for item in items:
        result: dict[str, Any] = {"index": item.index, "status": item.outcome}
        if item.row is not None:
            result["row"] = item.row
        if item.outcome == "accepted" and not dry_run:
            result["message_id"] = item.message_id
        elif item.outcome == "rejected":
            result["problems"] = [p.model_dump() for p in item.problems]
        counts[item.outcome] += 1
        results.append(result)
    return {"dry_run": dry_run, **counts, "items": results}
