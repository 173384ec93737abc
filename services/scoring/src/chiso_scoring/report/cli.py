"""`chiso report`: one plan's printable scorecard."""

import asyncio
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from chiso_core.periods import PERIOD_FORMAT, Period
from chiso_core.settings import ReportSettings
from chiso_core.words import commands as said
from chiso_core.words import problems as say
from chiso_core.words import refusals

app = typer.Typer()


def _period(text: str) -> Period:
    # typer frames it ("Invalid value for '--period': …"); what follows is ours, Vietnamese first
    try:
        return Period.parse(text)
    except ValueError as e:
        raise typer.BadParameter(say.bad_period(text, str(e)).both()) from e


@app.callback(invoke_without_command=True)
def report(
    plan: Annotated[str, typer.Option(help="the plan's id, e.g. khanh_hoa_nq57")],
    out: Annotated[Path, typer.Option(help="folder to write <plan>.html and <plan>.pdf into")],
    period: Annotated[
        Period | None,
        typer.Option(parser=_period, metavar="PERIOD", help=f"as of this period: {PERIOD_FORMAT}"),
    ] = None,
    pdf: Annotated[bool, typer.Option(help="also print the PDF (headless Chromium)")] = True,
) -> None:
    """Render a plan's scorecard (its current revision, its own jurisdiction) as a
    self-contained HTML page and a PDF, in Vietnamese (CHISO_DATABASE_URL)."""
    from chiso_scoring.reads import UnknownPlan
    from chiso_scoring.report.pdf import PrintError, print_pdf
    from chiso_scoring.report.read import read
    from chiso_scoring.report.render import html

    settings = ReportSettings()
    try:
        content = asyncio.run(read(settings, plan, period, date.today()))
    except UnknownPlan as e:
        typer.echo(refusals.plan_not_loaded(e.plan, e.known), err=True)
        raise typer.Exit(2) from e
    out.mkdir(parents=True, exist_ok=True)
    page = out / f"{plan}.html"
    page.write_text(html(content), encoding="utf-8")
    typer.echo(said.wrote(str(page)))
    if pdf:
        try:
            print_pdf(settings.chromium, page, out / f"{plan}.pdf", settings.report_timeout_s)
        except PrintError as e:
            typer.echo(str(e), err=True)
            raise typer.Exit(1) from e
        typer.echo(said.wrote(str(out / f"{plan}.pdf")))
