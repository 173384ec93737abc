"""The test expansion of Grafana's PostgreSQL macros gives what Grafana's macros.go gives."""

from datetime import UTC, datetime

import pytest

from tests.grafana_sql import expand_macros, interpolate, prepare

START = datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)
END = datetime(2024, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sql", "expanded"),
    [
        (
            "WHERE $__timeFilter(at)",
            "WHERE at BETWEEN '2024-01-02T03:04:05.5Z' AND '2024-02-01T00:00:00Z'",
        ),
        ("SELECT $__timeGroupAlias(at, '1d')", "SELECT time_bucket('86400.000s',at) AS \"time\""),
        ("SELECT $__timeGroup(at,'5m')", "SELECT time_bucket('300.000s',at)"),
        # Directly followed by a comma: the pre-5.3 form, which adds the alias.
        ("SELECT $__timeGroup(at,'5m'), 1", "SELECT time_bucket('300.000s',at) AS \"time\", 1"),
        ("WHERE $__unixEpochFilter(t)", "WHERE t >= 1704164645 AND t <= 1706745600"),
        ("SELECT $__time(c)", 'SELECT c AS "time"'),
        ("SELECT $__timeFrom()", "SELECT '2024-01-02T03:04:05.5Z'"),
    ],
)
def test_macros_expand_as_grafana_expands_them(sql: str, expanded: str) -> None:
    assert expand_macros(sql, START, END) == expanded


def test_an_unknown_macro_or_a_bad_interval_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown macro"):
        expand_macros("$__nope(x)", START, END)
    with pytest.raises(ValueError, match="error parsing interval"):
        expand_macros("$__timeGroup(x, 'soon')", START, END)


def test_variables_go_in_with_quotes_doubled_and_macros_stay() -> None:
    sql = "WHERE p = '$plan' AND j.${name} = 'x' AND $__timeFilter(at) AND $other"
    assert interpolate(sql, {"plan": "o'brien", "name": "name_vi"}) == (
        "WHERE p = 'o''brien' AND j.name_vi = 'x' AND $__timeFilter(at) AND $other"
    )
    assert "BETWEEN" in prepare(sql, {"plan": "p"}, START, END)
