"""Setting up a database: migrations, reference vocabularies, seed listings and the gazetteer."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from registry.extensions import db

reference = AppGroup("reference", help="Reference vocabularies (legal forms, identifier schemes, services...).")


@reference.command("load")
def reference_load() -> None:
    """Load data/reference/*.yaml into the database (insert or update by code)."""
    from registry.services.reference_data import load_reference_data

    for report in load_reference_data(db.session()):
        click.echo(
            f"{report.vocabulary:>20}: {report.inserted} added, {report.updated} updated, {report.unchanged} unchanged"
        )
    db.session.commit()


@click.command("seed")
@with_appcontext
def seed() -> None:
    """Load the seed listings in data/seed/ (real organisations, each fact with its source)."""
    from registry.services.seed import load_seed

    report = load_seed(db.session())
    db.session.commit()
    click.echo(
        f"Seed listings: {len(report.created)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
    )


@click.command("assess")
@click.option("--all", "every", is_flag=True, help="Assess every listing, not only those assessed on other rules.")
@with_appcontext
def assess(every: bool) -> None:
    """Assess listings again with today's rule sets (those whose verdicts were made on other rules or code)."""
    from sqlalchemy import select
    from tqdm import tqdm

    from registry.models import Organisation
    from registry.services.assessments import outdated_listing_ids, reassess_listings

    session = db.session()
    every_id = select(Organisation.id).order_by(Organisation.id)
    ids = list(session.scalars(every_id)) if every else outdated_listing_ids(session)
    if not ids:
        click.echo("Assessments: up to date.")
        return
    with tqdm(total=len(ids), unit=" listings", desc="Assessing", disable=None) as bar:
        done = reassess_listings(session, ids, progress=bar.update)
    click.echo(f"Assessments: {done:,} listing{'' if done == 1 else 's'} assessed again with the current rule sets.")


@click.command("open-data")
@with_appcontext
def open_data() -> None:
    """Load the default open data (Co-operatives UK health and social care, data/coops-uk/) unless loaded."""
    from registry.services.default_data import load_default_data

    report = load_default_data(db.session(), report_dir=Path(current_app.instance_path) / "imports", progress=True)
    if report is None:
        click.echo("Open data: Co-operatives UK health and social care already loaded.")
        return
    for line in report.summary_lines():
        click.echo(line)


@click.command("init")
@click.option("--skip-gazetteer", is_flag=True, help="Do not build the postcode gazetteer even if it is missing.")
@click.option("--skip-open-data", is_flag=True, help="Do not load the default open data (Co-operatives UK).")
@with_appcontext
def init(skip_gazetteer: bool, skip_open_data: bool) -> None:
    """Bring the database up to date: migrations, reference data, gazetteer if missing, curated listings, the
    default open data, assessments and the search index."""
    from registry.services.gazetteer.status import is_gazetteer_loaded
    from registry.services.search_index import ensure_index

    click.echo("Applying migrations...")
    upgrade(directory=current_app.extensions["migrate"].directory)
    ctx = click.get_current_context()
    ctx.invoke(reference_load)
    # The gazetteer before the listings, so their postcodes are placed on the map as they load.
    if skip_gazetteer:
        click.echo("Gazetteer: skipped (--skip-gazetteer).")
    elif not is_gazetteer_loaded(db.session()):
        from registry.commands.gazetteer import build

        ctx.invoke(build)
    else:
        click.echo("Gazetteer: already built.")
    ctx.invoke(seed)
    if skip_open_data:
        click.echo("Open data: skipped (--skip-open-data).")
    else:
        ctx.invoke(open_data)
        # Curated listings the import matched now take in its facts and sources (unchanged ones are left alone).
        ctx.invoke(seed)
    ctx.invoke(assess)
    rebuilt = ensure_index(db.session())
    db.session.commit()
    click.echo(f"Search index: rebuilt for {rebuilt:,} listings." if rebuilt else "Search index: up to date.")
