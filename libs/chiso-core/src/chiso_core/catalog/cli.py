"""`chiso catalog validate | load`."""

from pathlib import Path
from typing import Annotated

import psycopg
import typer

from chiso_core.catalog import store
from chiso_core.catalog.loader import CatalogError, load_catalog
from chiso_core.catalog.models import Catalog
from chiso_core.settings import CatalogSettings, DatabaseSettings
from chiso_core.words import commands as said
from chiso_core.words import refusals

app = typer.Typer(no_args_is_help=True, help="The catalog: indicators, jurisdictions and plans.")
Folder = Annotated[
    Path | None,
    typer.Option("--dir", help="catalog folder (default: CHISO_CATALOG_DIR, or catalog)"),
]


def _checked(folder: Path | None) -> Catalog:
    folder = folder or CatalogSettings().catalog_dir
    try:
        return load_catalog(folder)
    except CatalogError as e:
        for problem in e.problems:
            typer.echo(str(problem), err=True)
        typer.echo(refusals.catalog_refused(str(folder), len(e.problems)), err=True)
        raise typer.Exit(1) from e


@app.command()
def validate(folder: Folder = None) -> None:
    """Check the catalog files; print every problem with its file, line and field."""
    c = _checked(folder)
    targets = sum(len(p.targets) for p in c.plans.values())
    typer.echo(
        said.catalog_valid(
            len(c.indicators), len(c.jurisdictions), len(c.agencies), len(c.plans), targets
        )
    )


@app.command()
def load(folder: Folder = None) -> None:
    """Load the catalog into the database (CHISO_DATABASE_URL) in one transaction; a plan whose
    targets changed gets a new revision."""
    c = _checked(folder)
    with psycopg.connect(DatabaseSettings().database_url) as conn, conn.transaction():
        report = store.load(conn, c)
    typer.echo(said.catalog_loaded(report.indicators, report.jurisdictions, len(c.agencies)))
    for plan_id, (revision, what) in sorted(report.plans.items()):
        typer.echo("  " + said.plan_loaded(plan_id, revision, what))
