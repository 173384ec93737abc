"""The terminal scorecard: where each plan target stands, read back from TimescaleDB."""

from dataclasses import dataclass
from datetime import datetime

import psycopg
from rich import box
from rich.console import Console
from rich.table import Table

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_core.words import labels, vietnamese
from chiso_core.words.probability import chance
from chiso_core.words.refusals import both


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


def progress(conn: psycopg.Connection, since: datetime) -> tuple[int, int]:
    """(scores computed since `since`, targets whose latest score — computed since then — is off
    track with no status alert open, pending or firing: a target off track at one period only
    is pending). The owners' reminders do not stand in for a target's own alert. A target judged
    before `since` is not waited for: its score's message may have been lost with an earlier
    run's embedded broker, and nothing would judge it again."""
    row = conn.execute(
        """
        SELECT (SELECT count(*) FROM scores WHERE computed_at >= %(since)s),
               (SELECT count(*) FROM (
                   SELECT DISTINCT ON (plan_id, target_id, jurisdiction_id)
                          plan_id, target_id, jurisdiction_id, status, computed_at
                     FROM scores ORDER BY plan_id, target_id, jurisdiction_id, period_start DESC
               ) latest
                WHERE status IN ('off_track', 'deteriorating') AND computed_at >= %(since)s
                  AND NOT EXISTS (
                      SELECT FROM alerts
                       WHERE state IN ('pending', 'firing') AND labels->>'rule' = 'status'
                         AND labels->>'plan' = latest.plan_id
                         AND labels->>'target' = latest.target_id
                         AND labels->>'jurisdiction' = latest.jurisdiction_id))
        """,
        {"since": since},
    ).fetchone()
    assert row is not None
    return row[0], row[1]


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


# Each column's heading, Vietnamese over English (a heading of two lines keeps the table narrow)
_COLUMNS = (
    ("Đơn vị", "jurisdiction"),
    ("Chỉ tiêu", "indicator"),
    ("Kỳ", "period"),
    ("Thực tế", "actual"),
    ("Kỳ vọng", "expected"),
    ("Mục tiêu", "target"),
    ("Trạng thái", "status"),
    ("Khả năng đạt", "chance"),
    ("Cảnh báo", "alert"),
)
_NUMBERS = ("actual", "expected")
_ALERT = labels.ALERT_STATE[labels.VI]


def render(lines: list[Line], catalog: Catalog, console: Console) -> None:
    # no rules between the columns and a space after each: the Vietnamese names are wider than
    # the codes they replace, and the table must fit the 150 columns the demo prints to when
    # not on a terminal
    table = Table(
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        show_edge=False,
        title=both(
            "bảng điểm chiso: kỳ mới nhất của mỗi mục tiêu kế hoạch",
            "chiso scorecard: latest period of every plan target",
        ),
        title_justify="left",
    )
    for vi, en in _COLUMNS:
        table.add_column(f"{vi}\n{en}", justify="right" if en in _NUMBERS else "left", no_wrap=True)
    for line in sorted(lines, key=lambda x: (x.jurisdiction, x.indicator)):
        target = next(t for t in catalog.plans[line.plan_id].targets if t.id == line.target_id)
        period = str(line.period)  # 2026-06: as narrow as the table's other codes
        table.add_row(
            catalog.jurisdictions[line.jurisdiction].name_vi,
            line.indicator,
            period,
            vietnamese.number(line.actual, 1),
            vietnamese.number(line.expected, 1),
            # the report's and the alerts' wording, so that every comparator of the catalog has one
            vietnamese.target_by(
                target.comparator, target.value, target.values, target.unit, line.due_year
            ),
            labels.status(line.status),
            chance(line.probability, line.status, as_of=period) or "-",
            "-" if line.alert is None else _ALERT.get(line.alert, line.alert),
        )
    console.print(table)
