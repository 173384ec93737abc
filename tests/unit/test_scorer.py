"""Series read back and judged (states.Judged.add_series, as the pipeline and the rescore judge
them): every target of every due point, and a failure kept to its own target."""

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_scoring import scorer, states
from chiso_scoring.methods import columns, state
from chiso_scoring.series import Series, build

USAGE, CASHLESS = "online_public_service_usage", "cashless_transaction_share"


def monthly(indicator: str, figures: dict[str, float]) -> Series:
    """Every figure due (as after `chiso scoring rescore`)."""
    ends = [Period.parse(p).end_month for p in figures]
    n = len(figures)
    return build(
        ("tam_duong", indicator), ends, [1] * n, list(figures.values()), [1] * n, [False] * n, None
    )


def score_points(
    series: list[Series], catalog: Catalog, today: date
) -> tuple[list[scorer.ScoreRow], list[str]]:
    judged = states.Judged()
    judged.add_series(series, catalog, today)
    return judged.rows, judged.failures


SERIES = [
    monthly(USAGE, {"2025-01": 40.0, "2025-06": 41.0}),
    monthly(CASHLESS, {"2025-06": 30.0}),
]


def test_each_due_point_gets_a_score_per_target(catalog: Catalog) -> None:
    rows, failures = score_points(SERIES, catalog, date(2025, 7, 15))
    assert failures == []
    assert sorted((r.indicator, str(r.period), r.target_id) for r in rows) == [
        (CASHLESS, "2025-06", "cashless_transaction_share_2030"),
        (USAGE, "2025-01", "online_public_service_usage_2030"),
        (USAGE, "2025-06", "online_public_service_usage_2030"),
    ]
    june = next(r for r in rows if r.indicator == USAGE and str(r.period) == "2025-06")
    assert june.status == "off_track"  # 1 point in 5 months, where the path asks ~3


def test_a_target_the_methods_cannot_judge_does_not_stop_the_others(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = state.judge_state_as_of

    def judge_state_as_of(target: Any, *args: Any) -> Any:
        if target.indicator == CASHLESS:
            raise ValueError("cannot judge")
        return real(target, *args)

    def judge_together(requests: Sequence[columns.Request]) -> Any:
        if any(r.target.indicator == CASHLESS for r in requests):
            raise ValueError("cannot judge")
        return columns_judge(requests)

    # targets not yet due are judged on the series' state: together, else one at a time
    columns_judge = columns.judge
    monkeypatch.setattr(columns, "judge", judge_together)
    monkeypatch.setattr(scorer, "judge_state_as_of", judge_state_as_of)
    rows, failures = score_points(SERIES, catalog, date(2025, 7, 15))

    assert {r.indicator for r in rows} == {USAGE}
    assert len(rows) == 2
    assert len(failures) == 1
    assert "tam_duong_nq57/cashless_transaction_share_2030 at tam_duong 2025-06" in failures[0]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(100, 900).map(lambda v: v / 10), min_size=2, max_size=40),
    cut=st.integers(1, 39),
    gaps=st.lists(st.integers(1, 3), min_size=40, max_size=40),
    lag=st.sampled_from([0, 20, 45, 2000]),
    kept=st.booleans(),
)
def test_appending_to_the_state_scores_as_judging_the_series(
    catalog: Catalog, values: list[float], cut: int, gaps: list[int], lag: int, kept: bool
) -> None:
    """Figures after the latest, judged on the state kept from the earlier ones, give exactly
    the scores of the series read whole with the same points due (the new ones and the
    previous latest), for every target of the series, but for the previous latest's scores
    that are as stored (the upsert leaves those alone), whether that point is judged again or
    its scores as of its own end were kept from the earlier batch (`kept`); today is `lag`
    days after the last figure's period (stale or not)."""
    cut = min(cut, len(values) - 1)
    ends = list(
        itertools.accumulate(gaps[: len(values)], initial=Period.parse("2019-12").end_month)
    )[1:]
    n = len(values)
    whole = build(("tam_duong", USAGE), ends, [1] * n, values, [1] * n, [False] * n, None)
    earlier = build(
        ("tam_duong", USAGE), ends[:cut], [1] * cut, values[:cut], [1] * cut, [False] * cut, None
    )
    due_again = set(ends[cut - 1 :])
    reread = build(("tam_duong", USAGE), ends, [1] * n, values, [1] * n, [False] * n, due_again)
    today = whole.latest[0].period.end + timedelta(days=lag)

    [before] = scorer.score_series([earlier], catalog, today)
    assert before.state is not None
    assert before.ended is not None
    [appended] = scorer.score_appended(
        [
            scorer.Appending(
                earlier.key,
                catalog.targets_for(USAGE, "tam_duong"),
                before.state,
                earlier.latest,
                whole.due[cut:],
                before.ended if kept else None,
            )
        ],
        catalog,
        today,
    )
    [read_back] = scorer.score_series([reread], catalog, today)

    stored = set(before.rows)
    assert [r for r in (*appended.rows, *appended.fresh) if r not in stored] == [
        r for r in read_back.rows if r not in stored
    ]
    # the fresh scores are those at the new figures' points, whose keys nothing stored has
    new = {due.period for due in whole.due[cut:]}
    assert all(r.period in new for r in appended.fresh)
    assert not any(r.period in new for r in (*before.rows, *appended.rows))
    assert appended.failures == read_back.failures
    assert appended.state == read_back.state
    assert appended.ended == read_back.ended


def test_score_messages_carry_each_row_alone(catalog: Catalog) -> None:
    """Messages are copied from one template: what one row sets (a probability, a period) must
    not show in the next, and each has its own id under the batch's one production time."""
    rows, _ = score_points(SERIES, catalog, date(2025, 7, 15))
    messages = scorer.to_messages(rows, catalog)
    assert len(messages) == len(rows)
    assert len({m.meta.message_id for _, m in messages}) == len(rows)
    assert len({m.meta.produced_at.ToNanoseconds() for _, m in messages}) == 1
    for row, (key, message) in zip(rows, messages, strict=True):
        assert key == f"{catalog.province_code(row.jurisdiction)}/{row.indicator}".encode()
        assert message.meta.producer == "scoring"
        assert Period.from_proto(message.period) == row.period
        assert (message.target_id, message.actual) == (row.target_id, row.actual)
        for (name, _), value in zip(scorer.FIGURES, row.figures, strict=True):
            field = message.DESCRIPTOR.fields_by_name[name]
            if field.has_presence:
                assert message.HasField(name) == (value is not None), name
            elif value is None:  # a field without presence: unset reads as its default
                assert getattr(message, name) == field.default_value, name
    # a series' first figure has no trend, so no projection; June's usage, after January, has one
    assert {m.HasField("projected") for _, m in messages} == {True, False}
