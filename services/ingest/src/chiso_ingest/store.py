"""Ingest's reads of what scoring stored (through the contract view `reported_figures`), and
its own table of held figures. One round trip per read, whatever the batch's size."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson
from psycopg import AsyncConnection, sql

from chiso_core.checks import Held
from chiso_core.db import LATEST_FIRST
from chiso_ingest.intake import Figure, PointKey, SeriesKey, point

HISTORY = 24  # the latest periods of a series a figure is weighed against


def _points(points: Iterable[PointKey]) -> str:
    """Keys as one JSON document: encoding it is a single call, where four arrays of a
    thousand would be adapted value by value."""
    return orjson.dumps([{"j": j, "i": i, "g": g, "p": p} for j, i, g, p in points]).decode()


def _series(series: Iterable[SeriesKey]) -> str:
    return orjson.dumps([{"j": j, "i": i, "g": g} for j, i, g in series]).decode()


# The latest figure of a point in scoring's order (LATEST_FIRST), never by revision number.
_LATEST = sql.SQL("""
    SELECT DISTINCT ON (o.jurisdiction_id, o.indicator_code, o.grain, o.period_start)
           o.jurisdiction_id, o.indicator_code, o.grain, o.period_start,
           o.value, o.numerator, o.denominator
      FROM reported_figures o
      JOIN jsonb_to_recordset(%s::jsonb) AS k(j text, i text, g text, p date)
        ON o.jurisdiction_id = k.j AND o.indicator_code = k.i
       AND o.grain = k.g AND o.period_start = k.p
     ORDER BY o.jurisdiction_id, o.indicator_code, o.grain, o.period_start, {latest}
""").format(latest=LATEST_FIRST)
_HISTORY = sql.SQL("""
    SELECT k.j, k.i, k.g, h.period_start, h.value
      FROM jsonb_to_recordset(%s::jsonb) AS k(j text, i text, g text)
      CROSS JOIN LATERAL (
            SELECT DISTINCT ON (o.period_start) o.period_start, o.value
              FROM reported_figures o
             WHERE o.jurisdiction_id = k.j AND o.indicator_code = k.i AND o.grain = k.g
             ORDER BY o.period_start DESC, {latest}
             LIMIT %s) AS h
""").format(latest=LATEST_FIRST)
_HELD = """
    SELECT h.jurisdiction_id, h.indicator_code, h.grain, h.period_start,
           h.value, h.numerator, h.denominator
      FROM held_figures h
      JOIN jsonb_to_recordset(%s::jsonb) AS k(j text, i text, g text, p date)
        ON h.jurisdiction_id = k.j AND h.indicator_code = k.i
       AND h.grain = k.g AND h.period_start = k.p
     WHERE h.agency = %s AND h.expires_at > now()
"""


@dataclass(frozen=True)
class Stored:
    """What a batch is judged against."""

    latest: dict[PointKey, Figure]  # the latest stored figure of each point sent
    history: dict[SeriesKey, list[tuple[date, float]]]  # each series' latest periods
    held: dict[PointKey, Figure]  # the agency's unexpired held figures at the points sent


async def stored_for(conn: AsyncConnection, agency: str, points: Iterable[PointKey]) -> Stored:
    """The three reads in one round trip (pipeline mode)."""
    keys = set(points)
    if not keys:
        return Stored({}, {}, {})
    at = _points(keys)
    async with conn.pipeline():
        latest = await conn.execute(_LATEST, [at])
        history = await conn.execute(_HISTORY, [_series({k[:3] for k in keys}), HISTORY])
        held = await conn.execute(_HELD, [at, agency])
    series: dict[SeriesKey, list[tuple[date, float]]] = defaultdict(list)
    for j, i, g, day, value in await history.fetchall():
        series[(j, i, g)].append((day, value))
    return Stored(
        {(j, i, g, p): (v, n, d) for j, i, g, p, v, n, d in await latest.fetchall()},
        series,
        {(j, i, g, p): (v, n, d) for j, i, g, p, v, n, d in await held.fetchall()},
    )


async def settle(
    conn: AsyncConnection,
    agency: str,
    source: str,
    released: Sequence[PointKey],
    held: Sequence[Held],
    keep_for: timedelta,
) -> None:
    """In one transaction: the agency's held figures at `released` points go (confirmed or
    corrected), the newly `held` replace any at their points, expired ones go."""
    async with conn.transaction():
        await conn.execute(
            "DELETE FROM held_figures WHERE expires_at <= now() OR (agency = %s AND"
            " (jurisdiction_id, indicator_code, grain, period_start) IN"
            " (SELECT k.j, k.i, k.g, k.p FROM"
            "  jsonb_to_recordset(%s::jsonb) AS k(j text, i text, g text, p date)))",
            [agency, _points(set(released) | {point(h.checked) for h in held})],
        )
        async with conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO held_figures (agency, jurisdiction_id, indicator_code, grain,"
                " period_start, value, numerator, denominator, source, reason_vi, reason_en,"
                " expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now() + %s)",
                [
                    (
                        agency,
                        *point(h.checked),
                        h.checked.value,
                        h.checked.numerator,
                        h.checked.denominator,
                        source,
                        h.issue.line("vi"),
                        h.issue.line("en"),
                        keep_for,
                    )
                    for h in held
                ],
            )


async def list_held(conn: AsyncConnection, agency: str) -> list[dict[str, Any]]:
    """The agency's unexpired held figures, oldest first."""
    cur = await conn.execute(
        "SELECT jurisdiction_id, indicator_code, grain, period_start, value, numerator,"
        " denominator, reason_vi, reason_en, held_at, expires_at FROM held_figures"
        " WHERE agency = %s AND expires_at > now() ORDER BY held_at",
        [agency],
    )
    names = [c.name for c in cur.description or ()]
    return [dict(zip(names, row, strict=True)) for row in await cur.fetchall()]
