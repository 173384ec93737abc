"""The templates an agency fills in (pure): its indicators × its jurisdictions, with each
indicator's cadence, period format, unit, valid range and an example row, in Vietnamese first."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from chiso_core.access.agencies import Agency
from chiso_core.catalog import Catalog, Indicator, Kind
from chiso_core.words import templates as words
from chiso_ingest.files import COLUMNS

_TEXT_FORMAT = "@"


def template_rows(agency: Agency, catalog: Catalog) -> list[tuple[str, str]]:
    """(indicator, jurisdiction) of every series the agency reports; abolished units too, whose
    past figures are still reported."""
    units = sorted(agency.subtree(catalog))
    return [(i, j) for i in agency.indicators if i in catalog.indicators for j in units]


def example_row(indicator: Indicator, jurisdiction: str) -> list[str]:
    """A row that would be accepted: mid-range value; for a ratio, parts that make it."""
    low, high = indicator.valid_min or 0.0, indicator.valid_max
    value = round((low + high) / 2, 1) if high is not None else max(low, 1.0)
    parts = ["", ""]
    if indicator.kind is Kind.RATIO:
        scale = 100 if indicator.unit == "percent" else 1
        parts = [f"{value / scale * 1000:g}", "1000"]
    period = words.EXAMPLE_PERIODS[indicator.cadence]
    return [indicator.code, jurisdiction, period, f"{value:g}", *parts]


def _described(agency: Agency, catalog: Catalog) -> list[tuple[Indicator, str, str]]:
    """Each of the agency's indicators with its valid range and example row as text."""
    first = min(agency.jurisdictions)
    return [
        (i, words.valid_range(i.valid_min, i.valid_max), ",".join(example_row(i, first)))
        for code in agency.indicators
        if (i := catalog.indicators.get(code)) is not None
    ]


def template_csv(agency: Agency, catalog: Catalog) -> bytes:
    """The header, one comment row of guidance per indicator (rows with neither a period nor
    a value are skipped when the file is read), then a row per series to fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([words.GUIDE])
    for ind, span, example in _described(agency, catalog):
        writer.writerow([words.guide_line(ind.code, ind.cadence, ind.unit, span, example)])
    writer.writerows([i, j, "", "", "", ""] for i, j in template_rows(agency, catalog))
    return ("\ufeff" + out.getvalue()).encode()  # the mark makes Excel read it as UTF-8


def template_xlsx(agency: Agency, catalog: Catalog) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "observations"
    sheet.append(COLUMNS)
    for i, j in template_rows(agency, catalog):
        sheet.append([i, j])
    rows = sheet.max_row + 500  # room to add periods
    for column, width in zip("ABCDEF", (34, 20, 10, 12, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for (cell,) in sheet.iter_rows(min_row=2, max_row=rows, min_col=3, max_col=3):
        cell.number_format = _TEXT_FORMAT  # keeps "2025-06" from becoming a date
    indicators = book.create_sheet("indicators")
    indicators.append(words.INDICATOR_HEADINGS)
    for ind, span, example in _described(agency, catalog):
        cadence, period = words.CADENCES[ind.cadence], words.PERIOD_FORMATS[ind.cadence]
        indicators.append(
            [ind.code, ind.name_vi, ind.name_en, ind.unit, ind.kind, cadence, period, span, example]
        )
    units = book.create_sheet("jurisdictions")
    units.append(words.JURISDICTION_HEADINGS)
    for j in sorted({j for _, j in template_rows(agency, catalog)}):
        u = catalog.jurisdictions[j]
        units.append([u.id, u.code, u.name_vi, u.name_en, u.level, u.parent])
    for column, source in (("A", indicators), ("B", units)):
        listed = DataValidation(
            type="list", formula1=f"={source.title}!$A$2:$A${max(source.max_row, 2)}"
        )
        listed.error = (
            f"không có trong trang {source.title} / not listed on the {source.title} sheet"
        )
        listed.errorStyle = "warning"  # a hint: official codes are accepted too
        listed.add(f"{column}2:{column}{rows}")
        sheet.add_data_validation(listed)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
