"""`chiso alerts …` commands."""

import typer

from chiso_core.http import serve as serve_http
from chiso_core.settings import AlertsSettings

app = typer.Typer(no_args_is_help=True, help="The alerts service: scores → alerts.")


@app.command()
def serve() -> None:
    """Consume scores and keep the alert lifecycle (CHISO_* settings)."""
    from chiso_alerts.app import create_app

    settings = AlertsSettings()
    serve_http(create_app(settings), settings)
