"""The words of the templates agencies fill in: Vietnamese first, English beside it (a
template is read by both at once, so each heading carries both)."""

from chiso_core.words.labels import CADENCE, EN, VI

CADENCES = {str(c): f"{CADENCE[VI][c]} / {CADENCE[EN][c]}" for c in CADENCE[VI]}
PERIOD_FORMATS = {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}
EXAMPLE_PERIODS = {"month": "2025-06", "quarter": "2025-Q2", "year": "2025"}

INDICATOR_HEADINGS = (
    "mã chỉ tiêu / code",
    "tên chỉ tiêu",
    "name",
    "đơn vị / unit",
    "loại / kind",
    "tần suất / cadence",
    "định dạng kỳ / period format",
    "khoảng hợp lệ / valid range",
    "dòng mẫu / example row",
)
JURISDICTION_HEADINGS = (
    "mã danh mục / id",
    "mã hành chính / code",
    "tên đơn vị",
    "name",
    "cấp / level",
    "đơn vị cấp trên / parent",
)
GUIDE = (
    "# Hướng dẫn / Guide: mỗi dòng một số liệu; giá trị theo đơn vị của chỉ tiêu, dấu chấm "
    "thập phân (61.5, không phải 61,5 hay 0,615). One figure per row, in the indicator's unit."
)


def valid_range(low: float | None, high: float | None) -> str:
    """0..100, or 0.. when there is no upper bound (decimal point, as the file is written)."""
    return f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"


def guide_line(code: str, cadence: str, unit: str, span: str, example: str) -> str:
    """One indicator's guidance, as a comment row of the CSV template (skipped when read)."""
    return (
        f"# {code}: {CADENCES[cadence]}, kỳ / period {PERIOD_FORMATS[cadence]}, đơn vị / unit "
        f"{unit}, khoảng / range {span}; dòng mẫu / example: {example}"
    )


def not_listed(sheet: str) -> str:
    return f"không có trong trang {sheet} / not listed on the {sheet} sheet"
