"""What an agency reads when a figure is refused or held: Vietnamese first, English on request
(`Accept-Language: en`). Every phrase is built here, once, in both languages; a refusal of a
whole request says one in both at once (`Text.both`; its own phrases are in `words.refusals`),
and so does each problem of the catalog's files (`chiso catalog validate`)."""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from chiso_core.words.vietnamese import day

Lang = Literal["vi", "en"]


@dataclass(frozen=True, slots=True)
class Text:
    vi: str
    en: str

    def in_(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.vi

    def both(self) -> str:
        """As a refusal of a whole request reads: Vietnamese first, then English."""
        return f"{self.vi} / {self.en}"


def language(accept_language: str | None) -> Lang:
    """English when the first language the client prefers is English; Vietnamese otherwise."""
    first = (accept_language or "").split(",", 1)[0].split(";", 1)[0].strip().lower()
    return "en" if first == "en" or first.startswith("en-") else "vi"


def _n(x: float | None, lang: Lang, spec: str = "g") -> str:
    """A figure as a person writes it: 0,475 in Vietnamese, 0.475 in English."""
    text = "" if x is None else format(x, spec)
    return text.replace(".", ",") if lang == "vi" else text


def _both(vi: str, en: str) -> Text:
    return Text(vi, en)


def unknown_indicator(code: str) -> Text:
    return _both(f"không có chỉ tiêu {code!r} trong danh mục", f"unknown indicator {code!r}")


def unknown_jurisdiction(reference: str, period: str) -> Text:
    return _both(
        f"không có đơn vị hành chính {reference!r} trong kỳ {period} (mã danh mục, hoặc mã "
        "hành chính có hiệu lực trong kỳ)",
        f"unknown jurisdiction {reference!r} (a catalog id, or an official code in force in "
        f"the period {period})",
    )


def ceased(name_vi: str, name_en: str, ended: date, period: str, successors: Iterable[str]) -> Text:
    after = ", ".join(successors)
    vi_next = f"; báo cáo cho đơn vị kế thừa: {after}" if after else ""
    en_next = f"; report for its successor: {after}" if after else ""
    return _both(
        f"{name_vi} đã chấm dứt hoạt động từ sau {day(ended)}, không có số liệu kỳ {period}"
        + vi_next,
        f"{name_en} ceased after {ended.isoformat()}: no figure for {period}" + en_next,
    )


def not_yet_formed(name_vi: str, name_en: str, began: date, period: str) -> Text:
    return _both(
        f"{name_vi} được thành lập từ {day(began)}, sau kỳ {period}",
        f"{name_en} was formed on {began.isoformat()}, after {period}",
    )


def code_names(code: str, period: str, name_vi: str, name_en: str, unit_id: str) -> Text:
    """Which unit an official code stands for in a period (codes are reused after mergers)."""
    return _both(
        f"mã {code} trong kỳ {period} là {name_vi} ({unit_id})",
        f"code {code} in {period} is {name_en} ({unit_id})",
    )


def bad_period(sent: str, detail: str) -> Text:
    return _both(
        f"kỳ {sent!r} không hợp lệ: dùng YYYY (năm), YYYY-Qn (quý) hoặc YYYY-MM (tháng)",
        detail,
    )


def period_not_ended(period: str, ends: date, lag_days: int, today: date) -> Text:
    lag_vi = f" cộng {lag_days} ngày công bố" if lag_days else ""
    lag_en = f" plus {lag_days} days to publish" if lag_days else ""
    return _both(
        f"kỳ {period} chưa kết thúc: sớm nhất từ {day(ends)}{lag_vi} (hôm nay {day(today)})",
        f"the period {period} has not ended: not before {ends.isoformat()}{lag_en} "
        f"(today is {today.isoformat()})",
    )


def wrong_unit(indicator: str, unit: str, sent: str, percent: bool) -> Text:
    return _both(
        f"{indicator} tính bằng {unit}"
        + (" (61,5 cho 61,5 %, không phải 0,615)" if percent else "")
        + f", không phải {sent!r}; giá trị không bao giờ được quy đổi",
        f"{indicator} is reported in {unit}"
        + (" (61.5 for 61.5 %, never 0.615)" if percent else "")
        + f", not {sent!r}; values are never converted",
    )


def out_of_range(value: float, lo: float | None, hi: float | None, unit: str) -> Text:
    return _both(
        f"{_n(value, 'vi')} nằm ngoài khoảng hợp lệ {_n(lo, 'vi')}..{_n(hi, 'vi')} {unit}",
        f"{value} is outside the valid range {lo}..{hi} {unit}",
    )


def too_large(value: float, largest: float) -> Text:
    """`largest`: a power of ten, written as one (10^18, not 1e+18)."""
    power = f"10^{round(math.log10(largest))}"
    return _both(
        f"{_n(value, 'vi')} quá lớn: giá trị tuyệt đối của số liệu không vượt quá {power}",
        f"{value:g} is too large: no figure exceeds {power} in absolute value",
    )


def not_a_ratio(indicator: str, kind: str) -> Text:
    return _both(
        f"{indicator} là chỉ tiêu loại {kind}, không phải tỉ lệ: không có tử số, mẫu số",
        f"{indicator} is a {kind}, not a ratio: no numerator or denominator",
    )


def parts_together() -> Text:
    return _both(
        "tử số và mẫu số đi cùng nhau: cho cả hai hoặc không cho cả hai",
        "numerator and denominator go together: give both or neither",
    )


def ratio_mismatch(value: float, ratio: float, unit: str) -> Text:
    return _both(
        f"giá trị {_n(value, 'vi')} không khớp tử số/mẫu số ({_n(ratio, 'vi', '.4g')} {unit})",
        f"value {value} does not match numerator/denominator ({ratio:.4g} {unit})",
    )


def outside_jurisdictions(sent: str, allowed: Iterable[str], resolved: Text | None) -> Text:
    scope = ", ".join(allowed)
    also_vi = f"; {resolved.vi}" if resolved else ""
    also_en = f"; {resolved.en}" if resolved else ""
    return _both(
        f"{sent!r} nằm ngoài các đơn vị của khóa này ({scope} và các đơn vị trực thuộc){also_vi}",
        f"{sent!r} is outside this key's jurisdictions ({scope} and the units below them)"
        + also_en,
    )


def outside_indicators(sent: str, allowed: Iterable[str]) -> Text:
    scope = ", ".join(allowed)
    return _both(
        f"{sent!r} không thuộc các chỉ tiêu của khóa này ({scope})",
        f"{sent!r} is not among this key's indicators ({scope})",
    )


def outlier(value: float, lo: float, hi: float, count: int, methods: Iterable[str]) -> Text:
    by = ", ".join(methods)
    return _both(
        f"{_n(value, 'vi')} khác thường so với {count} số liệu trước của chuỗi "
        f"({_n(lo, 'vi')}..{_n(hi, 'vi')}; theo {by}): tạm giữ, chưa công bố; gửi lại với "
        '"confirm": true nếu đúng, hoặc gửi số đã sửa',
        f"{value:g} is unusual against the series' {count} earlier figures "
        f'({lo:g}..{hi:g}; by {by}): held, not published; re-send it with "confirm": true '
        "if it is right, or send the corrected figure",
    )


# --- a field pydantic could not read ---

AN_OBJECT = Text("một đối tượng JSON", "an object")
A_FIGURE = Text(
    "một đối tượng có các trường của một số liệu", "an object with the fields of a figure"
)
AN_EXPLANATION = Text(
    "một đối tượng có các trường của một giải trình", "an object with the fields of an explanation"
)
# Dates and times are read as ISO 8601 only ("08/12/2026" is 8 December to some readers and
# 12 August to others): the answer shows the form expected, not pydantic's parser detail.
EXPECTED_DATETIME = Text(
    "cần ngày giờ ISO 8601 có múi giờ, ví dụ 2026-12-08T17:00:00+07:00",
    "expected an ISO 8601 date and time with its offset (YYYY-MM-DDTHH:MM:SS+07:00)",
)
EXPECTED_DATE = Text(
    "cần ngày ISO 8601, ví dụ 2026-12-08", "expected an ISO 8601 date (YYYY-MM-DD)"
)
_DATES = {
    "datetime_parsing": EXPECTED_DATETIME,
    "datetime_from_date_parsing": EXPECTED_DATETIME,
    "datetime_type": EXPECTED_DATETIME,
    "timezone_aware": EXPECTED_DATETIME,
    "date_parsing": EXPECTED_DATE,
    "date_from_datetime_parsing": EXPECTED_DATE,
    "date_from_datetime_inexact": EXPECTED_DATE,
    "date_type": EXPECTED_DATE,
}


def not_an_object(expected_object: Text = AN_OBJECT) -> Text:
    """What an item that is no object (a number, a list …) should have been."""
    return _both(f"phải là {expected_object.vi}", f"expected {expected_object.en}")


def _bound(x: object) -> str:
    return _n(x, "vi") if isinstance(x, int | float) and not isinstance(x, bool) else str(x)


def _at_least(ctx: Mapping[str, Any]) -> str:
    return "không được âm" if ctx.get("ge") == 0 else f"phải từ {_bound(ctx.get('ge'))} trở lên"


def _not_shorter(ctx: Mapping[str, Any]) -> str:
    least = ctx.get("min_length")
    return "không được để trống" if least == 1 else f"cần ít nhất {least} ký tự"


def _one_of(ctx: Mapping[str, Any]) -> str:
    return f"phải là một trong: {str(ctx.get('expected')).replace(' or ', ' hoặc ')}"


def _said(words: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda ctx: words


# pydantic's error types, as a Vietnamese reader is told what was expected (the error's context
# gives the bounds); English keeps pydantic's own message.
_WORDS: tuple[tuple[tuple[str, ...], Callable[[Mapping[str, Any]], str]], ...] = (
    (("missing",), _said("thiếu trường bắt buộc")),
    (("string_type",), _said("phải là một chuỗi ký tự")),
    (("string_too_short",), _not_shorter),
    (("string_too_long",), lambda ctx: too_long(ctx.get("max_length", 0)).vi),
    (("string_pattern_mismatch",), lambda ctx: f"không đúng dạng {ctx.get('pattern')}"),
    (("int_type", "int_parsing", "int_from_float"), _said("phải là một số nguyên")),
    (("float_type", "float_parsing"), _said("phải là một số")),
    (("finite_number",), _said("phải là một số hữu hạn")),
    (("bool_type", "bool_parsing"), _said("phải là true hoặc false")),
    (("list_type",), _said("phải là một danh sách")),
    (("too_short",), lambda ctx: f"cần ít nhất {ctx.get('min_length')} mục"),
    (("too_long",), lambda ctx: f"tối đa {ctx.get('max_length')} mục"),
    (("enum", "literal_error"), _one_of),
    (("greater_than",), lambda ctx: f"phải lớn hơn {_bound(ctx.get('gt'))}"),
    (("greater_than_equal",), _at_least),
    (("less_than",), lambda ctx: f"phải nhỏ hơn {_bound(ctx.get('lt'))}"),
    (("less_than_equal",), lambda ctx: f"không được lớn hơn {_bound(ctx.get('le'))}"),
    (
        ("uuid_type", "uuid_parsing"),
        _said("phải là một UUID, ví dụ 1fc3097b-3d19-423e-a8e4-5c586f158360"),
    ),
    (("url_type", "url_parsing"), _said("phải là một URL")),
    (("url_scheme",), lambda ctx: f"URL phải bắt đầu bằng {ctx.get('expected_schemes')}"),
    (("json_type",), _said("phải là một chuỗi JSON")),
)
_READ_VI = {kind: words for kinds, words in _WORDS for kind in kinds}


def unreadable(error: Mapping[str, Any], expected_object: Text = AN_OBJECT) -> Text:
    """Why a field could not be read (a pydantic error), saying what was expected;
    `expected_object` is what an item that is no object should have been."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "json_invalid":
        return _both("JSON không hợp lệ", f"malformed JSON: {ctx.get('error', error['msg'])}")
    if kind == "extra_forbidden":
        return _both("trường không có trong mẫu", "unknown field")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return not_an_object(expected_object)
    if dates := _DATES.get(kind):
        return dates
    english = error["msg"]
    if vi := _READ_VI.get(kind):
        return _both(vi(ctx), english)
    if kind == "value_error":
        return _both("giá trị không hợp lệ", english)
    return _both(f"không đọc được: {english}", english)


# --- a file's row or a feed's record, read as a figure ---


def not_a_number(found: object) -> Text:
    return _both(
        f"cần một số viết với dấu chấm thập phân, ví dụ 61.5, không phải {found!r}",
        f"expected a number such as 61.5, found {found!r}",
    )


def missing_field(name: str) -> Text:
    """A field (JSON key, CSV column) of a feed's record that is absent or empty."""
    return _both(f"thiếu trường {name!r} hoặc trường này để trống", f"field {name!r} is missing")


def not_in_format(sent: str, form: str) -> Text:
    """`form`: the strptime format the feed's periods are written in, e.g. %m/%Y."""
    return _both(f"{sent!r} không đúng định dạng {form}", f"{sent!r} is not in format {form}")


NO_DENOMINATOR = Text("phải lớn hơn 0 để tính được giá trị", "must be above 0 to compute the value")


# --- an owner's explanation of a target ---


def unknown_plan(plan: str) -> Text:
    return _both(f"không có kế hoạch {plan!r}", f"no plan {plan!r}")


def unknown_target(plan: str, target: str) -> Text:
    return _both(
        f"kế hoạch {plan} không có chỉ tiêu {target!r}", f"plan {plan} has no target {target!r}"
    )


def not_an_owner(agency: str, owners: Iterable[str]) -> Text:
    named = ", ".join(owners) or "—"
    return _both(
        f"cơ quan {agency!r} không chủ trì hay phối hợp chỉ tiêu này ({named}): chỉ cơ quan được "
        "giao mới giải trình",
        f"agency {agency!r} neither leads nor supports this target ({named}): only its owners "
        "explain it",
    )


def period_not_begun(period: str, begins: date) -> Text:
    return _both(
        f"kỳ {period} chưa bắt đầu (từ {day(begins)})",
        f"the period {period} has not begun (it begins {begins.isoformat()})",
    )


def empty_text() -> Text:
    return _both("không được để trống", "must not be empty")


def too_long(limit: int) -> Text:
    return _both(f"dài quá {limit} ký tự", f"longer than {limit} characters")


def control_characters() -> Text:
    return _both(
        "không được chứa ký tự điều khiển (trừ xuống dòng)",
        "control characters are not accepted (line breaks are)",
    )


def not_https(sent: str) -> Text:
    return _both(
        f"cần một đường dẫn https://…, không phải {sent[:80]!r}",
        f"expected an https://… link, not {sent[:80]!r}",
    )


# --- the catalog's files (`chiso catalog validate | load`; each problem after its file, line
# and field) ---

A_MAPPING = Text("một bảng trường (các dòng khóa: giá trị)", "a mapping (key: value lines)")
INDICATORS = Text("chỉ tiêu", "indicator")
JURISDICTIONS = Text("đơn vị hành chính", "jurisdiction")
AGENCIES = Text("cơ quan", "agency")

MISSING_FILE = Text("không có tệp này; danh mục cần nó", "file is missing; the catalog needs it")
NO_PLAN_FILES = Text(
    "không có tệp kế hoạch nào (*.yaml); danh mục cần ít nhất một",
    "no plan files (*.yaml); the catalog needs at least one",
)


def invalid_yaml(detail: str) -> Text:
    """`detail`: the YAML parser's words, e.g. "expected ',' or ']', but got '<stream end>'"."""
    return _both("không phải YAML hợp lệ", f"not valid YAML: {detail}")


def not_a_list(entries: Text) -> Text:
    """`entries`: what the file lists, e.g. INDICATORS."""
    return _both(
        f"cần một danh sách {entries.vi}, mỗi mục bắt đầu bằng '- '",
        f"expected a list of {entries.en} entries, each starting with '- '",
    )


def code_repeats(code: str, first: int) -> Text:
    """`first`: the item (from 0) that gave the code first."""
    return _both(
        f"{code!r} bị lặp lại (đã có ở mục {first}); mỗi mã chỉ ghi một lần",
        f"{code!r} repeats (first at item {first}); each is given once",
    )


def _not_in(file: str, what: Text, code: str, key: str) -> Text:
    """`key`: what names an entry of `file`, e.g. "an id"."""
    return _both(
        f"không có {what.vi} {code!r} trong {file}",
        f"unknown {what.en} {code!r} (expected {key} from {file})",
    )


def not_in_indicators(code: str) -> Text:
    return _not_in("indicators.yaml", INDICATORS, code, "a code")


def not_in_jurisdictions(unit: str) -> Text:
    return _not_in("jurisdictions.yaml", JURISDICTIONS, unit, "an id")


def not_in_agencies(agency: str) -> Text:
    return _not_in("agencies.yaml", AGENCIES, agency, "an id")


NO_LEAD = Text(
    "chưa có cơ quan chủ trì: ghi owners.lead ở chỉ tiêu hoặc owners ở kế hoạch",
    "no lead agency: give owners.lead on the target or owners on the plan",
)
REVISION_IN_FILE = Text(
    "số phiên bản được gán khi nạp danh mục; không ghi trong tệp",
    "is assigned when the catalog is loaded; leave it out of the file",
)


def not_the_file_name(expected: str) -> Text:
    return _both(
        f"phải là {expected!r}, đúng tên của tệp", f"expected {expected!r}, the file's name"
    )


def plan_repeats(plan: str) -> Text:
    return _both(
        f"kế hoạch {plan!r} bị lặp lại; mỗi kế hoạch một mã riêng",
        f"plan {plan!r} repeats; each plan has its own id",
    )


def target_repeats(first: str, said: str) -> Text:
    """A plan's second target of one indicator that reads as `first` does (`said`, e.g.
    "≥ 30% vào năm 2030"): alerts and the scorecard tell a plan's targets apart by these words."""
    return _both(
        f"trùng với mục tiêu {first!r} ({said}): cùng chỉ tiêu, cùng mức, cùng năm",
        f"repeats target {first!r} ({said}): same indicator, aim and year",
    )


# --- the catalog's rules across fields (its models' validators) ---

RATIO_WITHOUT_PARTS = Text(
    "chỉ tiêu tỉ lệ (kind: ratio) cần ghi numerator và denominator",
    "a ratio indicator needs its numerator and denominator defined",
)
RATIO_ROLLUP = Text(
    "chỉ tiêu tỉ lệ tổng hợp theo ratio_of_sums (không bao giờ lấy trung bình các tỉ lệ) hoặc none",
    "a ratio rolls up as ratio_of_sums (never a mean of ratios) or none",
)
RANK_LOWER_IS_BETTER = Text(
    "chỉ tiêu xếp hạng (kind: rank) cần direction: lower_is_better",
    "a rank is lower_is_better",
)
MIN_ABOVE_MAX = Text(
    "valid_min lớn hơn valid_max; cần valid_min ≤ valid_max",
    "valid_min is above valid_max; expected valid_min ≤ valid_max",
)
BETWEEN_VALUES = Text(
    "between cần values: [thấp, cao] với thấp ≤ cao, và không có value",
    "between takes values: [low, high] with low ≤ high, and no value",
)
MILESTONE_NO_VALUE = Text(
    "milestone (hoàn thành đúng hạn) không có value hay values",
    "a milestone takes no value",
)


def one_value(comparator: str) -> Text:
    return _both(
        f"{comparator} cần đúng một value (không có values)", f"{comparator} takes one value"
    )


def target_id_repeats(target: str) -> Text:
    return _both(
        f"mã mục tiêu {target!r} bị lặp lại; mỗi mục tiêu một mã riêng",
        f"target id {target!r} repeats; each target has its own id",
    )


def agency_named_twice(agency: str) -> Text:
    return _both(f"cơ quan {agency!r} được ghi hai lần", f"agency {agency!r} is named twice")
