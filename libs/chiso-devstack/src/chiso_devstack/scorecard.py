"""The terminal scorecard: where each plan target stands, read back from TimescaleDB."""

from dataclasses import dataclass
from datetime import datetime

import psycopg
from rich.console import Console
from rich.table import Table

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_core.words.probability import Language, chance


@dataclass(frozen=True)
class Line:
    plan_id: str
    target_id: str
    jurisdiction: str
    indicator: str
    period: Period
    actual: float
    expected: float
    target_value: float
    due_year: int
    status: str
    probability: float | None
    alert: str | None


def progress(conn: psycopg.Connection, since: datetime) -> tuple[int, int, int]:
    """(scores computed since `since`, latest scores off track, alerts firing)."""
    row = conn.execute(
        """
        SELECT (SELECT count(*) FROM scores WHERE computed_at >= %s),
               (SELECT count(*) FROM (
                   SELECT DISTINCT ON (plan_id, target_id, jurisdiction_id) status
                     FROM scores ORDER BY plan_id, target_id, jurisdiction_id, period_start DESC
               ) latest WHERE status IN ('off_track', 'deteriorating')),
               (SELECT count(*) FROM alerts WHERE state = 'firing')
        """,
        [since],
    ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def read(conn: psycopg.Connection) -> list[Line]:
    rows = conn.execute(
        """
        SELECT DISTINCT ON (s.plan_id, s.target_id, s.jurisdiction_id)
               s.plan_id, s.target_id, s.jurisdiction_id, s.indicator_code, s.grain,
               s.period_start, s.actual, s.expected, s.target_value, s.due_year, s.status,
               s.probability, a.state
          FROM scores s
          LEFT JOIN alerts a
            ON a.labels->>'plan' = s.plan_id AND a.labels->>'target' = s.target_id
           AND a.labels->>'jurisdiction' = s.jurisdiction_id
         ORDER BY s.plan_id, s.target_id, s.jurisdiction_id, s.period_start DESC
        """
    ).fetchall()
    return [
        Line(p, t, j, i, Period.of(g, start), actual, expected, target, due, status, chance, alert)
        for p, t, j, i, g, start, actual, expected, target, due, status, chance, alert in rows
    ]


_SYMBOL = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def render(lines: list[Line], catalog: Catalog, console: Console) -> None:
    table = Table(title="chiso scorecard: latest period of every plan target", title_justify="left")
    for column in (
        "jurisdiction",
        "indicator",
        "period",
        "actual",
        "expected",
        "target",
        "status",
        "chance",
        "alert",
    ):
        table.add_column(
            column, justify="right" if column in ("actual", "expected") else "left", no_wrap=True
        )
    for line in sorted(lines, key=lambda x: (x.jurisdiction, x.indicator)):
        target = next(t for t in catalog.plans[line.plan_id].targets if t.id == line.target_id)
        table.add_row(
            catalog.jurisdictions[line.jurisdiction].name_vi,
            line.indicator,
            str(line.period),
            f"{line.actual:.1f}",
            f"{line.expected:.1f}",
            f"{_SYMBOL[target.comparator]} {line.target_value:g} by {line.due_year}",
            line.status,
            chance(line.probability, line.status, as_of=str(line.period), language=Language.EN)
            or "-",
            line.alert or "-",
        )
    console.print(table)
