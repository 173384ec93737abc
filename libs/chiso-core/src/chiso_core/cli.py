"""The `chiso` command. Services and tools add their sub-commands through the
`chiso.commands` entry-point group, so this kernel knows none of them."""

import asyncio
import time
from importlib.metadata import entry_points
from typing import Annotated

import typer
from pydantic import ValidationError

from chiso_core import db, retention
from chiso_core.access.cli import app as agency_app
from chiso_core.broker import ensure_topics
from chiso_core.catalog.cli import app as catalog_app
from chiso_core.settings import (
    BrokerSettings,
    MigrateSettings,
    RetentionSettings,
    is_settings_error,
    settings_problem,
)
from chiso_core.telemetry import configure_logging
from chiso_core.words import commands as said

app = typer.Typer(no_args_is_help=True, help="chiso: indicators against Resolution 57 plan targets")
app.add_typer(catalog_app, name="catalog")
app.add_typer(agency_app, name="agency")


@app.command()
def migrate() -> None:
    """Apply pending database migrations (CHISO_DATABASE_URL)."""
    settings = MigrateSettings()
    configure_logging(settings)
    applied = db.migrate(settings.database_url)
    typer.echo(said.migrated(applied))


@app.command("create-topics")
def create_topics() -> None:
    """Create the chiso topics that are missing (CHISO_KAFKA_BOOTSTRAP_SERVERS)."""
    created = asyncio.run(ensure_topics(BrokerSettings()))
    typer.echo(said.topics_created(created))


@app.command("retention")
def retention_command(
    every: Annotated[
        float | None, typer.Option(help="seconds between passes; once when not given")
    ] = None,
) -> None:
    """Drop what the retention settings say may go: old score chunks, expired idempotency keys,
    old notification logs and alert events (CHISO_RETENTION_*, docs/operations.md)."""
    settings = RetentionSettings()
    configure_logging(settings)
    while True:
        removed = retention.run(settings.database_url, settings)
        typer.echo(said.retention_removed(removed))
        if every is None:
            return
        time.sleep(every)  # a process of its own (compose `retention`): nothing else to do


def main() -> None:
    for ep in entry_points(group="chiso.commands"):
        sub = ep.load()
        if isinstance(sub, typer.Typer):
            app.add_typer(sub, name=ep.name)
    try:
        app()
    except ValidationError as e:
        if not is_settings_error(e):
            raise
        # An operator's missing or wrong variable: one line naming it, not a traceback.
        typer.echo(settings_problem(e), err=True)
        raise SystemExit(2) from None
