"""What the end-to-end tests share: figures for the seed provinces, database reads, waiting."""

import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg

PROVINCES = ("khanh_hoa", "tien_giang", "tam_duong")
INDICATORS = ("online_public_service_usage", "cashless_transaction_share")


def monthly_figures(
    months: int, first_year: int, first_value: float, step: float
) -> list[dict[str, Any]]:
    """Every seed province x two percentage indicators, `months` months from January of
    `first_year`, rising by `step` a month: plausible, and all of it past."""
    return [
        {
            "indicator": indicator,
            "jurisdiction": jurisdiction,
            "period": f"{first_year + i // 12}-{i % 12 + 1:02d}",
            "value": first_value + i * step,
        }
        for jurisdiction in PROVINCES
        for indicator in INDICATORS
        for i in range(months)
    ]


def rows(database_url: str, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(query, params).fetchall()


def count(database_url: str, query: str) -> int:
    return int(rows(database_url, query)[0][0])


def wait_for(check: Callable[[], Any], timeout: float = 60, what: str = "") -> Any:
    """The check's first true result, polled every 0.2 s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not reached within {timeout} s {what}".strip())
