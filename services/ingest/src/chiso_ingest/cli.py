"""`chiso ingest …` commands."""

import gc

import typer

from chiso_core.http import serve as serve_http
from chiso_core.settings import IngestSettings

app = typer.Typer(no_args_is_help=True, help="The ingest service: agencies' HTTP API.")


@app.command()
def serve() -> None:
    """Run the ingest HTTP API (CHISO_* settings)."""
    from chiso_ingest.app import create_app

    settings = IngestSettings()
    service = create_app(settings)
    # What start-up made lives as long as the process: kept out of the collector's way, and the
    # young generation collected less often (a request of a thousand figures makes tens of
    # thousands of short-lived objects, freed by reference counting anyway). Measured: the
    # collector took a fifth of the service's time at a thousand figures per request.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    serve_http(service, settings)
