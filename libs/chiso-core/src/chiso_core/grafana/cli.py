"""`chiso grafana`: dashboards as code."""

from pathlib import Path
from typing import Annotated

import typer

from chiso_core.grafana import build

app = typer.Typer(no_args_is_help=True, help="Grafana dashboards: build them from code")


@app.command("build")
def build_command(
    out: Annotated[
        Path, typer.Option(help="directory Grafana's dashboard provider reads")
    ] = build.DEFAULT_DIR,
) -> None:
    """Write every dashboard (Vietnamese, and English as *.en.json) as JSON."""
    written = build.write(out)
    typer.echo(f"wrote {len(written)} dashboard file(s) to {out}")
