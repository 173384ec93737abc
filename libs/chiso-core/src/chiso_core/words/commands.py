"""What the `chiso` commands tell an operator they did, Vietnamese first, then English, on one
line ("<vi> / <en>"), as a refusal reads (`words.refusals`, which also holds why a command
stops). Each count, id, path and table name is said in both halves, as the program wrote it.

What a script captures is no sentence and stays as it is: an agency's key is printed alone on
stdout (these words go to stderr), and a feed's outcome code (`published`, `failed` …) leads its
line, as `chiso_feed_fetches_total` labels it."""

from collections.abc import Iterable, Mapping

from chiso_core.words.labels import EN, FEED_OUTCOME, VI
from chiso_core.words.refusals import both


def _listed(names: Iterable[str]) -> str:
    return ", ".join(names)


def _then(names: Iterable[str]) -> str:
    """ ": a, b" after a count, when something is named; nothing otherwise."""
    listed = _listed(names)
    return f": {listed}" if listed else ""


# --- `chiso migrate`, `chiso create-topics`, `chiso retention` ------------------------------------


def migrated(applied: Iterable[str]) -> str:
    """`applied`: the migrations' ids, in the order applied."""
    ids = list(applied)
    return both(
        f"đã áp dụng {len(ids)} bản cập nhật cấu trúc cơ sở dữ liệu (migration){_then(ids)}",
        f"applied {len(ids)} migration(s){_then(ids)}",
    )


def topics_created(created: Iterable[str]) -> str:
    names = list(created)
    return both(
        f"đã tạo {len(names)} topic Kafka còn thiếu{_then(names)}",
        f"created {len(names)} topic(s){_then(names)}",
    )


def retention_removed(removed: Mapping[str, int]) -> str:
    """`removed`: how many rows (chunks for scores) went, by table."""
    counts = _listed(f"{table} {n}" for table, n in removed.items())
    return both(f"lưu giữ dữ liệu: đã xóa {counts}", f"retention: removed {counts}")


# --- `chiso catalog validate | load` --------------------------------------------------------------


def catalog_valid(
    indicators: int, jurisdictions: int, agencies: int, plans: int, targets: int
) -> str:
    return both(
        f"danh mục hợp lệ: {indicators} chỉ tiêu, {jurisdictions} đơn vị hành chính, "
        f"{agencies} cơ quan, {plans} kế hoạch, {targets} mục tiêu",
        f"ok: {indicators} indicators, {jurisdictions} jurisdictions, {agencies} agencies, "
        f"{plans} plans, {targets} targets",
    )


def catalog_loaded(indicators: int, jurisdictions: int, agencies: int) -> str:
    return both(
        f"đã nạp danh mục: {indicators} chỉ tiêu, {jurisdictions} đơn vị hành chính, "
        f"{agencies} cơ quan",
        f"loaded {indicators} indicators, {jurisdictions} jurisdictions, {agencies} agencies",
    )


# What loading did to a plan (chiso_core.catalog.store.load's words for it).
_PLAN_LOADED = {
    "new": ("mới", "new"),
    "unchanged": ("không đổi", "unchanged"),
    "revised": ("đã sửa, phiên bản mới", "revised"),
}


def plan_loaded(plan: str, revision: int, what: str) -> str:
    """`what`: "new", "unchanged" or "revised"."""
    vi, en = _PLAN_LOADED.get(what, (what, what))
    return both(
        f"kế hoạch {plan}: phiên bản {revision} ({vi})", f"plan {plan}: revision {revision} ({en})"
    )


# --- `chiso agency` -------------------------------------------------------------------------------

KEY_SHOWN_ONCE = "({})".format(
    both(
        "khóa chỉ hiện một lần: hệ thống chỉ lưu mã băm của nó; hãy lưu khóa lại và gửi kèm tiêu "
        "đề `Authorization: Bearer …`",
        "shown once: only its hash is stored; keep it and send it as `Authorization: Bearer …`",
    )
)


def keys_revoked(key_ids: Iterable[str]) -> str:
    """`key_ids`: the ids of the keys revoked (the part of a key between its underscores)."""
    ids = list(key_ids)
    return both(
        f"đã thu hồi khóa: {_listed(ids) or 'không có'}", f"revoked: {_listed(ids) or 'none'}"
    )


# --- `chiso ingest feeds --once` ------------------------------------------------------------------


def feed_polled(feed: str, outcome: str) -> str:
    """`outcome`: chiso_ingest's Outcome code, kept first on the line for a cron job to read."""
    vi, en = FEED_OUTCOME[VI].get(outcome, outcome), FEED_OUTCOME[EN].get(outcome, outcome)
    return f"{feed}: {outcome} ({both(vi, en)})"


# --- `chiso scoring rescore`, `chiso report` ------------------------------------------------------


def rescored(written: int) -> str:
    return both(
        f"đã chấm lại: ghi và công bố {written} điểm số",
        f"re-scored: {written} score(s) written and published",
    )


def wrote(path: str) -> str:
    return both(f"đã ghi {path}", f"wrote {path}")


# --- `chiso grafana build | publish` --------------------------------------------------------------


def dashboards_written(count: int, folder: str) -> str:
    return both(
        f"đã ghi {count} tệp bảng điều khiển (dashboard) vào {folder}",
        f"wrote {count} dashboard file(s) to {folder}",
    )


def dashboards_published(count: int, folders: Iterable[str]) -> str:
    """`folders`: the titles of the Grafana folders created for them."""
    made = list(folders)
    return both(
        f"đã đăng {count} bảng điều khiển lên Grafana; tạo {len(made)} thư mục{_then(made)}",
        f"published {count} dashboard(s); created {len(made)} folder(s){_then(made)}",
    )


# --- `chiso demo`, `chiso simulate` ---------------------------------------------------------------
# (the demo also says `migrated`, `catalog_loaded` and `plan_loaded`, as `chiso migrate` and
# `chiso catalog load` do; why `chiso simulate` stops is `refusals.not_pushed`)


def broker_started(servers: str, pid: int | None) -> str:
    """`servers`: the embedded broker's bootstrap servers."""
    return both(
        f"máy chủ trung gian thông điệp (broker) Tansu đang chạy tại {servers} (pid {pid})",
        f"broker Tansu running on {servers} (pid {pid})",
    )


def database_started(address: str, data_dir: str, pid: int | None) -> str:
    """`address`: host:port of the embedded cluster; `data_dir`: its folder, kept between runs."""
    return both(
        f"cơ sở dữ liệu TimescaleDB đang chạy tại {address}, dữ liệu lưu tại {data_dir} "
        f"(pid {pid})",
        f"database TimescaleDB running on {address}, data in {data_dir} (pid {pid})",
    )


def service_ready(service: str, url: str, pid: int | None) -> str:
    return both(
        f"dịch vụ {service} sẵn sàng tại {url} (pid {pid})",
        f"service {service} ready on {url} (pid {pid})",
    )


def agency_keyed(agency: str) -> str:
    """The simulator's agency was given a key (the key itself is not shown)."""
    return both(
        f"đã cấp khóa API cho cơ quan {agency} bằng `chiso agency create`",
        f"agency {agency}: an API key from `chiso agency create`",
    )


def simulated(reports: int, revisions: int, series: int, since: str, until: str, seed: int) -> str:
    """What the ingest API accepted of a simulation: the figures, then their corrections."""
    return both(
        f"mô phỏng: API đã nhận {reports} số liệu qua POST /v1/observations và {revisions} số "
        f"liệu đính chính ({series} chuỗi số liệu, {since}..{until}, seed {seed})",
        f"simulate: {reports} figures accepted by POST /v1/observations, {revisions} revised "
        f"({series} series, {since}..{until}, seed {seed})",
    )


def demo_database(url: str) -> str:
    """The line before `export CHISO_DATABASE_URL=<url>`, which stays alone on its line."""
    return both(
        f"cơ sở dữ liệu của bản demo: {url}; để dùng với `chiso agency`, `chiso report`, "
        "chạy lệnh dưới đây",
        f"the demo's database: {url}; for `chiso agency`, `chiso report`, run the line below",
    )


def scorecard_at(url: str) -> str:
    return both(
        f"bảng điểm trực tiếp cho màn hình IOC: {url}",
        f"live scorecard, for the IOC's screen: {url}",
    )


def api_docs_at(url: str) -> str:
    return both(f"tài liệu API: {url}", f"API docs: {url}")


def metrics_at(url: str) -> str:
    return both(f"số liệu giám sát (metrics): {url}", f"metrics: {url}")


def logs_in(folder: str) -> str:
    return both(f"nhật ký (logs): {folder}", f"logs: {folder}")


def left_unread(service: str, messages: int) -> str:
    """The demo stopped a consumer that had not read all the broker held for it in time."""
    return both(
        f"dịch vụ {service} dừng khi còn {messages} thông điệp chưa đọc; broker nhúng (Tansu) "
        "không giữ chúng qua lần khởi động sau",
        f"service {service} stopped with {messages} message(s) unread; the embedded broker "
        "(Tansu) does not keep them across a restart",
    )


RUNNING = both("đang chạy; nhấn Ctrl-C để dừng", "running; press Ctrl-C to stop")
STOPPING = both("đang dừng", "stopping")
STOPPED = both("đã dừng", "stopped")
