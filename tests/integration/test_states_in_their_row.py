"""A series' kept state stays in its row, as it was written, both in a batch's stage and in
`series_states`, on a real TimescaleDB. Past 2 kB (ten years of monthly figures make ~3 kB),
PostgreSQL's default would try to compress each record and move it to a TOAST table. In the
stage that cost 15–16 µs a figure of the database's time at 240 months of history, against
1.3–1.8 at 24 (docs/operations.md, Capacity)."""

import os

import psycopg
import pytest
from psycopg import sql

from chiso_scoring import store

KEY = ("khanh_hoa", "online_public_service_usage")


def _stored(table: str) -> sql.Composed:
    """The record's compression (NULL: none), and the bytes of the table's TOAST relation."""
    return sql.SQL(
        "SELECT pg_column_compression(state), pg_relation_size(c.reltoastrelid)"
        " FROM {table}, pg_class c WHERE c.oid = {name}::regclass"
    ).format(table=sql.Identifier(table), name=sql.Literal(table))


@pytest.mark.parametrize(
    "record",
    [b"chiso" * 700, os.urandom(3500)],  # as compressible as a record can be, and not at all
    ids=["compressible", "incompressible"],
)
async def test_a_ten_year_state_is_staged_and_kept_in_its_row(
    database_url: str, record: bytes
) -> None:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        async with conn.transaction():
            await store.bump_versions(conn, [KEY])
            await store.keep_states(conn, {KEY: record})
            staged = await (await conn.execute(_stored("states_stage"))).fetchone()
        kept = await (await conn.execute(_stored("series_states"))).fetchone()
        back = await (await conn.execute("SELECT state FROM series_states")).fetchone()
    assert staged == (None, 0)
    assert kept == (None, 0)
    assert back == (record,)
