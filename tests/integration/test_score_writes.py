"""Writing scores (store.upsert_scores) on the real database: scores at points new to their
series are copied straight into the table, the rest upserted; should a "fresh" score's key be
stored after all, nothing fails, nothing is half-written, and each score is as the upsert would
leave it."""

from collections.abc import Sequence

import psycopg
import pytest

from chiso_core.periods import Grain, Period
from chiso_core.status import Status
from chiso_scoring import store
from chiso_scoring.scorer import FIGURES, ScoreRow


def score(month: int, status: Status = Status.ON_TRACK, gap: float = 1.0) -> ScoreRow:
    figures = tuple(gap if name == "gap" else None for name, _ in FIGURES)
    return ScoreRow(
        "plan", 1, "target", "commune", "usage", Period(2025, month, Grain.MONTH), 2030,
        50.0 + month, 1, False, status, figures,
    )  # fmt: skip


async def write(
    database_url: str, rows: Sequence[ScoreRow], fresh: Sequence[ScoreRow]
) -> list[ScoreRow]:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        async with conn.transaction():
            written = await store.upsert_scores(conn, rows, fresh)
            # the transaction goes on after a fresh key was found stored
            await conn.execute("SELECT 1")
        return written


def stored(database_url: str) -> dict[str, tuple[str, float]]:
    with psycopg.connect(database_url) as conn:
        found = conn.execute(
            "SELECT to_char(period_start, 'YYYY-MM'), status, gap FROM scores"
        ).fetchall()
    return {month: (status, gap) for month, status, gap in found}


async def test_fresh_scores_are_copied_in_and_the_rest_upserted(database_url: str) -> None:
    await write(database_url, [], [score(1), score(2)])
    written = await write(
        database_url, [score(1), score(2, Status.OFF_TRACK)], [score(3), score(4)]
    )
    # the unchanged score is left alone and not returned; the changed one and the new ones are
    assert written == [score(2, Status.OFF_TRACK), score(3), score(4)]
    assert stored(database_url) == {
        "2025-01": ("on_track", 1.0),
        "2025-02": ("off_track", 1.0),
        "2025-03": ("on_track", 1.0),
        "2025-04": ("on_track", 1.0),
    }


@pytest.mark.parametrize("again", ["same", "changed"])
async def test_a_fresh_score_already_stored_is_upserted_with_the_rest(
    database_url: str, again: str
) -> None:
    """Whichever of the fresh scores was stored (the same or changed), the copy is undone and
    every score is written as the upsert writes it: none twice, none lost."""
    await write(database_url, [], [score(2)])
    before = score(2) if again == "same" else score(2, gap=-3.0)
    written = await write(database_url, [score(1)], [before, score(3)])
    assert written == [score(1), *([before] if again == "changed" else []), score(3)]
    assert stored(database_url) == {
        "2025-01": ("on_track", 1.0),
        "2025-02": ("on_track", 1.0 if again == "same" else -3.0),
        "2025-03": ("on_track", 1.0),
    }
