"""A small, deterministic sample for the demo: ten months of 2025 for the three seed
jurisdictions, some series on track and some drifting off it."""

from typing import Any

# jurisdiction → indicator → (value in January, change per month)
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
MONTHS = range(1, 11)


def sample_observations() -> list[dict[str, Any]]:
    return [
        {
            "indicator": indicator,
            "jurisdiction": jurisdiction,
            "period": f"2025-{month:02d}",
            "value": round(start + step * (month - 1), 2),
        }
        for jurisdiction, series in _SERIES.items()
        for indicator, (start, step) in series.items()
        for month in MONTHS
    ]
