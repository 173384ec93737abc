"""Scoring's SQL: every query is one round trip for the whole batch.

A batch's keys go as arrays in binary format (`%b`): thousands of texts each, which the text
format would quote and escape one by one (seven times the cost)."""

from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from contextlib import asynccontextmanager

from psycopg import AsyncConnection, AsyncCopy, errors, sql

from chiso_core.db import LATEST_FIRST
from chiso_core.periods import Period
from chiso_scoring import series
from chiso_scoring.intake import ObservationRow, PointKey, SeriesKey
from chiso_scoring.revisions import Current
from chiso_scoring.rollup import ChildSums
from chiso_scoring.scorer import FIGURES, ScoreRow
from chiso_scoring.series import Series


def _columns(keys: Sequence[PointKey]) -> list[object]:
    """Points as the four parallel arrays an unnest() join takes, then the first and the last
    period start among them: a bound on `period_start` lets the database skip the yearly chunks
    of `observations` outside it, where a join on the arrays alone probes every year's index
    (a lookup would cost more the longer the history)."""
    starts = [k[2].start for k in keys]
    return [
        [k[0] for k in keys],
        [k[1] for k in keys],
        [str(k[2].grain) for k in keys],
        starts,
        min(starts, default=None),
        max(starts, default=None),
    ]


async def lock_series(conn: AsyncConnection, keys: Collection[SeriesKey]) -> None:
    """Waits until no other transaction writes any of these series, and keeps them until this
    one ends: one writer per series, whatever partition a producer put a figure on. The locks
    are taken in one statement, in the order of their lock ids, so that two batches sharing
    series queue behind each other instead of deadlocking."""
    await conn.execute(
        """
        SELECT pg_advisory_xact_lock(id)
          FROM (SELECT DISTINCT hashtextextended(j || '/' || i, 0) AS id
                  FROM unnest(%b::text[], %b::text[]) AS k(j, i)
                 ORDER BY id) AS ordered
        """,
        [[j for j, _ in keys], [i for _, i in keys]],
    )


async def known_message_ids(conn: AsyncConnection, ids: Sequence[str]) -> set[str]:
    cur = await conn.execute(
        "SELECT message_id FROM observation_receipts WHERE message_id = ANY(%b::text[])",
        [list(ids)],
    )
    return {r[0] for r in await cur.fetchall()}


async def record_receipts(conn: AsyncConnection, ids: Iterable[str]) -> None:
    async with (
        conn.cursor() as cur,
        cur.copy("COPY observation_receipts (message_id) FROM STDIN") as copy,
    ):
        for message_id in ids:
            await copy.write_row((message_id,))


async def bump_versions(
    conn: AsyncConnection, keys: Collection[SeriesKey]
) -> dict[SeriesKey, bytes | None]:
    """Counts one more write in each series (see chiso_scoring.states); returns each series'
    state where it is the current one (written at the version before), else None. Under the
    series' locks: no other transaction bumps them until this one ends."""
    cur = await conn.execute(
        """
        WITH bumped AS (
            INSERT INTO series_versions AS v (jurisdiction_id, indicator_code, version)
            SELECT j, i, 1 FROM unnest(%b::text[], %b::text[]) AS k(j, i)
                ON CONFLICT (jurisdiction_id, indicator_code) DO UPDATE SET version = v.version + 1
            RETURNING jurisdiction_id, indicator_code, version
        )
        SELECT b.jurisdiction_id, b.indicator_code,
               CASE WHEN s.version = b.version - 1 THEN s.state END
          FROM bumped AS b LEFT JOIN series_states AS s USING (jurisdiction_id, indicator_code)
        """,
        [[j for j, _ in keys], [i for _, i in keys]],
        binary=True,
    )
    return {(j, i): state for j, i, state in await cur.fetchall()}


_STATE_COLUMNS = ("jurisdiction_id", "indicator_code", "state")


async def keep_states(conn: AsyncConnection, states: dict[SeriesKey, bytes]) -> None:
    """Keeps each series' state (chiso_scoring.states) at the version this transaction bumped
    it to. Staged by COPY, which streams the records: as one array parameter, a batch's states
    (~9 MB at 5,000 series of 50 months) were copied whole into its buffer, the batch's largest
    allocation."""
    if not states:  # no series judged (a batch of figures without targets): nothing to stage
        return
    # A record stays in its row, as in series_states (migration 0017): past 2 kB (ten years of
    # monthly figures are ~3 kB) the default tried to compress each one and moved it to a TOAST
    # table, 15–16 µs a figure of the database's time at 240 months (docs/operations.md).
    await conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS states_stage"
        " (jurisdiction_id text, indicator_code text, state bytea)"
        " WITH (toast_tuple_target = 8160) ON COMMIT DELETE ROWS"
    )
    async with _copy_binary(conn, "states_stage", "states_stage", _STATE_COLUMNS) as copy:
        for (jurisdiction, indicator), state in states.items():
            await copy.write_row((jurisdiction, indicator, state))
    await conn.execute(
        """
        INSERT INTO series_states AS t (jurisdiction_id, indicator_code, version, state)
        SELECT s.jurisdiction_id, s.indicator_code, v.version, s.state
          FROM states_stage AS s JOIN series_versions AS v USING (jurisdiction_id, indicator_code)
            ON CONFLICT (jurisdiction_id, indicator_code)
            DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
        """
    )


def every_point(key: SeriesKey, ends: Sequence[int], spans: Sequence[int]) -> set[int] | None:
    """Every point of a series is due (a rescore)."""
    return None


DueEnds = Callable[[SeriesKey, Sequence[int], Sequence[int]], set[int] | None]


async def read_series(
    conn: AsyncConnection, keys: Collection[SeriesKey], due: DueEnds = every_point, chunk: int = 200
) -> AsyncIterator[list[Series]]:
    """The latest revision of every point of the given series, by series key; `due` picks,
    from a series' ends and spans (months), the ends whose points are due (None: all). One row a
    series, its points as arrays: a batch reads hundreds of thousands of points, so only the due
    ones become objects, and only `chunk` series at a time (the memory a batch needs stays flat
    however long the series grow)."""
    keys = list(keys)
    cur = conn.cursor(binary=True)
    await cur.execute(
        sql.SQL("""
        WITH wanted AS (
            SELECT * FROM unnest(%b::text[], %b::text[]) AS w(j, i)
        ), latest AS (
            SELECT DISTINCT ON (o.jurisdiction_id, o.indicator_code, o.grain, o.period_start)
                   o.jurisdiction_id AS j, o.indicator_code AS i, o.value, o.revision,
                   o.derived, s.span,
                   (extract(year FROM o.period_start) * 12
                    + extract(month FROM o.period_start))::int - 1 + s.span AS e
              FROM wanted w
              JOIN observations o ON o.jurisdiction_id = w.j AND o.indicator_code = w.i
              JOIN (VALUES ('month', 1), ('quarter', 3), ('year', 12)) AS s(grain, span)
                ON s.grain = o.grain
             ORDER BY o.jurisdiction_id, o.indicator_code, o.grain, o.period_start, {latest}
        )
        SELECT j, i,
               array_agg(e ORDER BY e, span DESC), array_agg(span ORDER BY e, span DESC),
               array_agg(value ORDER BY e, span DESC),
               array_agg(revision ORDER BY e, span DESC),
               array_agg(derived ORDER BY e, span DESC)
          FROM latest
         GROUP BY j, i
         ORDER BY j, i
        """).format(latest=LATEST_FIRST),
        [[k[0] for k in keys], [k[1] for k in keys]],
    )
    while rows := await cur.fetchmany(chunk):
        yield [
            series.build((j, i), ends, spans, values, revisions, derived, due((j, i), ends, spans))
            for j, i, ends, spans, values, revisions, derived in rows
        ]


async def points_at(conn: AsyncConnection, keys: Iterable[PointKey]) -> dict[PointKey, Current]:
    """The latest revision of each given point (those that exist), with the highest revision
    number stored for it."""
    keys = list(set(keys))
    cur = await conn.execute(
        sql.SQL("""
        SELECT DISTINCT ON (o.jurisdiction_id, o.indicator_code, o.grain, o.period_start)
               o.jurisdiction_id, o.indicator_code, o.grain, o.period_start,
               o.revision, o.content_hash, o.derived, o.reported_at, o.message_id,
               max(o.revision) OVER (
                   PARTITION BY o.jurisdiction_id, o.indicator_code, o.grain, o.period_start)
          FROM observations o
          JOIN unnest(%b::text[], %b::text[], %b::text[], %b::date[]) AS k(j, i, g, p)
            ON o.jurisdiction_id = k.j AND o.indicator_code = k.i
           AND o.grain = k.g AND o.period_start = k.p
         WHERE o.period_start BETWEEN %s AND %s
         ORDER BY o.jurisdiction_id, o.indicator_code, o.grain, o.period_start, {latest}
        """).format(latest=LATEST_FIRST),
        _columns(keys),
    )
    return {
        (j, i, Period.of(g, p)): Current(rev, bytes(h), derived, at, message_id, top)
        for j, i, g, p, rev, h, derived, at, message_id, top in await cur.fetchall()
    }


async def child_sums(
    conn: AsyncConnection, parents: Iterable[PointKey]
) -> dict[PointKey, ChildSums]:
    """For each parent point, its children's latest figures at that indicator and period,
    summed, where at least one child has a figure. The children are the loaded catalog's. The
    sums add in the children's order, so that the same figures always give the same sum (and
    an unchanged roll-up is recognised as unchanged)."""
    cur = await conn.execute(
        sql.SQL("""
        WITH wanted AS (
            SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::date[]) AS w(j, i, g, p)
        ), latest AS (
            SELECT DISTINCT ON (w.j, w.i, w.g, w.p, o.jurisdiction_id)
                   w.j, w.i, w.g, w.p, o.jurisdiction_id AS child,
                   o.value, o.numerator, o.denominator
              FROM wanted w
              JOIN catalog_jurisdictions c ON c.body ->> 'parent' = w.j
              JOIN observations o ON o.jurisdiction_id = c.id AND o.indicator_code = w.i
                                 AND o.grain = w.g AND o.period_start = w.p
             WHERE o.period_start BETWEEN %s AND %s
             ORDER BY w.j, w.i, w.g, w.p, o.jurisdiction_id, {latest}
        )
        SELECT j, i, g, p, count(*),
               count(*) FILTER (WHERE numerator IS NULL OR denominator IS NULL),
               coalesce(sum(numerator ORDER BY child), 0),
               coalesce(sum(denominator ORDER BY child), 0),
               sum(value ORDER BY child)
          FROM latest
         GROUP BY j, i, g, p
        """).format(latest=LATEST_FIRST),
        _columns(list(set(parents))),
    )
    return {
        (j, i, Period.of(g, p)): ChildSums(n, without, numerator, denominator, value)
        for j, i, g, p, n, without, numerator, denominator, value in await cur.fetchall()
    }


_OBSERVATION_COLUMNS = (
    "period_start",
    "grain",
    "jurisdiction_id",
    "indicator_code",
    "revision",
    "value",
    "numerator",
    "denominator",
    "source",
    "message_id",
    "content_hash",
    "reported_at",
    "derived",
)

# The column types of the tables a batch copies into, as the database defines them: a COPY in
# binary format needs them, and they change only with a migration (read once per process).
_TYPES: dict[tuple[str, tuple[str, ...]], list[int]] = {}


@asynccontextmanager
async def _copy_binary(
    conn: AsyncConnection, table: str, like: str, columns: Sequence[str]
) -> AsyncIterator[AsyncCopy]:
    """COPY into `table` (whose columns are `like`'s) in binary format: each float is copied as
    its eight bytes, where the text format would write it out in decimal (and the database
    parse it back), a tenth of the cost of a score row."""
    key = (like, tuple(columns))
    if key not in _TYPES:
        cur = await conn.execute(
            "SELECT a.atttypid FROM unnest(%s::text[]) WITH ORDINALITY AS c(name, k)"
            " JOIN pg_attribute a ON a.attrelid = %s::regclass AND a.attname = c.name"
            " ORDER BY c.k",
            [list(columns), like],
        )
        _TYPES[key] = [oid for (oid,) in await cur.fetchall()]
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(table), _identifiers(columns)
    )
    async with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.set_types(_TYPES[key])
        yield copy


async def copy_observations(
    conn: AsyncConnection, rows: Sequence[tuple[ObservationRow, int]]
) -> None:
    async with _copy_binary(conn, "observations", "observations", _OBSERVATION_COLUMNS) as copy:
        for r, revision in rows:
            await copy.write_row(
                (
                    r.period.start,
                    str(r.period.grain),
                    r.jurisdiction,
                    r.indicator,
                    revision,
                    r.value,
                    r.numerator,
                    r.denominator,
                    r.source,
                    r.message_id,
                    r.content_hash,
                    r.reported_at,
                    r.derived,
                )
            )


_SCORE_KEY = (
    "plan_id",
    "plan_revision",
    "target_id",
    "jurisdiction_id",
    "grain",
    "period_start",
    "method",
)
_SCORE_COLUMNS = (
    *_SCORE_KEY,
    "indicator_code",
    "method_version",
    "actual",
    "due_year",
    "status",
    "observation_revision",
    "derived",
    *(name for name, _ in FIGURES),
)


def _score_values(s: ScoreRow) -> tuple[object, ...]:
    """A score as a row of _SCORE_COLUMNS, in that order."""
    return (
        s.plan_id,
        s.plan_revision,
        s.target_id,
        s.jurisdiction,
        str(s.period.grain),
        s.period.start,
        s.method,
        s.indicator,
        s.method_version,
        s.actual,
        s.due_year,
        str(s.status),
        s.observation_revision,
        s.derived,
        *s.figures,
    )


def _identifiers(names: Sequence[str]) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, names))


_CONTENT = [c for c in _SCORE_COLUMNS if c not in _SCORE_KEY]

# A re-judged score that came out the same is left alone: not rewritten, not returned, so not
# published again.
_UPSERT_SCORES = sql.SQL(
    "INSERT INTO scores ({columns}) SELECT {columns} FROM scores_stage"
    " ON CONFLICT ({key}) DO UPDATE SET {updates}, computed_at = now()"
    " WHERE ({current}) IS DISTINCT FROM ({excluded})"
    " RETURNING {key}"
).format(
    columns=_identifiers(_SCORE_COLUMNS),
    key=_identifiers(_SCORE_KEY),
    updates=sql.SQL(", ").join(
        sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in _CONTENT
    ),
    current=sql.SQL(", ").join(sql.Identifier("scores", c) for c in _CONTENT),
    excluded=sql.SQL(", ").join(sql.Identifier("excluded", c) for c in _CONTENT),
)


async def upsert_scores(
    conn: AsyncConnection, rows: Sequence[ScoreRow], fresh: Sequence[ScoreRow] = ()
) -> list[ScoreRow]:
    """Staged COPY, then one upsert: a re-scored period replaces its score. `fresh`: scores
    whose keys cannot be stored yet (scorer.Scored), copied straight into the table — half the
    database's work of the upsert — in a savepoint: should one be stored after all, the copy is
    undone and they are upserted with the rest. Returns the rows that are new or differ from
    the stored score."""
    if fresh:
        try:
            async with conn.transaction():
                await _copy_scores(conn, "scores", [_score_values(s) for s in fresh])
        except errors.UniqueViolation:
            rows, fresh = [*rows, *fresh], ()
    return [*(await _upsert(conn, rows) if rows else ()), *fresh]


async def _copy_scores(
    conn: AsyncConnection, table: str, values: Iterable[tuple[object, ...]]
) -> None:
    async with _copy_binary(conn, table, "scores", _SCORE_COLUMNS) as copy:
        for v in values:
            await copy.write_row(v)


async def _upsert(conn: AsyncConnection, rows: Sequence[ScoreRow]) -> list[ScoreRow]:
    await conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS scores_stage (LIKE scores INCLUDING DEFAULTS)"
        " ON COMMIT DELETE ROWS"
    )
    values = [_score_values(s) for s in rows]
    await _copy_scores(conn, "scores_stage", values)
    async with conn.cursor() as cur:
        await cur.execute(_UPSERT_SCORES)
        written = set(await cur.fetchall())
    return [s for s, v in zip(rows, values, strict=True) if v[: len(_SCORE_KEY)] in written]
