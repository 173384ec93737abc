"""A small, deterministic sample for the demo: the last ten months for the three seed
jurisdictions, some series on track and some drifting off it. Recent months, because a series
whose latest figure is old is rightly called stale."""

from datetime import date
from typing import Any

from chiso_core.periods import Period

# jurisdiction → indicator → (value in the first month, change per month)
_SERIES: dict[str, dict[str, tuple[float, float]]] = {
    "khanh_hoa": {
        "online_public_service_usage": (60.0, 1.0),
        "cashless_transaction_share": (50.0, 0.6),
    },
    "tien_giang": {
        "online_public_service_usage": (55.0, 0.5),
        "cashless_transaction_share": (45.0, 0.2),
    },
    "tam_duong": {
        "online_public_service_usage": (40.0, 0.1),
        "cashless_transaction_share": (30.0, 0.8),
    },
}
MONTHS = 10


def sample_observations(today: date) -> list[dict[str, Any]]:
    """Ten months ending with the last full month before `today`."""
    months = [Period.month_of(today, back) for back in range(MONTHS, 0, -1)]
    return [
        {
            "indicator": indicator,
            "jurisdiction": jurisdiction,
            "period": str(month),
            "value": round(start + step * i, 2),
        }
        for jurisdiction, series in _SERIES.items()
        for indicator, (start, step) in series.items()
        for i, month in enumerate(months)
    ]
