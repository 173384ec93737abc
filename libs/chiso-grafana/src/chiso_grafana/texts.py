"""Every word the dashboards show, in Vietnamese (the default) and English."""

from collections.abc import Mapping
from dataclasses import dataclass

from chiso_core.words import labels
from chiso_core.words.labels import STATUS
from chiso_core.words.probability import Language

__all__ = ["TEXTS", "Language", "Texts"]


@dataclass(frozen=True)
class Texts:
    lang: Language
    name_column: str  # which catalog name the SQL shows: name_vi or name_en
    plan: str
    jurisdiction: str
    indicator: str
    target: str
    status: str
    ioc_overview: str
    status_matrix: str
    counts_by_status: str
    firing_alerts: str
    indicator_detail: str
    path: str
    projection: str
    revisions: str
    owners: str
    timeliness: str
    scorecard: str
    progress: str
    summary: str
    alerts: str
    alert_history: str
    transitions_per_day: str
    alert_annotations: str
    pipeline_health: str
    ingest_rate: str
    items_per_second: str
    consumer_lag: str
    batch_latency: str
    rejected_items: str
    notification_failures: str
    statuses: Mapping[str, str]  # chiso_core.words.labels, keyed by status code


VI = Texts(
    lang=Language.VI,
    name_column="name_vi",
    plan=labels.TERM[labels.VI]["plan"],
    jurisdiction=labels.TERM[labels.VI]["jurisdiction"],
    indicator=labels.TERM[labels.VI]["indicator"],
    target=labels.TERM[labels.VI]["target"],
    status=labels.TERM[labels.VI]["status"],
    ioc_overview="Tổng quan IOC",
    status_matrix="Trạng thái mục tiêu theo địa bàn",
    counts_by_status="Số mục tiêu theo trạng thái",
    firing_alerts="Cảnh báo đang kích hoạt",
    indicator_detail="Chi tiết chỉ tiêu",
    path="Thực tế, lộ trình kỳ vọng và mục tiêu",
    projection="Dự báo đến năm hạn (khoảng tin cậy)",
    revisions="Số liệu đã được đính chính",
    owners="Cơ quan chủ trì và giải trình mới nhất",
    timeliness="Tính kịp thời của số liệu theo cơ quan",
    scorecard="Bảng điểm địa bàn",
    progress="Tiến độ đạt mục tiêu",
    summary="Tóm tắt các mục tiêu",
    alerts="Cảnh báo",
    alert_history="Lịch sử cảnh báo",
    transitions_per_day="Chuyển trạng thái cảnh báo theo ngày",
    alert_annotations="Chú thích cảnh báo",
    pipeline_health="Tình trạng hệ thống xử lý",
    ingest_rate="Tốc độ tiếp nhận số liệu",
    items_per_second="số liệu/s",
    consumer_lag="Độ trễ của bộ tiêu thụ",
    batch_latency="Thời gian xử lý một lô (p95)",
    rejected_items="Số liệu bị từ chối",
    notification_failures="Thông báo gửi thất bại",
    statuses={str(k): v for k, v in STATUS[Language.VI].items()},
)

EN = Texts(
    lang=Language.EN,
    name_column="name_en",
    plan=labels.TERM[labels.EN]["plan"],
    jurisdiction=labels.TERM[labels.EN]["jurisdiction"],
    indicator=labels.TERM[labels.EN]["indicator"],
    target=labels.TERM[labels.EN]["target"],
    status=labels.TERM[labels.EN]["status"],
    ioc_overview="IOC overview",
    status_matrix="Target status by jurisdiction",
    counts_by_status="Targets by status",
    firing_alerts="Firing alerts",
    indicator_detail="Indicator detail",
    path="Actual, expected path and target",
    projection="Projection to the due year (interval)",
    revisions="Corrected figures",
    owners="Lead agencies and their latest explanations",
    timeliness="Reporting timeliness by agency",
    scorecard="Jurisdiction scorecard",
    progress="Progress towards the target",
    summary="Targets at a glance",
    alerts="Alerts",
    alert_history="Alert history",
    transitions_per_day="Alert transitions per day",
    alert_annotations="Alert annotations",
    pipeline_health="Pipeline health",
    ingest_rate="Ingest rate",
    items_per_second="items/s",
    consumer_lag="Consumer lag",
    batch_latency="Batch latency (p95)",
    rejected_items="Rejected items",
    notification_failures="Notification failures",
    statuses={str(k): v for k, v in STATUS[Language.EN].items()},
)

TEXTS = {Language.VI: VI, Language.EN: EN}
