"""What Grafana does to a PostgreSQL panel's SQL before sending it, for tests that run that SQL.

Template variables first (the front end: a single-value variable is put in as its text with
quotes doubled, so the SQL quotes it itself), then the macros, as Grafana's PostgreSQL data
source expands them (pkg/tsdb/grafana-postgresql-datasource/macros.go, with `timescaledb: true`):
one regular expression finds `$__name(args)`, arguments are split on commas and trimmed, and
`$__timeGroup` followed directly by a comma becomes `$__timeGroupAlias`."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

MACRO = re.compile(r"\$([_a-zA-Z0-9]+)\(([^\)]*)\)")
VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")
# gtime.ParseInterval's units (a number and one of them); months and years are calendar-ish
# there, but no dashboard groups by them.
UNITS = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
INTERVAL = re.compile(r"(\d+)(ms|s|m|h|d|w)")


def interpolate(sql: str, variables: Mapping[str, str]) -> str:
    """Grafana's template variables (`$name`, `${name}`); `$__…` is left for the macros."""

    def value(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        if name.startswith("__") or name not in variables:
            return match[0]
        return variables[name].replace("'", "''")

    return VARIABLE.sub(value, sql)


def rfc3339(moment: datetime) -> str:
    """Go's time.RFC3339Nano for a UTC time: no trailing zeros in the fraction, and a Z."""
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def seconds(interval: str) -> float:
    match = INTERVAL.fullmatch(interval.strip("'"))
    if match is None:
        raise ValueError(f"error parsing interval {interval}")
    return int(match[1]) * UNITS[match[2]].total_seconds()


def expand_macros(sql: str, start: datetime, end: datetime) -> str:
    def macro(match: re.Match[str]) -> str:
        name, args = match[1], [a.strip(" ") for a in match[2].split(",")]
        if name == "__timeGroup":
            index = sql.find(match[0])
            after = index + len(match[0])
            if index >= 0 and after < len(sql) and sql[after] == ",":
                name = "__timeGroupAlias"
        return evaluate(name, args, start, end)

    return MACRO.sub(macro, sql)


def evaluate(name: str, args: list[str], start: datetime, end: datetime) -> str:
    column = args[0]
    if name == "__time":
        return f'{column} AS "time"'
    if name == "__timeEpoch":
        return f'extract(epoch from {column}) as "time"'
    if name == "__timeFilter":
        return f"{column} BETWEEN '{rfc3339(start)}' AND '{rfc3339(end)}'"
    if name == "__timeFrom":
        return f"'{rfc3339(start)}'"
    if name == "__timeTo":
        return f"'{rfc3339(end)}'"
    if name == "__timeGroup":
        if len(args) < 2:
            raise ValueError(f"macro {name} needs time column and interval and optional fill value")
        return f"time_bucket('{seconds(args[1]):.3f}s',{column})"
    if name == "__timeGroupAlias":
        return evaluate("__timeGroup", args, start, end) + ' AS "time"'
    if name == "__unixEpochFilter":
        first, last = int(start.timestamp()), int(end.timestamp())
        return f"{column} >= {first} AND {column} <= {last}"
    raise ValueError(f'unknown macro "{name}"')


def prepare(sql: str, variables: Mapping[str, str], start: datetime, end: datetime) -> str:
    return expand_macros(interpolate(sql, variables), start, end)
