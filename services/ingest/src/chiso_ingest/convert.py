"""JSON observations → protobuf, checked against the catalog. The one place the two meet."""

import functools
import math
from datetime import date

from google.protobuf.timestamp_pb2 import Timestamp

from chiso_core.catalog import Catalog, Indicator, Kind
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.messaging import new_meta, now
from chiso_core.periods import Period
from chiso_core.problems import Problem
from chiso_core.topics import message_key
from chiso_ingest.models import ObservationIn

# A ratio's value may differ from numerator/denominator by rounding, not more.
_RATIO_TOLERANCE = 0.01
PERCENT = "percent"
# Batches repeat their periods: parse each text once.
parse_period = functools.lru_cache(maxsize=4096)(Period.parse)


def _ratio_problem(item: ObservationIn, indicator: Indicator) -> str | None:
    if item.numerator is None and item.denominator is None:
        return None
    if indicator.kind is not Kind.RATIO:
        return f"{indicator.code} is a {indicator.kind}, not a ratio: no numerator or denominator"
    if item.numerator is None or item.denominator is None:
        return "numerator and denominator go together: give both or neither"
    unit = indicator.unit
    ratio = item.numerator / item.denominator * (100 if unit == PERCENT else 1)
    if not math.isclose(ratio, item.value, rel_tol=_RATIO_TOLERANCE, abs_tol=_RATIO_TOLERANCE):
        return f"value {item.value} does not match numerator/denominator ({ratio:.4g} {unit})"
    return None


def check(item: ObservationIn, catalog: Catalog, where: str) -> list[Problem]:
    """Every problem of one item, each naming its field."""
    problems: list[Problem] = []
    indicator = catalog.indicators.get(item.indicator)
    if indicator is None:
        problems.append(
            Problem(field=f"{where}.indicator", problem=f"unknown indicator {item.indicator!r}")
        )
    try:
        period: Period | None = parse_period(item.period)
        period_problem = None
    except ValueError as e:
        period, period_problem = None, str(e)
    if catalog.resolve(item.jurisdiction, period.start if period else date.today()) is None:
        problems.append(
            Problem(
                field=f"{where}.jurisdiction",
                problem=f"unknown jurisdiction {item.jurisdiction!r} (a catalog id, or an "
                "official code in force in the period)",
            )
        )
    if period_problem:
        problems.append(Problem(field=f"{where}.period", problem=period_problem))
    if indicator is not None:
        problems += _value_problems(item, indicator, where)
    return problems


def _value_problems(item: ObservationIn, indicator: Indicator, where: str) -> list[Problem]:
    unit = indicator.unit
    if item.unit is not None and item.unit != unit:
        hint = " (61.5 for 61.5 %, never 0.615)" if unit == PERCENT else ""
        return [
            Problem(
                field=f"{where}.unit",
                problem=f"{indicator.code} is reported in {unit}{hint}, not {item.unit!r}; "
                "values are never converted",
            )
        ]
    problems = []
    lo, hi = indicator.valid_min, indicator.valid_max
    if unit == PERCENT and indicator.kind is Kind.RATIO:
        # A share in percent lies in 0..100 whatever the catalog says; never divided by 100.
        lo, hi = max(lo or 0.0, 0.0), min(100.0 if hi is None else hi, 100.0)
    if (lo is not None and item.value < lo) or (hi is not None and item.value > hi):
        problems.append(
            Problem(
                field=f"{where}.value",
                problem=f"{item.value} is outside the valid range {lo}..{hi} {unit}",
            )
        )
    if ratio := _ratio_problem(item, indicator):
        problems.append(Problem(field=f"{where}.numerator", problem=ratio))
    return problems


def to_message(
    item: ObservationIn,
    catalog: Catalog,
    source: str,
    at: Timestamp | None = None,
    message_id: str | None = None,
) -> tuple[bytes, observation_pb2.Observation]:
    """The keyed protobuf message of an item that passed `check`, reported and produced `at`
    (now, unless given: the items of one request share it)."""
    period = parse_period(item.period)
    jurisdiction = catalog.resolve(item.jurisdiction, period.start)
    assert jurisdiction is not None, "check() first"
    province_code = catalog.province_code(jurisdiction.id)
    at = at or now()
    message = observation_pb2.Observation(
        meta=new_meta("ingest", at, message_id),
        indicator_code=item.indicator,
        jurisdiction_id=jurisdiction.id,
        province_code=province_code,
        period=period.to_proto(),
        value=item.value,
        source=source,
        reported_at=at,
    )
    if item.numerator is not None and item.denominator is not None:
        message.numerator = item.numerator
        message.denominator = item.denominator
    return message_key(province_code, item.indicator), message
