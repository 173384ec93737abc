"""`chiso ingest …` commands."""

import asyncio
from typing import Annotated

import typer

from chiso_core.http import serve as serve_http
from chiso_core.settings import FeedsSettings, IngestSettings
from chiso_core.telemetry import configure_logging
from chiso_core.words import commands as said

app = typer.Typer(
    no_args_is_help=True, help="The ingest service: agencies' HTTP API and feed adapters."
)


@app.command()
def serve() -> None:
    """Run the ingest HTTP API (CHISO_* settings)."""
    from chiso_ingest.app import create_app

    settings = IngestSettings()
    serve_http(create_app(settings), settings)


@app.command()
def feeds(
    once: Annotated[
        bool, typer.Option(help="poll every feed once and exit (non-zero if one failed)")
    ] = False,
) -> None:
    """Poll the feeds configured in CHISO_FEEDS_DIR on their schedules (docs/feeds.md)."""
    from chiso_ingest.feeds import service
    from chiso_ingest.feeds.config import FeedError

    settings = FeedsSettings()
    configure_logging(settings)
    try:
        if not once:
            serve_http(service.create_app(settings), settings)
            return
        outcomes = asyncio.run(service.poll_once(settings))
    except FeedError as e:  # a feed file that does not validate
        typer.echo(f"chiso ingest feeds: {e}", err=True)
        raise typer.Exit(2) from e
    for name, outcome in outcomes.items():
        typer.echo(said.feed_polled(name, outcome))
    if "failed" in outcomes.values():
        raise typer.Exit(1)
