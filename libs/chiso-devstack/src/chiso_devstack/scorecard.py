"""The terminal scorecard: where each plan target stands, read back from TimescaleDB."""

from dataclasses import dataclass
from datetime import datetime

import psycopg
from rich.console import Console
from rich.table import Table

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_core.words import vietnamese
from chiso_core.words.probability import Language, chance


@dataclass(frozen=True)
class Line:
    plan_id: str
    target_id: str
    jurisdiction: str
    indicator: str
    period: Period
    actual: float | None
    expected: float | None  # none for a milestone or an every-year kind
    due_year: int
    status: str
    probability: float | None
    alert: str | None


def progress(conn: psycopg.Connection, since: datetime) -> tuple[int, int, int]:
    """(scores computed since `since`, latest scores off track, status alerts open — pending
    or firing: a target off track at one period only is pending —, not counting the owners'
    reminders, which must not stand in for a target's own alert)."""
    row = conn.execute(
        """
        SELECT (SELECT count(*) FROM scores WHERE computed_at >= %s),
               (SELECT count(*) FROM (
                   SELECT DISTINCT ON (plan_id, target_id, jurisdiction_id) status
                     FROM scores ORDER BY plan_id, target_id, jurisdiction_id, period_start DESC
               ) latest WHERE status IN ('off_track', 'deteriorating')),
               (SELECT count(*) FROM alerts
                 WHERE state IN ('pending', 'firing') AND labels->>'rule' = 'status')
        """,
        [since],
    ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def stored(conn: psycopg.Connection, series: set[tuple[str, str]]) -> set[tuple[str, str, str]]:
    """(jurisdiction, indicator, period) of every figure stored for these series."""
    rows = conn.execute(
        """
        SELECT DISTINCT jurisdiction_id, indicator_code, grain, period_start
          FROM observations
         WHERE (jurisdiction_id, indicator_code) IN (SELECT * FROM unnest(%s::text[], %s::text[]))
        """,
        [[j for j, _ in series], [i for _, i in series]],
    ).fetchall()
    return {(j, i, str(Period.of(g, start))) for j, i, g, start in rows}


def read(conn: psycopg.Connection) -> list[Line]:
    """Each target's latest score, and the state of its most pressing alert (firing, then
    pending, then the latest resolved): a target has several (its status, its owners'
    reminders), and any one of them would say little."""
    rows = conn.execute(
        """
        SELECT DISTINCT ON (s.plan_id, s.target_id, s.jurisdiction_id)
               s.plan_id, s.target_id, s.jurisdiction_id, s.indicator_code, s.grain,
               s.period_start, s.actual, s.expected, s.due_year, s.status,
               s.probability, a.state
          FROM scores s
          LEFT JOIN LATERAL (
                SELECT state FROM alerts
                 WHERE labels->>'plan' = s.plan_id AND labels->>'target' = s.target_id
                   AND labels->>'jurisdiction' = s.jurisdiction_id
                 ORDER BY state <> 'firing', state <> 'pending', updated_at DESC
                 LIMIT 1
          ) a ON true
         ORDER BY s.plan_id, s.target_id, s.jurisdiction_id, s.period_start DESC
        """
    ).fetchall()
    return [
        Line(p, t, j, i, Period.of(g, start), actual, expected, due, status, chance, alert)
        for p, t, j, i, g, start, actual, expected, due, status, chance, alert in rows
    ]


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
            vietnamese.number(line.actual, 1),
            vietnamese.number(line.expected, 1),
            # the report's wording, so that every comparator of the catalog has one
            f"{vietnamese.target(target.comparator, target.value, target.values, target.unit)}"
            f" by {line.due_year}",
            line.status,
            chance(line.probability, line.status, as_of=str(line.period), language=Language.EN)
            or "-",
            line.alert or "-",
        )
    console.print(table)
