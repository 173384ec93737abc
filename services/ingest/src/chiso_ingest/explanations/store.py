"""Explanations in the database (0012.owners.sql): added, never changed."""

from psycopg import AsyncConnection

from chiso_core.periods import Period
from chiso_ingest.explanations.models import ExplanationIn, Recorded

_INSERT = """
    INSERT INTO target_explanations (plan_id, target_id, period, agency, key_id, done,
                                     difficulties, next_actions, evidence_url, channel)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    RETURNING id, recorded_at
"""


async def add(
    conn: AsyncConnection, explanations: list[ExplanationIn], agency: str, key_id: str, channel: str
) -> list[Recorded]:
    """Keeps every explanation, in one transaction (all or none), in one pipelined round of
    statements; the periods as the database keeps them (2025-6 → 2025-06)."""
    rows = [
        (
            e.plan,
            e.target,
            str(Period.parse(e.period)),
            agency,
            key_id,
            e.done.strip(),
            e.difficulties.strip(),
            e.next_actions.strip(),
            e.evidence_url,
            channel,
        )
        for e in explanations
    ]
    recorded: list[Recorded] = []
    async with conn.transaction(), conn.cursor() as cur:
        await cur.executemany(_INSERT, rows, returning=True)
        for row in rows:
            found = await cur.fetchone()
            assert found is not None
            recorded.append(
                Recorded(
                    id=found[0],
                    plan=row[0],
                    target=row[1],
                    period=row[2],
                    agency=agency,
                    recorded_at=found[1],
                )
            )
            cur.nextset()
    return recorded
