"""The scoring pipeline over the real broker and TimescaleDB: store, revise, score, reject."""

import math
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest

from chiso_core import topics
from chiso_core.catalog import Catalog
from chiso_core.checks import Rejected, Reported, check, today_in_vietnam
from chiso_core.contracts.v1 import common_pb2, observation_pb2, score_pb2
from chiso_core.periods import Period
from tests.integration.conftest import Harness, message_of, observation
from tests.kafka_io import read_topic


async def test_a_batch_is_stored_scored_and_published(harness: Harness, catalog: Catalog) -> None:
    await harness.run(
        [observation(catalog, "2025-01", 40.0), observation(catalog, "2025-06", 41.0)]
    )

    assert harness.rows(
        "SELECT period_start::text, revision, value FROM observations ORDER BY period_start"
    ) == [("2025-01-01", 1, 40.0), ("2025-06-01", 1, 41.0)]
    scores = harness.rows(
        "SELECT period_start::text, status, round(expected::numeric, 2)::float"
        " FROM scores ORDER BY 1"
    )
    # Baseline 40 at 2025-01 (end: 2025+1/12); target >80 due end of 2030 (2031.0).
    # At 2025-06 (2025.5): expected = 40 + 40 * (2025.5 - 2025.0833) / (2031 - 2025.0833) ≈ 42.82.
    # One figure shows no trend yet; the latest, judged today, is long overdue (stale).
    assert scores == [("2025-01-01", "insufficient_data", 40.0), ("2025-06-01", "stale", 42.82)]
    published = [
        score_pb2.Score.FromString(r.value or b"")
        for r in await read_topic(harness.bootstrap, topics.SCORES)
    ]
    assert sorted((s.period.month, s.status) for s in published) == [
        (1, score_pb2.STATUS_INSUFFICIENT_DATA),
        (6, score_pb2.STATUS_STALE),
    ]
    assert all(
        r.key == b"12/online_public_service_usage"
        for r in await read_topic(harness.bootstrap, topics.SCORES)
    )


async def test_a_replayed_batch_changes_nothing(harness: Harness, catalog: Catalog) -> None:
    await harness.run(
        [observation(catalog, "2025-01", 40.0), observation(catalog, "2025-06", 41.0)]
    )
    await harness.pipeline.handle(await read_topic(harness.bootstrap, topics.OBSERVATIONS))

    assert harness.rows("SELECT count(*) FROM observations") == [(2,)]
    assert harness.rows("SELECT count(*) FROM scores") == [(2,)]


async def test_a_correction_adds_a_revision_and_rescores(
    harness: Harness, catalog: Catalog
) -> None:
    await harness.run(
        [observation(catalog, "2025-01", 40.0), observation(catalog, "2025-06", 41.0)]
    )
    await harness.run(
        [observation(catalog, "2025-06", 45.0), observation(catalog, "2025-06", 45.0)]
    )

    assert harness.rows(
        "SELECT revision, value FROM observations"
        " WHERE period_start = '2025-06-01' ORDER BY revision"
    ) == [(1, 41.0), (2, 45.0)]
    assert harness.rows(
        "SELECT status, actual, observation_revision FROM scores WHERE period_start = '2025-06-01'"
    ) == [("stale", 45.0, 2)]


async def test_a_poison_message_is_rejected_and_the_rest_is_stored(
    harness: Harness, catalog: Catalog
) -> None:
    await harness.run([(b"12/x", b"\xff\xffnot protobuf"), observation(catalog, "2025-01", 40.0)])

    assert harness.rows("SELECT count(*) FROM observations") == [(1,)]
    rejected = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(harness.bootstrap, topics.OBSERVATIONS_REJECTED)
    ]
    assert len(rejected) == 1
    assert rejected[0].payload == b"\xff\xffnot protobuf"
    assert "not a chiso.v1.Observation" in rejected[0].reason
    assert rejected[0].origin.startswith(f"{topics.OBSERVATIONS}/")


def _meta_id(text: str) -> Callable[[observation_pb2.Observation], None]:
    return lambda m: setattr(m.meta, "message_id", text)


def _source(text: str) -> Callable[[observation_pb2.Observation], None]:
    return lambda m: setattr(m, "source", text)


def _value(v: float) -> Callable[[observation_pb2.Observation], None]:
    return lambda m: setattr(m, "value", v)


def _grain(m: observation_pb2.Observation) -> None:
    m.period.grain = common_pb2.GRAIN_UNSPECIFIED


def _reported_at(seconds: int, nanos: int) -> Callable[[observation_pb2.Observation], None]:
    def spoil(m: observation_pb2.Observation) -> None:
        m.reported_at.seconds, m.reported_at.nanos = seconds, nanos

    return spoil


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (_meta_id(""), "meta.message_id"),
        (_meta_id("a\x00b"), "meta.message_id"),  # no text in the database holds a NUL
        (_meta_id(secrets.token_urlsafe(3000)), "meta.message_id"),  # too long to index
        (_source("a\x00b"), "source"),
        (_source("s" * 201), "source"),
        (_value(math.nan), "value"),
        (_value(math.inf), "value"),
        (_value(-math.inf), "value"),
        (_grain, "period"),
        (_reported_at(10**12, 0), "reported_at"),  # after the year 9999
        (_reported_at(-(10**12), 0), "reported_at"),  # before the year 1
        (_reported_at(0, -1), "reported_at"),
        (_reported_at(0, 10**9), "reported_at"),
        # three days ahead: it would outrank every later revision of its point
        (_reported_at(int(time.time()) + 3 * 86_400, 0), "reported_at"),
    ],
)
async def test_a_message_no_figure_can_be_read_from_is_rejected_naming_its_field(
    harness: Harness,
    catalog: Catalog,
    spoil: Callable[[observation_pb2.Observation], None],
    field: str,
) -> None:
    """A well-formed protobuf whose content no figure can be read from (produced straight to
    the topic) is refused with the field named: never retried as if the database had failed,
    which would stall the partition on it."""
    key, bad = observation(catalog, "2025-01", 40.0)
    spoil(bad)
    await harness.run([(key, bad), observation(catalog, "2025-02", 41.0)])

    assert harness.rows("SELECT period_start::text FROM observations") == [("2025-02-01",)]
    [rejected] = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(harness.bootstrap, topics.OBSERVATIONS_REJECTED)
    ]
    assert rejected.reason.startswith(field), rejected.reason
    assert rejected.payload == bad.SerializeToString()


async def test_a_report_from_a_clock_a_few_hours_ahead_is_stored(
    harness: Harness, catalog: Catalog
) -> None:
    key, m = observation(catalog, "2025-01", 40.0)
    m.reported_at.seconds = int(time.time()) + 6 * 3600
    await harness.run([(key, m)])
    assert harness.rows("SELECT period_start::text FROM observations") == [("2025-01-01",)]


async def test_parts_whose_sum_leaves_the_float_range_are_refused_not_a_stalled_batch(
    harness: Harness, catalog: Catalog
) -> None:
    """Two of Khánh Hòa's units at 10^308 dossiers of 10^308 (100 %, consistent): their sum for
    the province overflows the database's float sum, an error that failed the batch at each
    delivery. Such parts are refused, whichever way they come in; the rest is stored."""
    big = []
    for unit in ("nha_trang", "cam_ranh"):
        key, m = observation(catalog, "2025-01", 100.0, jurisdiction=unit)
        m.numerator = m.denominator = 1e308
        big.append((key, m))
    await harness.run([*big, observation(catalog, "2025-02", 41.0)])

    assert harness.rows("SELECT jurisdiction_id, period_start::text FROM observations") == [
        ("tam_duong", "2025-02-01")
    ]
    reasons = [
        observation_pb2.Rejected.FromString(r.value or b"").reason
        for r in await read_topic(harness.bootstrap, topics.OBSERVATIONS_REJECTED)
    ]
    assert len(reasons) == 2
    assert all(r.startswith("numerator: 1e+308 quá lớn") for r in reasons), reasons


async def test_correcting_the_first_figure_rescores_the_later_periods(
    harness: Harness, catalog: Catalog
) -> None:
    """The first figure is the baseline (the plan states none). Corrected from 40 to 38, the
    path to "> 80" by 2030 starts lower: at 2025-06 it expects
    38 + 42 · (2025.5 − 2025.0833) / (2031 − 2025.0833) ≈ 40.96, so 41 is now ahead of it
    (judged today the figure is stale, but the path moved)."""
    await harness.run(
        [observation(catalog, "2025-01", 40.0), observation(catalog, "2025-06", 41.0)]
    )
    await harness.run([observation(catalog, "2025-01", 38.0)])

    assert harness.rows(
        "SELECT period_start::text, status, round(expected::numeric, 2)::float, actual"
        " FROM scores ORDER BY 1"
    ) == [("2025-01-01", "insufficient_data", 38.0, 38.0), ("2025-06-01", "stale", 40.96, 41.0)]


def my_tho_march(catalog: Catalog) -> tuple[bytes, observation_pb2.Observation]:
    """Mỹ Tho (a city of Tiền Giang): 6,150 of 10,000 dossiers online in 2025-03."""
    item = {
        "indicator": "online_public_service_usage",
        "jurisdiction": "my_tho",
        "period": "2025-03",
        "value": 61.5,
        "numerator": 6150.0,
        "denominator": 10000.0,
    }
    return message_of(catalog, item)


async def test_a_city_figure_rolls_up_into_its_province_and_is_scored_there(
    harness: Harness, catalog: Catalog
) -> None:
    """Tiền Giang reports nothing itself, so it gets a derived 61.5 % from Mỹ Tho (the ratio of
    the sums), scored against Tiền Giang's target."""
    await harness.run([my_tho_march(catalog)])

    assert harness.rows(
        "SELECT jurisdiction_id, value, numerator, denominator, derived, source"
        " FROM observations ORDER BY derived"
    ) == [
        ("my_tho", 61.5, 6150.0, 10000.0, False, "test"),
        ("tien_giang", 61.5, 6150.0, 10000.0, True, "rollup of 1 of 1 children"),
    ]
    assert harness.rows("SELECT plan_id, jurisdiction_id, actual, derived FROM scores") == [
        ("tien_giang_nq57", "tien_giang", 61.5, True)
    ]


async def test_a_direct_province_figure_replaces_the_derived_one(
    harness: Harness, catalog: Catalog
) -> None:
    await harness.run([my_tho_march(catalog)])
    await harness.run([observation(catalog, "2025-03", 58.0, jurisdiction="tien_giang")])

    assert harness.rows(
        "SELECT revision, value, derived FROM observations"
        " WHERE jurisdiction_id = 'tien_giang' ORDER BY revision"
    ) == [(1, 61.5, True), (2, 58.0, False)]
    assert harness.rows("SELECT actual, derived FROM scores") == [(58.0, False)]


async def test_a_year_and_its_december_are_scored_on_the_year_figure(
    harness: Harness, catalog: Catalog
) -> None:
    """December 2024 and the year 2024 end together: the year's own (official) figure is the
    series' point there, and neither stalls the batch."""
    await harness.run(
        [
            observation(catalog, "2024-12", 41.0),
            observation(catalog, "2024", 40.0),
            observation(catalog, "2025-06", 42.0),
        ]
    )

    assert harness.rows("SELECT count(*) FROM observations") == [(3,)]
    assert harness.rows(
        "SELECT grain, period_start::text, status FROM scores ORDER BY period_start, grain"
    ) == [
        ("year", "2024-01-01", "insufficient_data"),
        ("month", "2024-12-01", "insufficient_data"),
        ("month", "2025-06-01", "stale"),
    ]


def _straight(catalog: Catalog, **changes: Any) -> tuple[bytes, observation_pb2.Observation]:
    """A message produced straight to the topic, skipping ingest: a valid one, then changed."""
    key, message = observation(catalog, "2025-01", 40.0)
    for name, value in changes.items():
        if name == "period":
            message.period.CopyFrom(Period.parse(value).to_proto())
        else:
            setattr(message, name, value)
    return key, message


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"value": 150.0}, "value: 150 nằm ngoài khoảng hợp lệ 0..100 percent"),
        (
            {"value": 70.0, "numerator": 6150.0, "denominator": 10000.0},
            "numerator: giá trị 70 không khớp tử số/mẫu số (61,5 percent)",
        ),
        ({"period": "2099-01"}, "period: kỳ 2099-01 chưa kết thúc"),
        ({"jurisdiction_id": "ninh_thuan", "period": "2026-06"}, "jurisdiction: Tỉnh Ninh Thuận"),
        ({"indicator_code": "nope"}, "indicator: không có chỉ tiêu 'nope' trong danh mục"),
    ],
)
async def test_a_figure_ingest_would_refuse_is_rejected_with_its_reason_and_no_row(
    harness: Harness, catalog: Catalog, changes: dict[str, Any], reason: str
) -> None:
    """Scoring trusts no wire: the checks ingest runs, with the reason ingest gives."""
    bad = _straight(catalog, **changes)
    await harness.run([bad, observation(catalog, "2025-02", 41.0)])

    assert harness.rows("SELECT period_start::text FROM observations") == [("2025-02-01",)]
    [rejected] = [
        observation_pb2.Rejected.FromString(r.value or b"")
        for r in await read_topic(harness.bootstrap, topics.OBSERVATIONS_REJECTED)
    ]
    assert rejected.reason.startswith(reason), rejected.reason
    m = bad[1]
    parts = (m.numerator, m.denominator) if m.HasField("numerator") else (None, None)
    figure = Reported(
        m.indicator_code, m.jurisdiction_id, Period.from_proto(m.period), m.value, *parts
    )
    verdict = check(figure, catalog, today_in_vietnam())
    assert isinstance(verdict, Rejected)
    assert rejected.reason == verdict.reason()
    assert rejected.payload == m.SerializeToString()
