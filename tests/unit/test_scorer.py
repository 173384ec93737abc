"""score_points: every target of every due point, and a failure kept to its own target."""

from datetime import date
from typing import Any

import pytest

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_scoring import scorer
from chiso_scoring.methods import state
from chiso_scoring.series import Series, build

USAGE, CASHLESS = "online_public_service_usage", "cashless_transaction_share"


def monthly(indicator: str, figures: dict[str, float]) -> Series:
    """Every figure due (as after `chiso scoring rescore`)."""
    ends = [Period.parse(p).end_month for p in figures]
    n = len(figures)
    return build(
        ("tam_duong", indicator), ends, [1] * n, list(figures.values()), [1] * n, [False] * n, None
    )


SERIES = [
    monthly(USAGE, {"2025-01": 40.0, "2025-06": 41.0}),
    monthly(CASHLESS, {"2025-06": 30.0}),
]


def test_each_due_point_gets_a_score_per_target(catalog: Catalog) -> None:
    rows, failures = scorer.score_points(SERIES, catalog, date(2025, 7, 15))
    assert failures == []
    assert sorted((r.indicator, str(r.period), r.target_id) for r in rows) == [
        (CASHLESS, "2025-06", "cashless_transaction_share_2030"),
        (USAGE, "2025-01", "online_public_service_usage_2030"),
        (USAGE, "2025-06", "online_public_service_usage_2030"),
    ]
    june = next(r for r in rows if r.indicator == USAGE and str(r.period) == "2025-06")
    assert june.assessment.status == "off_track"  # 1 point in 5 months, where the path asks ~3


def test_a_target_the_methods_cannot_judge_does_not_stop_the_others(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = state.judge_state

    def judge_state(target: Any, *args: Any) -> Any:
        if target.indicator == CASHLESS:
            raise ValueError("cannot judge")
        return real(target, *args)

    # targets not yet due are judged on the series' state
    monkeypatch.setattr(scorer, "judge_state", judge_state)
    rows, failures = scorer.score_points(SERIES, catalog, date(2025, 7, 15))

    assert {r.indicator for r in rows} == {USAGE}
    assert len(rows) == 2
    assert len(failures) == 1
    assert "tam_duong_nq57/cashless_transaction_share_2030 at tam_duong 2025-06" in failures[0]
