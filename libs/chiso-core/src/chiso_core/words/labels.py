"""The names users read for the project's codes: statuses, comparators, units and cadences, in
Vietnamese and English. The one place each is spelled: the report, the dashboards, alert texts
and the demo's scorecard take them from here, so a status has one name everywhere.

Comparators and cadences are keyed by their codes ("gt", "month"; a catalog `Comparator` or
`Cadence` is one): the words stand below the catalog, whose own problems are phrased here too."""

from chiso_core.status import Status
from chiso_core.words.probability import Language

VI, EN = Language.VI, Language.EN

STATUS: dict[Language, dict[Status, str]] = {
    VI: {
        Status.ACHIEVED: "Đã đạt",
        Status.ON_TRACK: "Đúng tiến độ",
        Status.NEEDS_ACCELERATION: "Cần tăng tốc",
        Status.OFF_TRACK: "Chậm tiến độ",
        Status.DETERIORATING: "Đang đi xuống",
        Status.STALE: "Số liệu quá hạn",
        Status.INSUFFICIENT_DATA: "Chưa đủ số liệu",
    },
    EN: {
        Status.ACHIEVED: "Achieved",
        Status.ON_TRACK: "On track",
        Status.NEEDS_ACCELERATION: "Needs acceleration",
        Status.OFF_TRACK: "Off track",
        Status.DETERIORATING: "Deteriorating",
        Status.STALE: "Stale",
        Status.INSUFFICIENT_DATA: "Insufficient data",
    },
}

COMPARATOR: dict[Language, dict[str, str]] = {
    VI: {
        "gt": "trên",
        "gte": "tối thiểu",
        "lt": "dưới",
        "lte": "tối đa",
        "between": "trong khoảng",
        "growth_gte": "tăng bình quân tối thiểu",
        "count_per_year_gte": "mỗi năm tối thiểu",
        "maintain_gt": "duy trì trên",
        "maintain_gte": "duy trì tối thiểu",
        "milestone": "hoàn thành",
    },
    EN: {
        "gt": "above",
        "gte": "at least",
        "lt": "below",
        "lte": "at most",
        "between": "between",
        "growth_gte": "average growth of at least",
        "count_per_year_gte": "every year at least",
        "maintain_gt": "kept above",
        "maintain_gte": "kept at least at",
        "milestone": "done",
    },
}

# The catalog's units (indicators.yaml `unit`) as a reader says them.
UNIT: dict[Language, dict[str, str]] = {
    VI: {
        "percent": "%",
        "percent_per_year": "%/năm",
        "per_10k_population": "người/vạn dân",
        "count": "",
        "count_per_year": "/năm",
        "index": "",  # an index has no unit a reader says
        "rank": "hạng",
        "milestone": "",
    },
    EN: {
        "percent": "%",
        "percent_per_year": "%/year",
        "per_10k_population": "per 10,000 people",
        "count": "",
        "count_per_year": "/year",
        "index": "",
        "rank": "rank",
        "milestone": "",
    },
}

CADENCE: dict[Language, dict[str, str]] = {
    VI: {"month": "tháng", "quarter": "quý", "year": "năm"},
    EN: {"month": "month", "quarter": "quarter", "year": "year"},
}


# The things a target is about, named the same on every page, dashboard and message.
TERM: dict[Language, dict[str, str]] = {
    VI: {
        "plan": "Kế hoạch",
        "jurisdiction": "Địa bàn",
        "indicator": "Chỉ tiêu",
        "target": "Mục tiêu",
        "rule": "Quy tắc",
        "status": "Trạng thái",
        "severity": "Mức độ",
    },
    EN: {
        "plan": "Plan",
        "jurisdiction": "Jurisdiction",
        "indicator": "Indicator",
        "target": "Target",
        "rule": "Rule",
        "status": "Status",
        "severity": "Severity",
    },
}

# The parts of an owner's explanation of a target, on the scorecard and in notifications.
EXPLANATION: dict[Language, dict[str, str]] = {
    VI: {
        "done": "Kết quả thực hiện",
        "difficulties": "Khó khăn, vướng mắc",
        "next_actions": "Giải pháp tiếp theo",
        "evidence_url": "Minh chứng",
        "none": "Chưa có giải trình",
    },
    EN: {
        "done": "What was done",
        "difficulties": "Difficulties",
        "next_actions": "Next actions",
        "evidence_url": "Evidence",
        "none": "No explanation given yet",
    },
}

# An alert's state and severity as their reader says them: a notification's (Alertmanager's
# words, firing and resolved), and the alerts table's before one fires (pending: off track at one
# period only; inactive: a pending alert that never fired).
ALERT_STATE: dict[Language, dict[str, str]] = {
    VI: {
        "firing": "Cảnh báo",
        "resolved": "Đã khắc phục",
        "pending": "Đang chờ",
        "inactive": "Không kích hoạt",
    },
    EN: {"firing": "Firing", "resolved": "Resolved", "pending": "Pending", "inactive": "Inactive"},
}
SEVERITY: dict[Language, dict[str, str]] = {
    VI: {"info": "thông tin", "warning": "cảnh báo", "critical": "nghiêm trọng"},
    EN: {"info": "info", "warning": "warning", "critical": "critical"},
}


def status(code: str, language: Language = VI) -> str:
    """A status code ("off_track") as its reader's name; an unknown code as itself."""
    try:
        return STATUS[language][Status(code)]
    except ValueError:
        return code


# What one poll of a feed came to (chiso_ingest's Outcome codes, `chiso ingest feeds --once`).
FEED_OUTCOME: dict[Language, dict[str, str]] = {
    VI: {
        "published": "tài liệu mới, các số liệu đã được công bố",
        "not_modified": "không có gì mới (HTTP 304)",
        "unchanged": "tài liệu giống lần trước, không công bố lại",
        "failed": "lấy dữ liệu thất bại, lý do ở nhật ký",
    },
    EN: {
        "published": "a new document, its figures published",
        "not_modified": "nothing new (HTTP 304)",
        "unchanged": "the same document as before, not published again",
        "failed": "the poll failed, the reason in the log",
    },
}
