"""`chiso scoring …` commands."""

import asyncio
from typing import Annotated

import typer

from chiso_core.http import serve as serve_http
from chiso_core.settings import ScoringSettings
from chiso_core.words import commands as said
from chiso_core.words import refusals

app = typer.Typer(no_args_is_help=True, help="The scoring service: observations → scores.")


@app.command()
def serve() -> None:
    """Consume observations, store and score them (CHISO_* settings)."""
    from chiso_scoring.app import create_app

    settings = ScoringSettings()
    serve_http(create_app(settings), settings)


@app.command()
def rescore(
    plan: Annotated[str | None, typer.Option(help="only this plan (default: every plan)")] = None,
) -> None:
    """Score the whole history again against the loaded catalog (after a new plan revision)."""
    from chiso_scoring.reads import UnknownPlan
    from chiso_scoring.rescore import rescore as run

    try:
        done = asyncio.run(run(ScoringSettings(), plan))
    except UnknownPlan as e:
        typer.echo(refusals.plan_not_loaded(e.plan, e.known), err=True)
        raise typer.Exit(1) from e
    typer.echo(said.rescored(done.written))
    if done.unscored:
        typer.echo(refusals.not_scored(len(done.unscored)), err=True)
        for failure in done.unscored:
            typer.echo(f"  {failure}", err=True)
        raise typer.Exit(1)
