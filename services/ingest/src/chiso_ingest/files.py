"""Spreadsheets (pure): CSV and .xlsx uploads read into items with their row numbers (the
templates are in `templates`). Row 1 is the header; row numbers are the ones the sheet shows."""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from chiso_core.problems import ApiError, Problem
from chiso_ingest.intake import Item

REQUIRED = ("indicator", "jurisdiction", "period", "value")
COLUMNS = (*REQUIRED, "numerator", "denominator")
_NUMBERS = ("value", "numerator", "denominator")
MAX_UNPACKED_BYTES = 64 << 20


def _header(cells: Sequence[object]) -> dict[str, int]:
    names = [str(c).strip().lower() if c is not None else "" for c in cells]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n and n not in (*COLUMNS, "unit")]
    if missing or unknown:
        found = ", ".join(n for n in names if n) or "nothing"
        problem = f"the header must name the columns {', '.join(COLUMNS)} (numerator and "
        problem += f"denominator optional); found {found}"
        raise ApiError(422, "the file's header is not the template's", [_at(1, "header", problem)])
    return {n: names.index(n) for n in (*COLUMNS, "unit") if n in names}


def _at(row: int, column: str, problem: str) -> Problem:
    return Problem(field=f"rows[{row}].{column}", problem=problem)


def _text(value: object) -> str | None:
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


def _item(row: int, cells: Sequence[object], columns: dict[str, int], percent: bool) -> Item | None:
    """A row as an item; None for a row with no figure in it (blank, or a template row whose
    period and value were left empty)."""

    def cell(name: str) -> object:
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    data: dict[str, Any] = {}
    problems = []
    for name in COLUMNS:
        value = _number(cell(name)) if name in _NUMBERS else _text(cell(name))
        if isinstance(value, str) and name in _NUMBERS:
            problems.append(_at(row, name, f"expected a number such as 61.5, found {value!r}"))
        elif value is not None:
            data[name] = value
        elif name in REQUIRED:
            problems.append(_at(row, name, "is empty"))
    if "period" not in data and "value" not in data:
        return None
    if unit := _text(cell("unit")):
        data["unit"] = unit
    elif percent and "value" in data:
        # A cell formatted as a percentage holds the fraction (61.5 % is 0.615): the format
        # declares percent, and the value is read as shown, never guessed.
        data["value"] = round(data["value"] * 100, 10)
        data["unit"] = "percent"
    return Item(index=row - 2, data=data, row=row, problems=problems)


def read_csv(content: bytes) -> list[Item]:
    try:
        text = content.decode("utf-8-sig")  # Excel writes UTF-8 CSV with a byte order mark
    except UnicodeDecodeError as e:
        raise ApiError(
            422, "not a UTF-8 CSV file", [Problem(field="file", problem=f"not UTF-8: {e}")]
        ) from e
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ApiError(422, "the file is empty", [Problem(field="file", problem="no header row")])
    columns = _header(rows[0])
    return _numbered(
        _item(n, [c or None for c in cells], columns, False)
        for n, cells in enumerate(rows[1:], start=2)
    )


def _unpacked_size(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_xlsx(content: bytes) -> list[Item]:
    # A workbook is a zip file: a small upload can unpack to gigabytes. XML entity tricks are
    # refused by openpyxl itself, with defusedxml installed.
    try:
        unpacked = _unpacked_size(content)
    except (zipfile.BadZipFile, ValueError) as e:
        raise ApiError(
            422,
            "not a readable .xlsx workbook",
            [Problem(field="file", problem=f"not a readable .xlsx workbook: {e}")],
        ) from e
    if unpacked > MAX_UNPACKED_BYTES:
        raise ApiError(
            413,
            "the workbook is too large",
            [
                Problem(
                    field="file",
                    problem=f"unpacks to {unpacked} bytes; at most {MAX_UNPACKED_BYTES} are read",
                )
            ],
        )
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ApiError(
            422,
            "not a readable .xlsx workbook",
            [Problem(field="file", problem=f"not a readable .xlsx workbook: {e}")],
        ) from e
    try:
        sheet = book["observations"] if "observations" in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows()
        header = next(rows, None)
        if header is None:
            raise ApiError(422, "the sheet is empty", [Problem(field="file", problem="no header")])
        columns = _header([c.value for c in header])
        value_at = columns["value"]
        return _numbered(
            _item(
                n,
                [c.value for c in cells],
                columns,
                value_at < len(cells) and "%" in str(getattr(cells[value_at], "number_format", "")),
            )
            for n, cells in enumerate(rows, start=2)
        )
    finally:
        book.close()


def _numbered(items: Iterable[Item | None]) -> list[Item]:
    kept = [i for i in items if i is not None]
    for index, item in enumerate(kept):
        item.index = index
    return kept
