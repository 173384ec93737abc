"""`chiso agency create | rotate | revoke`: the keys agencies call the services with."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import psycopg
import typer

from chiso_core.access import agencies
from chiso_core.access.agencies import AgencyError, Permission
from chiso_core.catalog import store
from chiso_core.settings import DatabaseSettings
from chiso_core.words import commands as said

app = typer.Typer(no_args_is_help=True, help="Agencies and their API keys (CHISO_DATABASE_URL).")
T = TypeVar("T")
Name = Annotated[str, typer.Argument(help="the agency's short name, e.g. so_tttt_khanh_hoa")]


def _run(work: Callable[[psycopg.AsyncConnection], Awaitable[T]]) -> T:
    async def go() -> T:
        url = DatabaseSettings().database_url
        async with await psycopg.AsyncConnection.connect(url) as conn, conn.transaction():
            return await work(conn)

    try:
        return asyncio.run(go())
    except AgencyError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(1) from e


def _show_once(token: str) -> None:
    typer.echo(token)  # alone on stdout, for a script to capture; the words go to stderr
    typer.echo(said.KEY_SHOWN_ONCE, err=True)


@app.command()
def create(
    name: Name,
    jurisdiction: Annotated[
        list[str], typer.Option(help="a catalog jurisdiction id; the units below it are included")
    ],
    indicator: Annotated[
        list[str],
        typer.Option(
            help="an indicator code the agency reports or follows; '*' for every indicator of "
            "the loaded catalog"
        ),
    ],
    permission: Annotated[
        list[Permission] | None,
        typer.Option(help="what its keys may do: report figures, use the alerts API"),
    ] = None,
) -> None:
    """Create an agency and print its API key (permission: report unless given)."""

    async def work(conn: psycopg.AsyncConnection) -> str:
        catalog = await store.read(conn)
        return await agencies.create(
            conn, catalog, name, jurisdiction, indicator, permission or [Permission.REPORT]
        )

    _show_once(_run(work))


@app.command()
def rotate(name: Name) -> None:
    """Print a new API key for the agency and revoke its old ones."""
    token, revoked = _run(lambda conn: agencies.rotate(conn, name))
    _show_once(token)
    typer.echo(said.keys_revoked(revoked), err=True)


@app.command()
def revoke(name: Name) -> None:
    """Revoke every API key of the agency."""
    revoked = _run(lambda conn: agencies.revoke(conn, name))
    typer.echo(said.keys_revoked(revoked))
