"""How the report says things in Vietnamese: numbers, units, statuses, targets, periods, days.

A target's comparator is taken by its code ("gt", "between"; a catalog `Comparator` is one), so
that the words need not import the catalog, which phrases its own problems with them."""

from datetime import date

from chiso_core.periods import Grain, Period
from chiso_core.words import labels

STATUS = labels.STATUS[labels.VI]
# worst first, as docs/scoring.md orders them; the summary counts in this order
STATUS_ORDER = (
    "deteriorating",
    "off_track",
    "needs_acceleration",
    "on_track",
    "achieved",
    "stale",
    "insufficient_data",
)


def number(value: float | None, digits: int = 2) -> str:
    """1234567.891 → "1.234.567,89": a point between thousands, a comma before decimals;
    no trailing zeros; "—" for no value."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return "0" if text == "-0" else text


def percent(share: float | None) -> str:
    """A share (0.42) as a percentage ("42%")."""
    return "—" if share is None else f"{number(share * 100, 0)}%"


def with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rank":
        return f"hạng {number(value, 0)}"
    label = labels.UNIT[labels.VI].get(unit, unit)
    glue = "" if not label or label[0] in "%/" else " "  # "61,5%", "12/năm", "6,9 người/vạn dân"
    return f"{number(value)}{glue}{label}"


def change(value: float | None, unit: str) -> str:
    """A change a year: a percentage changes by percentage points ("2,91 điểm phần trăm"), not
    by a percent of itself."""
    if value is not None and unit == "percent":
        return f"{number(value)} điểm phần trăm"
    return with_unit(value, unit)


def needed_change(value: float | None, comparator: str, unit: str) -> str | None:
    """ "Cần thay đổi … mỗi năm từ nay." only when a change is needed: none for a target already
    met (a negative change asked of a target to stay above its value is no advice)."""
    if value is None:
        return None
    lower_is_better = comparator in ("lt", "lte")
    if value >= 0 if lower_is_better else value <= 0:
        return None
    verb = "giảm" if value < 0 else "tăng"
    return f"Cần {verb} {change(abs(value), unit)} mỗi năm từ nay."


def target(
    comparator: str, value: float | None, values: tuple[float, float] | None, unit: str
) -> str:
    """What the target asks, e.g. "≥ 80%", "trong khoảng 8–10%", "hoàn thành"."""
    match comparator:
        case "milestone":
            return "hoàn thành"
        case "between":
            low, high = values or (0.0, 0.0)
            return f"trong khoảng {number(low)}–{with_unit(high, unit)}"
        case "growth_gte":
            return f"tăng bình quân ≥ {number(value)}%/năm"
        case "count_per_year_gte":
            return f"≥ {number(value)} mỗi năm"
        case "maintain_gt":
            return f"duy trì > {with_unit(value, unit)}"
        case "maintain_gte":
            return f"duy trì ≥ {with_unit(value, unit)}"
        case "lte" if unit == "rank":
            return f"trong nhóm {number(value, 0)} dẫn đầu"
    sign = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}[comparator]
    return f"{sign} {with_unit(value, unit)}"


def target_by(
    comparator: str,
    value: float | None,
    values: tuple[float, float] | None,
    unit: str,
    due_year: int,
) -> str:
    """A target named by what it asks and by when, e.g. "≥ 30% vào năm 2030": how the scorecard
    heads a target and every alert about one names it (a plan can hold two targets of one
    indicator, 2030's and 2045's, and the indicator alone does not tell them apart)."""
    return f"{target(comparator, value, values, unit)} vào năm {due_year}"


def period(text: str | Period | None) -> str:
    """ "2025-06" → "tháng 6/2025", "2025-Q2" → "quý II/2025", "2025" → "năm 2025"."""
    if text is None:
        return "—"
    p = Period.parse(text) if isinstance(text, str) else text
    if p.grain is Grain.MONTH:
        return f"tháng {p.month}/{p.year}"
    if p.grain is Grain.QUARTER:
        return f"quý {('I', 'II', 'III', 'IV')[(p.month - 1) // 3]}/{p.year}"
    return f"năm {p.year}"


def day(d: date) -> str:
    """date(2026, 12, 8) → "08/12/2026", day first as Vietnamese write it (a datetime: its day)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"
