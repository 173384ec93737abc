"""`chiso grafana …` commands."""

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

import typer

from chiso_core.settings import GrafanaSettings
from chiso_core.words import commands as said
from chiso_core.words import refusals
from chiso_grafana import build

app = typer.Typer(no_args_is_help=True)


@app.callback()
def grafana() -> None:
    """Grafana dashboards as code."""


DASHBOARDS = build.DEFAULT_DIR


@app.command("build")
def build_command(
    out: Annotated[
        Path, typer.Option(help="directory Grafana's dashboard provider reads")
    ] = build.DEFAULT_DIR,
) -> None:
    """Write every dashboard (Vietnamese, and English as *.en.json) as JSON."""
    written = build.write(out)
    typer.echo(said.dashboards_written(len(written), str(out)))


@app.command()
def publish(
    dashboards: Annotated[
        Path, typer.Option(help="folder of dashboard files (*.json; sub-folders: folders)")
    ] = DASHBOARDS,
) -> None:
    """Push folders and dashboards to a running Grafana (CHISO_GRAFANA_URL, CHISO_GRAFANA_TOKEN
    or the URL's user:password), overwriting dashboards of the same uid."""
    from grafana_client.api import GrafanaApi
    from grafana_client.client import GrafanaException, GrafanaTimeoutError

    from chiso_grafana.publish import DashboardFileError, publish, read_dashboards

    settings = GrafanaSettings()
    try:
        found = read_dashboards(dashboards)
    except DashboardFileError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from e
    token = settings.grafana_token
    api = GrafanaApi.from_url(
        # grafana-client appends "api" to the URL's path: a sub-path needs its trailing slash.
        settings.grafana_url.rstrip("/") + "/",
        credential=None if token is None else token.get_secret_value(),
        timeout=settings.grafana_timeout_s,
    )
    try:
        created = publish(api, found)
    except GrafanaTimeoutError as e:  # no answer within CHISO_GRAFANA_TIMEOUT_S: not a refusal
        _unreachable(settings.grafana_url, f"timeout: {e.message}")
        raise typer.Exit(1) from e
    except GrafanaException as e:
        typer.echo(refusals.grafana_refused(e.status_code, e.message), err=True)
        raise typer.Exit(1) from e
    except OSError as e:  # niquests' connection errors are OSErrors
        _unreachable(settings.grafana_url, f"{type(e).__name__}: {e}")
        raise typer.Exit(1) from e
    typer.echo(said.dashboards_published(len(found), [f.title for f in created]))


def _unreachable(url: str, detail: str) -> None:
    # CHISO_GRAFANA_URL can carry user:password: the error names the URL without them
    parts = urlsplit(url)
    where = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    typer.echo(refusals.grafana_unreachable(where, detail), err=True)
