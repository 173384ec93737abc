"""`chiso ingest …` commands."""

import typer

from chiso_core.http import serve as serve_http
from chiso_core.settings import IngestSettings

app = typer.Typer(no_args_is_help=True, help="The ingest service: agencies' HTTP API.")


@app.command()
def serve() -> None:
    """Run the ingest HTTP API (CHISO_* settings)."""
    from chiso_ingest.app import create_app

    settings = IngestSettings()
    serve_http(create_app(settings), settings)
