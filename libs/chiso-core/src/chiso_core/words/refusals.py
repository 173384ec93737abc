"""Why a request is refused whole, as every API answers it: the title (`error`) and each field's
problem, Vietnamese first, then English, in one string ("<vi> / <en>"). The problems of each
figure or explanation of a batch are in `words.problems`, in the language the client asks for.

A phrase a validator raises is a `Text` (raised as `chiso_core.problems.InvalidValue`, so that
the answer names it rather than "Value error, …"); every other phrase is the answer's string."""

from collections.abc import Sequence

from chiso_core.words.problems import Text, invalid_yaml, unknown_plan


def both(vi: str, en: str) -> str:
    return f"{vi} / {en}"


# --- every API -------------------------------------------------------------------------------

MALFORMED_JSON = both("JSON không hợp lệ", "malformed JSON")
INVALID_REQUEST = both("yêu cầu không hợp lệ", "invalid request")
UNREADABLE_BODY = both("không đọc được nội dung yêu cầu", "the request body cannot be read")


def unreadable_body(detail: str) -> str:
    """`detail`: the framework's words, e.g. "Invalid multipart data."."""
    return both("không đọc được nội dung gửi lên (JSON hoặc biểu mẫu multipart)", detail)


BODY_TOO_LARGE = both("nội dung yêu cầu quá lớn", "request body too large")
NOT_FOUND = both("không tìm thấy", "not found")


def no_path(path: str) -> str:
    return both(f"API này không có đường dẫn {path!r}", f"this API has no path {path!r}")


METHOD_NOT_ALLOWED = both("phương thức không được phép", "method not allowed")


def not_taken(method: str, path: str, allowed: str) -> str:
    """`allowed`: the methods the path takes, as the `Allow` header lists them."""
    return both(
        f"{path!r} không nhận phương thức {method}, chỉ nhận {allowed}",
        f"{path!r} does not take {method}, only {allowed}",
    )


def at_most_bytes(limit: int) -> str:
    return both(f"tối đa {limit} byte", f"at most {limit} bytes are accepted")


def control_character(code: int, position: int) -> Text:
    return Text(
        f"không được chứa ký tự điều khiển (có U+{code:04X} ở vị trí {position})",
        f"control characters are not accepted (found U+{code:04X} at position {position})",
    )


DATABASE_AWAY = both(
    "cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau",
    "the database is not available; retry later",
)


def _no_answer(seconds: float) -> Text:
    return Text(f"không có trả lời trong {seconds:g} giây", f"no answer within {seconds:g} s")


def no_answer_within(seconds: float) -> str:
    return _no_answer(seconds).both()


# --- keys --------------------------------------------------------------------------------------

NOT_AUTHENTICATED = both("chưa xác thực", "not authenticated")
NO_KEY = both(
    "cần tiêu đề `Authorization: Bearer <khóa API>`", "expected `Authorization: Bearer <API key>`"
)
NOT_A_KEY = both(
    "không phải khóa API của chiso (chiso_<mã khóa>_<phần bí mật>)",
    "not a chiso API key (chiso_<key id>_<secret>)",
)
KEYS_AWAY = both(
    "tạm thời chưa kiểm tra được khóa API; hãy thử lại sau",
    "keys cannot be checked now; retry later",
)
TOO_MANY_FAILURES = both(
    "quá nhiều lần xác thực thất bại từ địa chỉ này",
    "too many failed authentications from this address",
)


def unknown_key(key_id: str) -> str:
    return both(
        f"khóa {key_id} không tồn tại hoặc đã bị thu hồi", f"key {key_id} is unknown or revoked"
    )


def retry_with_a_valid_key(wait_s: int) -> str:
    return both(
        f"thử lại sau {wait_s} giây với một khóa hợp lệ", f"retry in {wait_s} s with a valid key"
    )


# What each permission lets a key do (chiso_core.access.agencies.Permission's values).
_MAY = {
    "report": Text("báo cáo số liệu", "report figures"),
    "alerts": Text("dùng API cảnh báo", "use the alerts API"),
    "read": Text("đọc điểm số", "read scores"),
}


def may_not(permission: str) -> str:
    may = _MAY[permission]
    return both(f"khóa này không được {may.vi}", f"this key may not {may.en}")


def lacks_permission(agency: str, has: Sequence[str], needs: str) -> str:
    held = ", ".join(sorted(has))
    return both(
        f"cơ quan {agency!r} có các quyền {held}, không có quyền {needs}",
        f"agency {agency!r} has the permissions {held}, not {needs}",
    )


def over_rate_limit(per_s: float) -> str:
    return both(
        f"vượt giới hạn {per_s:g} yêu cầu mỗi giây của khóa này",
        f"over this key's rate limit of {per_s:g} requests/s",
    )


# --- the catalog and a key's scope ---------------------------------------------------------------

OUTSIDE_SCOPE = both("nằm ngoài phạm vi của khóa này", "outside this key's scope")
UNKNOWN_JURISDICTION = both("không có đơn vị hành chính này", "unknown jurisdiction")
UNKNOWN_INDICATOR = both("không có chỉ tiêu này", "unknown indicator")
UNKNOWN_PLAN = both("không có kế hoạch này", "unknown plan")


def not_in_catalog(sent: str) -> str:
    return both(f"{sent!r} không có trong danh mục", f"{sent!r} is not in the catalog")


# The alerts API's things, as `no_such` and `not_in_scope` name them.
_THINGS = {
    "alert": "cảnh báo",
    "silence": "lệnh tạm tắt cảnh báo",
    "subscription": "đăng ký nhận cảnh báo",
}


def no_such(what: str) -> str:
    return both(f"không có {_THINGS[what]} này", f"no such {what}")


def not_in_scope(what: str) -> str:
    return both(
        f"không có {_THINGS[what]} nào với mã này trong phạm vi của khóa",
        f"no {what} with this id in this key's scope",
    )


# --- ingest: batches, files ------------------------------------------------------------------

INVALID_OBSERVATIONS = both("số liệu không hợp lệ", "invalid observations")
NOT_A_BATCH_OF_OBSERVATIONS = both("không phải một lô số liệu", "not a batch of observations")
NOT_A_BATCH_OF_EXPLANATIONS = both("không phải một lô giải trình", "not a batch of explanations")
TOO_MANY_OBSERVATIONS = both("quá nhiều số liệu", "too many observations")
TOO_MANY_EXPLANATIONS = both("quá nhiều giải trình", "too many explanations")
NO_EXPLANATION_KEPT = both("không giải trình nào được lưu", "no explanation was kept")
OUTSIDE_SCOPE_NOTHING_PUBLISHED = both(
    "nằm ngoài phạm vi của khóa này; không số liệu nào được công bố",
    "outside this key's scope; nothing was published",
)
CATALOG_AWAY = both(
    "danh mục tạm thời không đọc được; hãy thử lại sau",
    "the catalog is not available; retry later",
)
BROKER_DID_NOT_ACKNOWLEDGE = both(
    "hệ thống truyền tin chưa xác nhận lô này, không được coi là đã lưu: hãy gửi lại",
    "the broker did not acknowledge the batch; nothing may be assumed stored: retry",
)
KEY_REUSED = both(
    "Idempotency-Key này đã được dùng cho một yêu cầu khác",
    "this Idempotency-Key was used for another request",
)
NEW_KEY_FOR_NEW_DATA = both("dùng một khóa mới cho dữ liệu mới", "use a new key for new data")


def at_most_items(limit: int) -> str:
    return both(f"tối đa {limit} mục mỗi yêu cầu", f"at most {limit} items per request")


NOT_A_SHEET = both("không phải tệp CSV hay .xlsx", "not a CSV or .xlsx file")
EXPECTED_SHEET_NAME = both(
    "cần một tệp có tên *.csv hoặc *.xlsx", "expected a file named *.csv or *.xlsx"
)
READERS_BUSY = both(
    "mọi luồng đọc tệp đang bận; hãy thử lại sau", "every file reader is busy; retry later"
)
TOO_SLOW = both("tệp đọc quá lâu", "the file takes too long to read")


def not_read_within(seconds: float, row: int | None = None) -> str:
    return both(
        f"chưa đọc xong trong {seconds:g} giây" + (f" (dừng ở dòng {row})" if row else ""),
        f"not read within {seconds:g} s" + (f" (stopped at row {row})" if row else ""),
    )


HEADER_NOT_TEMPLATE = both(
    "dòng tiêu đề của tệp không khớp với mẫu", "the file's header is not the template's"
)


def header_columns(named: Sequence[str], optional: Sequence[str], found: Sequence[str]) -> str:
    return both(
        f"dòng tiêu đề phải có các cột {', '.join(named)} ({' và '.join(optional)} không bắt "
        f"buộc); tìm thấy {', '.join(found) or 'không có cột nào'}",
        f"the header must name the columns {', '.join(named)} ({' and '.join(optional)} "
        f"optional); found {', '.join(found) or 'nothing'}",
    )


UNREADABLE_CSV = both("tệp CSV không đọc được", "not a readable CSV file")
UNREADABLE_XLSX = both("tệp .xlsx không đọc được", "not a readable .xlsx workbook")


def row_unreadable(detail: str) -> str:
    """`detail`: the parser's words."""
    return both("không đọc được dòng này", f"cannot be read: {detail}")


EMPTY_FILE = both("tệp trống", "the file is empty")
NO_HEADER_ROW = both("không có dòng tiêu đề", "no header row")
NOT_UTF8_CSV = both("tệp CSV không ở mã UTF-8", "not a UTF-8 CSV file")


def not_utf8(detail: str) -> str:
    return both("cần mã UTF-8 (trong Excel: lưu dạng CSV UTF-8)", f"not UTF-8: {detail}")


def not_a_workbook(detail: str) -> str:
    return both("không đọc được tệp .xlsx này", f"not a readable .xlsx workbook: {detail}")


NO_WORKSHEET = both("tệp .xlsx không có trang tính nào", "the workbook has no worksheet")
TOO_MANY_ROWS = both("quá nhiều dòng", "too many rows")
WORKBOOK_TOO_LARGE = both("tệp .xlsx quá lớn", "the workbook is too large")


def more_rows_than(limit: int) -> str:
    return both(
        f"hơn {limit} dòng; chỉ đọc tối đa {limit} dòng",
        f"more than {limit} rows; at most {limit} are read",
    )


def sheet_declares(dimension: str, rows: int, limit: int) -> str:
    return both(
        f"trang tính khai báo {dimension} ({rows} dòng); chỉ đọc tối đa {limit} dòng",
        f"the sheet declares {dimension} ({rows} rows); at most {limit} are read",
    )


def unpacks_to(size: int, limit: int) -> str:
    return both(
        f"giải nén ra {size} byte; chỉ đọc tối đa {limit} byte",
        f"unpacks to {size} bytes; at most {limit} are read",
    )


# --- ingest: a feed's document (the poll fails whole, the reason in the log) -------------------


def _feed(feed: str, vi: str, en: str) -> str:
    return both(f"nguồn dữ liệu {feed}: {vi}", f"feed {feed}: {en}")


def feed_not_utf8(feed: str, detail: str) -> str:
    return _feed(feed, "nội dung CSV không ở mã UTF-8", f"the CSV body is not UTF-8 ({detail})")


def feed_not_json(feed: str, detail: str) -> str:
    return _feed(feed, "nội dung không phải JSON hợp lệ", f"the body is not JSON ({detail})")


def feed_lacks(feed: str, at: str, records: str) -> str:
    """`at`: the part of the `records` path the body does not have."""
    return _feed(
        feed,
        f"nội dung không có {at!r} (records: {records})",
        f"the body has no {at!r} (records: {records})",
    )


def feed_not_a_list(feed: str, records: str) -> str:
    """`records`: the feed's path of the list of records, empty for the body itself."""
    where_vi, where_en = (records, records) if records else ("nội dung", "the body")
    return _feed(
        feed,
        f"{where_vi} không phải một danh sách bản ghi",
        f"{where_en} is not a list of records",
    )


# --- ingest: polling a feed (the poll fails, the reason in the log) ------------------------------


def feed_answered(feed: str, status: int, url: str) -> str:
    return _feed(feed, f"máy chủ trả lời HTTP {status} tại {url}", f"HTTP {status} from {url}")


def feed_no_answer(feed: str, url: str, seconds: float) -> str:
    """`seconds`: the feed's request_timeout_s."""
    late = _no_answer(seconds)
    return _feed(
        feed,
        f"{url}: {late.vi} (request_timeout_s)",
        f"{url}: {late.en} (request_timeout_s)",
    )


def feed_too_large(feed: str, url: str, limit: int) -> str:
    """`limit`: the feed's max_bytes."""
    return _feed(
        feed,
        f"{url}: tài liệu dài hơn {limit} byte (max_bytes)",
        f"{url}: the document is longer than {limit} bytes (max_bytes)",
    )


def feed_unreachable(feed: str, url: str, detail: str) -> str:
    """`detail`: the HTTP client's words, e.g. "All connection attempts failed"."""
    return _feed(feed, f"không kết nối được tới {url}", f"cannot reach {url}: {detail}")


# --- ingest: the feeds' configuration (`chiso ingest feeds` does not start) ----------------------


def env_not_set(name: str) -> str:
    return both(
        f"biến môi trường {name} (auth.env) chưa được đặt",
        f"the environment variable {name} (auth.env) is not set",
    )


def not_yaml(path: str, line: int | None, detail: str) -> str:
    """`line`: where the YAML parser stopped, when it says."""
    at = f" (dòng {line})" if line else ""
    invalid = invalid_yaml(detail)
    return both(f"{path}: {invalid.vi}{at}", f"{path}: {invalid.en}")


def feed_file_invalid(path: str, problems: Sequence[tuple[str, Text]]) -> str:
    """`problems`: each field's path (empty for the whole file) and what was expected."""
    vi = "; ".join(f"{field or 'tệp'}: {text.vi}" for field, text in problems)
    en = "; ".join(f"{field or 'file'}: {text.en}" for field, text in problems)
    return both(f"{path}: {vi}", f"{path}: {en}")


def not_a_folder(folder: str) -> str:
    return both(
        f"{folder} (CHISO_FEEDS_DIR) không phải một thư mục",
        f"{folder} (CHISO_FEEDS_DIR) is not a folder",
    )


def no_feed_file(folder: str) -> str:
    return both(
        f"{folder} (CHISO_FEEDS_DIR) không có tệp cấu hình nguồn dữ liệu nào (*.yaml)",
        f"{folder} (CHISO_FEEDS_DIR) holds no feed file (*.yaml)",
    )


def feed_name_twice(folder: str, name: str, files: Sequence[str]) -> str:
    """`files`: the files that give the name."""
    named = ", ".join(files)
    return both(
        f"{folder}: tên nguồn dữ liệu {name!r} được dùng nhiều lần ({named})",
        f"{folder}: feed name {name!r} is used more than once ({named})",
    )


ONE_SOURCE = Text(
    "cho đúng một trong hai: `field` (đọc từ bản ghi) hoặc `value` (giá trị cố định)",
    "give exactly one of `field` (read from the row) or `value`",
)
VALUE_OR_PARTS = Text(
    "cần `value`, hoặc `numerator` và `denominator`",
    "map `value`, or `numerator` and `denominator`",
)
EVERY_SECOND_AT_LEAST = Text("`every` tối thiểu là một giây", "`every` is at least one second")


# --- `chiso report` -------------------------------------------------------------------------------


def plan_not_loaded(plan: str, known: Sequence[str]) -> str:
    """`known`: the plans the database holds."""
    no = unknown_plan(plan)
    return both(
        f"--plan: {no.vi} (có: {', '.join(known) or 'chưa nạp kế hoạch nào'})",
        f"--plan: {no.en} (known: {', '.join(known) or 'none loaded'})",
    )


def no_chromium(chromium: str) -> str:
    return both(
        f"không có Chromium tại {chromium!r} (CHISO_CHROMIUM)",
        f"no Chromium at {chromium!r} (CHISO_CHROMIUM)",
    )


def not_printed_within(seconds: float) -> str:
    return both(
        f"Chromium chưa in xong trong {seconds:g} giây (CHISO_REPORT_TIMEOUT_S)",
        f"Chromium did not print within {seconds:g} s (CHISO_REPORT_TIMEOUT_S)",
    )


def chromium_failed(code: int, detail: str) -> str:
    """`detail`: the end of what Chromium wrote on stderr."""
    return both(f"Chromium in lỗi (mã thoát {code})", f"Chromium failed ({code}): {detail}")


# --- `chiso scoring rescore` ---------------------------------------------------------------------


def not_scored(count: int) -> str:
    """The line over the targets the methods could not judge, each said on a line of its own."""
    return both(
        f"không chấm được {count} mục tiêu tại một kỳ (các điểm số khác đã được ghi; lý do của "
        "từng mục tiêu ở nhật ký, `could not score`)",
        f"{count} target(s) at a period could not be scored (every other score is written; the "
        "reason for each is in the log, `could not score`):",
    )


# --- `chiso catalog validate | load` --------------------------------------------------------------


def catalog_refused(folder: str, count: int) -> str:
    """The line under a catalog's problems, each said on a line of its own before it."""
    return both(
        f"{folder}: {count} lỗi trong các tệp danh mục; chưa nạp gì",
        f"{folder}: {count} problem(s) in the catalog files; nothing was loaded",
    )


# --- `chiso agency` -------------------------------------------------------------------------------


def scope_not_loaded(jurisdictions: Sequence[str], indicators: Sequence[str]) -> str:
    """The --jurisdiction and --indicator values the loaded catalog does not have."""
    named = [f"--jurisdiction {j!r}" for j in jurisdictions]
    named += [f"--indicator {i!r}" for i in indicators]
    return both(
        f"không có trong danh mục đã nạp: {', '.join(named)} (`chiso catalog load` trước)",
        f"not in the loaded catalog: {', '.join(named)} (`chiso catalog load` first)",
    )


AGENCY_WITHOUT_SCOPE = both(
    "một cơ quan cần ít nhất một đơn vị hành chính (--jurisdiction) và một chỉ tiêu (--indicator)",
    "an agency needs at least one jurisdiction (--jurisdiction) and one indicator (--indicator)",
)
AGENCY_WITHOUT_PERMISSION = both(
    "một cơ quan cần ít nhất một quyền (--permission: report, alerts hoặc read)",
    "an agency needs at least one permission (--permission: report, alerts or read)",
)


def agency_exists(name: str) -> str:
    return both(
        f"cơ quan {name!r} đã có: hãy cấp khóa mới (`chiso agency rotate {name}`)",
        f"agency {name!r} exists already: rotate its key instead (`chiso agency rotate {name}`)",
    )


def no_agency(name: str) -> str:
    return both(
        f"không có cơ quan {name!r} (tạo bằng `chiso agency create`)",
        f"no agency {name!r} (made by `chiso agency create`)",
    )


# --- `chiso demo` ---------------------------------------------------------------------------------


def not_scored_within(seconds: float, scored: int, expected: int, logs: str) -> str:
    """The demo waited for its figures' scores (and their alerts) longer than it allows."""
    return both(
        f"chưa chấm xong số liệu sau {seconds:g} giây (đã chấm {scored}/{expected}); "
        f"xem nhật ký tại {logs}",
        f"the figures were not scored within {seconds:g} s ({scored} of {expected} scored); "
        f"see the logs in {logs}",
    )


# --- `chiso simulate` -----------------------------------------------------------------------------


def not_a_month(sent: str) -> str:
    return both(
        f"{sent!r} không phải một tháng: dùng YYYY-MM, ví dụ 2025-06",
        f"{sent!r} is not a month: expected YYYY-MM, e.g. 2025-06",
    )


def until_before_since(since: str, until: str) -> str:
    return both(
        f"tháng {until} ở trước --since {since}: cần từ {since} trở đi",
        f"{until} is before --since {since}: expected {since} or later",
    )


def not_pushed(url: str, detail: str) -> str:
    """`detail`: the API's answer (a refusal, or still busy after its retries) or the HTTP
    client's words."""
    return both(f"mô phỏng: không gửi được số liệu tới {url}", f"simulate: {url}: {detail}")


# --- alerts: subscriptions' addresses ------------------------------------------------------------

INVALID_ADDRESS = both("địa chỉ không hợp lệ", "invalid address")
WEBHOOK_REFUSED = both("địa chỉ webhook bị từ chối", "webhook address refused")


def not_an_email(sent: str) -> str:
    return both(
        f"{sent!r} không phải địa chỉ email (cần dạng ten@example.vn)",
        f"{sent!r} is not an email address (expected name@example.vn)",
    )


def not_a_url(detail: str) -> str:
    return both("không phải URL hợp lệ", f"not a valid URL: {detail}")


NOT_HTTP = both("cần URL http:// hoặc https://", "expected an http:// or https:// URL")
NO_HOST = both("URL cần có tên máy chủ", "expected a host name in the URL")
CREDENTIALS_IN_URL = both(
    "không nhận tên đăng nhập, mật khẩu trong URL; nội dung gửi đi đã được ký",
    "credentials in the URL are not accepted; the body is signed instead",
)


def not_a_host_name(host: str, detail: str) -> str:
    return both(
        f"{host!r} không phải tên máy chủ hợp lệ", f"{host!r} is not a valid host name: {detail}"
    )


def unresolved(host: str, detail: str) -> str:
    return both(f"không phân giải được {host}", f"{host} cannot be resolved: {detail}")


def no_address(host: str) -> str:
    return both(f"{host} không trỏ tới địa chỉ nào", f"{host} resolves to no address")


_KINDS_VI = {"loopback, private or reserved": "loopback, mạng riêng hoặc dành riêng"}


def not_public(ip: str, kind: str) -> str:
    """`kind`: what the address is, as addresses.py names it ("loopback, private or reserved",
    "NAT64", "6to4" …)."""
    return both(
        f"{ip} là địa chỉ {_KINDS_VI.get(kind, kind)}; webhook chỉ gửi tới địa chỉ công cộng "
        "(nhà vận hành có thể cho phép một mạng bằng CHISO_WEBHOOK_ALLOW_NETS)",
        f"{ip} is a {kind} address; webhooks reach public addresses only (an operator may"
        " allow a network with CHISO_WEBHOOK_ALLOW_NETS)",
    )


# --- alerts: the fields of subscriptions, silences, acknowledgements -----------------------------

NUL_CHARACTER = Text(
    "không lưu được ký tự NUL (\\u0000)", "a NUL character (\\u0000) cannot be stored"
)
EMPTY_QUIET_HOURS = Text(
    "giờ bắt đầu và giờ kết thúc trùng nhau: giờ yên lặng cần một khoảng thời gian",
    "start and end are the same time: quiet hours need a window",
)
LONGER_THAN_ZERO = Text("phải dài hơn 0s", "must be longer than 0s")


def not_a_time_zone(sent: str) -> Text:
    return Text(
        f"{sent!r} không phải múi giờ IANA, ví dụ Asia/Ho_Chi_Minh",
        f"{sent!r} is not an IANA time zone, e.g. Asia/Ho_Chi_Minh",
    )


def not_a_duration(sent: str) -> Text:
    return Text(
        f"{sent!r} không phải khoảng thời gian: cần số và đơn vị, đơn vị lớn trước, ví dụ "
        '"30s", "5m", "4h", "1h30m", "1d" (đơn vị w, d, h, m, s)',
        f"{sent!r} is not a duration: expected a number and unit, largest first, "
        'e.g. "30s", "5m", "4h", "1h30m", "1d" (units w, d, h, m, s)',
    )


def duration_too_long(sent: str) -> Text:
    return Text(
        f"{sent!r} dài hơn mức tối đa được nhận, 366d",
        f"{sent!r} is longer than the longest accepted, 366d",
    )


INVALID_MATCHER = both("bộ so khớp không hợp lệ", "invalid matcher")


def not_a_label_name(sent: str) -> str:
    return both(
        f"{sent!r} không phải tên nhãn ([a-zA-Z_][a-zA-Z0-9_]*)",
        f"{sent!r} is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)",
    )


def pattern_too_long(limit: int) -> str:
    return both(
        f"biểu thức chính quy dài tối đa {limit} ký tự",
        f"a regular expression of at most {limit} characters",
    )


def not_a_pattern(sent: str, detail: str) -> str:
    return both(
        f"{sent!r} không phải biểu thức chính quy RE2 (như của Alertmanager)",
        f"{sent!r} is not a regular expression (RE2, as Alertmanager's): {detail}",
    )


SILENCE_WITHOUT_JURISDICTION = both(
    "lệnh tạm tắt phải nêu đơn vị hành chính", "a silence must name its jurisdiction"
)
EXPECTED_JURISDICTION_MATCHER = both(
    'cần một bộ so khớp {"name": "jurisdiction", "value": <một đơn vị trong phạm vi của khóa>} '
    "(is_equal true, is_regex false)",
    'expected a matcher {"name": "jurisdiction", "value": <a unit in this key\'s scope>} '
    "(is_equal true, is_regex false)",
)
SILENCE_WITHOUT_INDICATOR = both(
    "lệnh tạm tắt phải nêu chỉ tiêu", "a silence must name its indicator"
)
EXPECTED_INDICATOR_MATCHER = both(
    "khóa này chỉ theo dõi một số chỉ tiêu: cần một bộ so khớp "
    '{"name": "indicator", "value": <một trong số đó>}',
    "this key follows some indicators only: expected a matcher "
    '{"name": "indicator", "value": <one of them>}',
)
SILENCE_ENDS_TOO_SOON = both("lệnh tạm tắt phải kết thúc muộn hơn", "a silence must end later")
EXPECTED_LATER_END = both(
    "cần một thời điểm sau starts_at và sau lúc này", "expected a time after starts_at and now"
)
NOT_THIS_AGENCYS_SILENCE = both(
    "không phải lệnh tạm tắt của cơ quan này", "not this agency's silence"
)


def made_by(owner: str) -> str:
    return both(
        f"do {owner!r} tạo; chỉ khóa của cơ quan đó được kết thúc lệnh này",
        f"made by {owner!r}; only its keys may expire it",
    )


ONLY_FIRING_ACKNOWLEDGED = both(
    "chỉ xác nhận được cảnh báo đang kích hoạt", "only a firing alert is acknowledged"
)


def not_firing(state: str) -> str:
    return both(
        f"cảnh báo này đang ở trạng thái {state}: cần một cảnh báo đang kích hoạt (firing)",
        f"this alert is {state}: expected a firing one",
    )


# --- `chiso grafana publish` -------------------------------------------------------------------
# (every dashboard file is read and checked before anything is sent: one bad file publishes none)


def not_a_dashboards_folder(folder: str) -> str:
    return both(
        f"{folder}: không phải thư mục chứa các tệp bảng điều khiển (*.json); chỉ lại --dashboards",
        f"{folder}: expected a folder of dashboard files (*.json); point --dashboards at one",
    )


def no_dashboard_files(folder: str) -> str:
    return both(
        f"{folder}: không có tệp bảng điều khiển nào (*.json); chạy `chiso grafana build` trước",
        f"{folder}: no dashboard files (*.json); run `chiso grafana build` first",
    )


def dashboard_not_json(path: str, detail: str) -> str:
    """`detail`: the JSON parser's words."""
    return both(
        f"{path}: không phải bảng điều khiển dạng JSON hợp lệ; sửa tệp hoặc tạo lại bằng "
        "`chiso grafana build`",
        f"{path}: expected a dashboard in JSON: {detail}; fix the file or make it again with "
        "`chiso grafana build`",
    )


def dashboard_not_an_object(path: str) -> str:
    return both(
        f"{path}: cần một đối tượng JSON (một bảng điều khiển), không phải danh sách hay giá trị",
        f"{path}: expected a JSON object (a dashboard)",
    )


def dashboard_lacks(path: str, field: str) -> str:
    """`field`: "uid" or "title", which Grafana finds and shows a dashboard by."""
    return both(
        f"{path}: {field}: cần một chuỗi ký tự không rỗng",
        f"{path}: {field}: expected a non-empty string",
    )


def dashboard_uid_repeats(path: str, uid: str, other: str) -> str:
    """`other`: the file that gave the uid first."""
    return both(
        f"{path}: uid {uid!r} đã dùng ở {other}; mỗi bảng điều khiển một uid riêng",
        f"{path}: uid {uid!r} is also {other}'s; each dashboard has its own uid",
    )


def grafana_refused(status: int | None, detail: str) -> str:
    """`detail`: Grafana's own message, e.g. "Permissions needed: dashboards:write"."""
    code = f" (HTTP {status})" if status else ""
    return both(
        f"Grafana từ chối yêu cầu{code}; có thể một phần đã được đăng: kiểm tra "
        "CHISO_GRAFANA_TOKEN (tài khoản dịch vụ có quyền Editor) và CHISO_GRAFANA_URL, rồi chạy "
        "lại (đăng lại không thay đổi gì thêm)",
        f"Grafana refused{code}: {detail}; some may be published: check CHISO_GRAFANA_TOKEN "
        "(a service account with Editor rights) and CHISO_GRAFANA_URL, then run it again "
        "(publishing again changes nothing more)",
    )


def grafana_unreachable(url: str, detail: str) -> str:
    """`url`: CHISO_GRAFANA_URL without its user:password; `detail`: the HTTP client's words."""
    return both(
        f"không kết nối được tới Grafana tại {url}: kiểm tra CHISO_GRAFANA_URL, mạng và "
        "CHISO_GRAFANA_TIMEOUT_S, rồi chạy lại",
        f"Grafana unreachable at {url}: {detail}; check CHISO_GRAFANA_URL, the network and "
        "CHISO_GRAFANA_TIMEOUT_S, then run it again",
    )
