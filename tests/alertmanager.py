"""Alertmanager's webhook payload version 4 as a JSON Schema (its field list, from its source)."""

import json
from pathlib import Path
from typing import Any

WEBHOOK_V4: dict[str, Any] = json.loads(
    (Path(__file__).parent / "alertmanager_webhook_v4.schema.json").read_text()
)
