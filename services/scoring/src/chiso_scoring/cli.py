"""`chiso scoring …` commands."""

import typer

from chiso_core.http import serve as serve_http
from chiso_core.settings import ScoringSettings

app = typer.Typer(no_args_is_help=True, help="The scoring service: observations → scores.")


@app.command()
def serve() -> None:
    """Consume observations, store and score them (CHISO_* settings)."""
    from chiso_scoring.app import create_app

    settings = ScoringSettings()
    serve_http(create_app(settings), settings)
