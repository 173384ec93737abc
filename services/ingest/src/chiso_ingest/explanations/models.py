"""The JSON contract of POST /v1/explanations, and of the rows of its spreadsheet."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from chiso_core.periods import PERIOD_FORMAT

# What a person writes in a few paragraphs; a longer report is the evidence link's to carry.
NOTE_MAX_CHARS = 2000
URL_MAX_CHARS = 500
COLUMNS = ("plan", "target", "period", "done", "difficulties", "next_actions", "evidence_url")


class ExplanationIn(BaseModel):
    """Shapes only: what the words say (lengths, the link, the period, the owner) is checked by
    `checks`, in Vietnamese first."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "plan": "khanh_hoa_nq57",
                    "target": "online_public_service_usage_2030",
                    "period": "2025-06",
                    "done": "Đưa 120 thủ tục lên Cổng dịch vụ công toàn trình.",
                    "difficulties": "Người dân vùng sâu chưa quen nộp hồ sơ trực tuyến.",
                    "next_actions": "Tổ công nghệ số cộng đồng hướng dẫn tại 40 xã trong quý 3.",
                    "evidence_url": "https://khanhhoa.gov.vn/bao-cao/dvc-thang-6",
                }
            ]
        },
    )

    plan: str = Field(max_length=64, description="the plan's id")
    target: str = Field(max_length=64, description="the target's id in that plan")
    period: str = Field(max_length=16, description=f"the period explained: {PERIOD_FORMAT}")
    done: str = Field(description=f"what was done (at most {NOTE_MAX_CHARS} characters)")
    difficulties: str = Field(description="the difficulties met")
    next_actions: str = Field(description="what will be done next")
    evidence_url: str | None = Field(default=None, description="an https:// link to evidence")


class ExplanationBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    explanations: list[object] = Field(min_length=1, description="each an ExplanationIn")


class Recorded(BaseModel):
    """One explanation as kept: it is never changed, a newer one is shown instead."""

    id: int
    plan: str
    target: str
    period: str
    agency: str
    recorded_at: datetime


class RecordedSummary(BaseModel):
    recorded: list[Recorded]
