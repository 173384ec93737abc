"""How long a server asked us to wait (the Retry-After header: seconds or an HTTP date)."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_s(value: str | None) -> float | None:
    """Seconds to wait; None when the header is absent or unreadable."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return max(0.0, (at - datetime.now(UTC)).total_seconds())
