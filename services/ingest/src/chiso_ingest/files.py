"""Spreadsheets (pure): CSV and .xlsx uploads read into items with their row numbers (the
templates are in `templates`). Row 1 is the header; row numbers are the ones the sheet shows.
What a sheet holds (figures, or owners' explanations) is its `Layout`; the limits and the
reading are the same for every kind."""

import csv
import io
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from chiso_core.checks import Issue
from chiso_core.problems import ApiError, Problem
from chiso_core.words import problems as say
from chiso_core.words import refusals
from chiso_ingest.intake import Item

REQUIRED = ("indicator", "jurisdiction", "period", "value")
COLUMNS = (*REQUIRED, "numerator", "denominator")
_NUMBERS = ("value", "numerator", "denominator")


# A row as read: its values, and the cells they came from (an .xlsx cell carries its number
# format; a CSV row has no cells to look at).
Row = tuple[list[object], Sequence[object]]


@dataclass(frozen=True)
class Layout:
    """One kind of sheet: its columns (`silent` ones are read but not named in the header's
    message), the worksheet it is on in a workbook (else the first), and how a row (its number,
    values, cells and the header's column positions) becomes an item, or None when it is
    blank."""

    sheet: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    item: Callable[[int, Sequence[object], Sequence[object], dict[str, int]], Item | None]
    silent: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *self.optional, *self.silent)

    def header(self, cells: Sequence[object]) -> dict[str, int]:
        names = [str(c).strip().lower() if c is not None else "" for c in cells]
        missing = [c for c in self.required if c not in names]
        unknown = [n for n in names if n and n not in self.columns]
        if missing or unknown:
            found = [n for n in names if n]
            named = (*self.required, *self.optional)
            problem = Problem(
                field="rows[1].header",
                problem=refusals.header_columns(named, self.optional, found),
            )
            raise ApiError(422, refusals.HEADER_NOT_TEMPLATE, [problem])
        return {n: names.index(n) for n in self.columns if n in names}


def cell_of(cells: Sequence[object], columns: dict[str, int], name: str) -> object:
    i = columns.get(name)
    return cells[i] if i is not None and i < len(cells) else None


def text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an official code typed as a number: 56.0 → "56"
    if isinstance(value, datetime | date):
        # Excel turns "2025-06" into the 1st of June 2025: that month is meant.
        return f"{value.year}-{value.month:02d}" if value.day == 1 else value.isoformat()
    text = str(value).strip()
    return text or None


def _number(value: object) -> float | str | None:
    """A cell as a number, or the text it held (rejected later as not a number)."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _figure(
    row: int, values: Sequence[object], cells: Sequence[object], columns: dict[str, int]
) -> Item | None:
    """A row as a figure; None for a row with no figure in it (blank, or a template row whose
    period and value were left empty)."""
    at = columns["value"]
    percent = at < len(cells) and "%" in str(getattr(cells[at], "number_format", ""))

    def cell(name: str) -> object:
        return cell_of(values, columns, name)

    data: dict[str, Any] = {}
    issues = []
    for name in COLUMNS:
        value = _number(cell(name)) if name in _NUMBERS else text(cell(name))
        if isinstance(value, str) and name in _NUMBERS:
            issues.append(Issue(name, say.not_a_number(value)))
        elif value is not None:
            data[name] = value
        elif name in REQUIRED:
            issues.append(Issue(name, say.empty_text()))
    if "period" not in data and "value" not in data:
        return None
    if unit := text(cell("unit")):
        data["unit"] = unit
    elif percent and "value" in data:
        # A cell formatted as a percentage holds the fraction (61.5 % is 0.615): the format
        # declares percent, and the value is read as shown, never guessed.
        data["value"] = round(data["value"] * 100, 10)
        data["unit"] = "percent"
    return Item(index=row - 2, data=data, row=row, issues=issues)


OBSERVATIONS = Layout(
    "observations", REQUIRED, ("numerator", "denominator"), _figure, silent=("unit",)
)


@dataclass(frozen=True)
class FileLimits:
    """What one upload may cost, checked before and while it is read: a small file can declare,
    unpack to or take more than a server can give (a 1.6 KB workbook declaring a sheet of
    16,384 × 1,048,576 cells took 258 s to read before these limits). Columns past
    `max_columns` are not read at all."""

    max_rows: int = 20_000
    max_columns: int = 64
    max_cell_chars: int = 4096
    max_unpacked_bytes: int = 16 << 20
    budget_s: float = 10.0


def _too_large(field: str, problem: str, error: str) -> ApiError:
    return ApiError(413, error, [Problem(field=field, problem=problem)])


class _Count:
    """Counts the rows read, refusing the one over the limit and any read after the deadline."""

    def __init__(self, limits: FileLimits) -> None:
        self.limits, self.read = limits, 0
        self.deadline = time.monotonic() + limits.budget_s

    def next(self) -> int:
        self.read += 1
        if self.read > self.limits.max_rows:
            raise _too_large(
                "file", refusals.more_rows_than(self.limits.max_rows), refusals.TOO_MANY_ROWS
            )
        if time.monotonic() > self.deadline:
            raise _too_large(
                "file",
                refusals.not_read_within(self.limits.budget_s, self.read),
                refusals.TOO_SLOW,
            )
        return self.read


def _next(rows: Iterator[Row], row: int, unreadable: str) -> Row | None:
    try:
        return next(rows, None)
    # The parser reading untrusted bytes fails in many ways (csv.Error, XML syntax, a shared
    # string index, number, date or cell reference that is not one): each is the file's.
    except Exception as e:
        raise ApiError(
            422,
            unreadable,
            [Problem(field=f"rows[{row}]", problem=refusals.row_unreadable(str(e)[:200]))],
        ) from e


def _long_cells(values: list[object], columns: dict[str, int], limit: int) -> list[Issue]:
    return [
        Issue(name, say.too_long(limit))
        for name, i in columns.items()
        if i < len(values) and isinstance(values[i], str) and len(values[i]) > limit  # type: ignore[arg-type]
    ]


def _read(rows: Iterator[Row], limits: FileLimits, unreadable: str, layout: Layout) -> list[Item]:
    count = _Count(limits)
    columns: dict[str, int] | None = None
    items: list[Item] = []
    while (row := _next(rows, count.read + 1, unreadable)) is not None:
        values, cells = row
        n = count.next()
        if columns is None:
            columns = layout.header(values)
            continue
        if item := layout.item(n, values, cells, columns):
            item.issues.extend(_long_cells(values, columns, limits.max_cell_chars))
            items.append(item)
    if columns is None:
        raise ApiError(
            422, refusals.EMPTY_FILE, [Problem(field="file", problem=refusals.NO_HEADER_ROW)]
        )
    return _numbered(items)


def read_csv(
    content: bytes, limits: FileLimits = FileLimits(), layout: Layout = OBSERVATIONS
) -> list[Item]:
    try:
        text = content.decode("utf-8-sig")  # Excel writes UTF-8 CSV with a byte order mark
    except UnicodeDecodeError as e:
        raise ApiError(
            422, refusals.NOT_UTF8_CSV, [Problem(field="file", problem=refusals.not_utf8(str(e)))]
        ) from e
    # newline="": the csv module itself reads every line end (CR LF, LF, and CR alone).
    reader = csv.reader(io.StringIO(text, newline=""))
    width = limits.max_columns
    rows: Iterator[Row] = (([c or None for c in cells[:width]], ()) for cells in reader)
    return _read(rows, limits, refusals.UNREADABLE_CSV, layout)


def _check_archive(content: bytes, limits: FileLimits) -> None:
    """A workbook is a zip file: a small upload can unpack to gigabytes, refused before any
    part of it is unpacked (XML entity tricks are refused by openpyxl itself, with defusedxml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as e:
        raise _unreadable(refusals.not_a_workbook(str(e))) from e
    if unpacked > limits.max_unpacked_bytes:
        raise _too_large(
            "file",
            refusals.unpacks_to(unpacked, limits.max_unpacked_bytes),
            refusals.WORKBOOK_TOO_LARGE,
        )


def _unreadable(problem: str) -> ApiError:
    return ApiError(422, refusals.UNREADABLE_XLSX, [Problem(field="file", problem=problem)])


def _sheet(book: Any, limits: FileLimits, name: str) -> Iterator[Row]:
    """The rows of the sheet `name`, else of the first, once its declared size fits the
    limits."""
    if name in book.sheetnames:
        sheet = book[name]
    elif book.worksheets:
        sheet = book.worksheets[0]
    else:
        raise _unreadable(refusals.NO_WORKSHEET)
    declared = sheet.max_row or 0
    if declared > limits.max_rows:
        raise _too_large(
            "file",
            refusals.sheet_declares(sheet.calculate_dimension(), declared, limits.max_rows),
            refusals.TOO_MANY_ROWS,
        )
    width = min(limits.max_columns, sheet.max_column or limits.max_columns)
    # The declared size is the file's word, not a fact: the rows are read as they are in it.
    sheet.reset_dimensions()
    return (([c.value for c in cells], cells) for cells in sheet.iter_rows(max_col=width))


def read_xlsx(
    content: bytes, limits: FileLimits = FileLimits(), layout: Layout = OBSERVATIONS
) -> list[Item]:
    _check_archive(content, limits)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as e:  # a missing part, broken XML, a bad style...: the file's, as above
        raise _unreadable(refusals.not_a_workbook(str(e)[:200])) from e
    try:
        return _read(_sheet(book, limits, layout.sheet), limits, refusals.UNREADABLE_XLSX, layout)
    finally:
        book.close()


def _numbered(items: list[Item]) -> list[Item]:
    for index, item in enumerate(items):
        item.index = index
    return items
