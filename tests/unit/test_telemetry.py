"""The services' log lines: JSON, one a line, Vietnamese written as it is."""

import json

import pytest
import structlog

from chiso_core.settings import LogSettings
from chiso_core.telemetry import configure_logging


@pytest.mark.parametrize(
    "text", ["không có kế hoạch này / no such plan", "Tỉnh Khánh Hòa", "ascii"]
)
def test_a_json_line_keeps_vietnamese_readable(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(LogSettings(log_level="INFO", log_json=True))
    try:
        structlog.get_logger("t").warning("feed poll failed", reason=text)
    finally:
        structlog.reset_defaults()
    [line] = capsys.readouterr().err.splitlines()
    assert text in line  # not \u-escaped
    event = json.loads(line)
    assert (event["event"], event["reason"], event["level"]) == (
        "feed poll failed",
        text,
        "warning",
    )
