"""A feed's document → rows → items of the one intake (`chiso_ingest.intake`). Pure: no I/O.

A document that cannot be read fails the poll (FeedError, its reason in both languages); a row
that cannot be read as a figure is an item with its issues, said in the language of whoever
reads them (the rejected topic's reason is in Vietnamese)."""

import csv
import io
import json
import math
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from chiso_core.catalog import Catalog
from chiso_core.checks import Issue
from chiso_core.words import problems as say
from chiso_core.words import refusals
from chiso_ingest.feeds.config import Feed, FeedError, Format, Mapping, Source
from chiso_ingest.intake import Item, issue_of
from chiso_ingest.models import ObservationIn

Row = dict[str, Any]


def records(feed: Feed, body: bytes) -> list[tuple[str, Any]]:
    """The document's rows, each with where it is (for error messages)."""
    if feed.format is Format.CSV:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise FeedError(refusals.feed_not_utf8(feed.name, str(e))) from e
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=feed.delimiter)
        # Row numbers as a spreadsheet shows them: the header is row 1.
        return [(f"rows[{reader.line_num}]", dict(row)) for row in reader]
    try:
        data: Any = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise FeedError(refusals.feed_not_json(feed.name, str(e))) from e
    path = [p for p in feed.records.split(".") if p]
    for i, key in enumerate(path):
        if not isinstance(data, dict) or key not in data:
            at = ".".join(path[: i + 1])
            raise FeedError(refusals.feed_lacks(feed.name, at, feed.records))
        data = data[key]
    if not isinstance(data, list):
        raise FeedError(refusals.feed_not_a_list(feed.name, feed.records))
    prefix = feed.records or "records"
    return [(f"{prefix}[{i}]", row) for i, row in enumerate(data)]


class _RowIssues(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues


def _raw(source: Source, row: Row, target: str) -> Any:
    if source.value is not None:
        return source.value
    assert source.field is not None
    value = row.get(source.field)
    if value is None or value == "":
        raise _RowIssues([Issue(target, say.missing_field(source.field))])
    return value


def _text(source: Source, row: Row, target: str) -> str:
    return str(_raw(source, row, target)).strip()


def _number(source: Source, row: Row, target: str) -> float:
    raw = _raw(source, row, target)
    try:
        if isinstance(raw, bool):
            raise ValueError
        number = float(raw.strip() if isinstance(raw, str) else raw)
        if not math.isfinite(number):
            raise ValueError
    except (TypeError, ValueError):
        raise _RowIssues([Issue(target, say.not_a_number(raw))]) from None
    return number


def _period(source: Source, row: Row) -> str:
    text = _text(source, row, "period")
    if source.format is None:
        return text
    try:
        month = datetime.strptime(text, source.format)
    except ValueError:
        raise _RowIssues([Issue("period", say.not_in_format(text, source.format))]) from None
    return f"{month.year}-{month.month:02d}"


def _observation(mapping: Mapping, row: Row, catalog: Catalog) -> ObservationIn:
    indicator = _text(mapping.indicator, row, "indicator")
    fields: dict[str, Any] = {
        "indicator": indicator,
        "jurisdiction": _text(mapping.jurisdiction, row, "jurisdiction"),
        "period": _period(mapping.period, row),
    }
    if mapping.numerator is not None and mapping.denominator is not None:
        fields["numerator"] = _number(mapping.numerator, row, "numerator")
        fields["denominator"] = _number(mapping.denominator, row, "denominator")
    if mapping.value is not None:
        fields["value"] = _number(mapping.value, row, "value")
    elif fields["denominator"] <= 0:
        raise _RowIssues([Issue("denominator", say.NO_DENOMINATOR)])
    else:
        known = catalog.indicators.get(indicator)
        scale = 100 if known is not None and known.unit == "percent" else 1
        fields["value"] = fields["numerator"] / fields["denominator"] * scale
    try:
        return ObservationIn.model_validate(fields)
    except ValidationError as e:
        raise _RowIssues([issue_of(err) for err in e.errors()]) from None


def to_items(feed: Feed, rows: list[tuple[str, Any]], catalog: Catalog) -> list[Item]:
    """Every row as an item of the one intake (checked there as POST /v1/observations checks
    an item), or with the issues that kept it from being read as a figure."""
    items: list[Item] = []
    for index, (where, row) in enumerate(rows):
        if not isinstance(row, dict):
            issue = Issue("", say.not_an_object(say.A_FIGURE))
            items.append(Item(index, {"record": row}, issues=[issue], at=where))
            continue
        try:
            parsed = _observation(feed.mapping, row, catalog)
        except _RowIssues as e:
            items.append(Item(index, row, issues=e.issues, at=where))
            continue
        items.append(Item(index, row, parsed=parsed, at=where))
    return items
