"""Setting up a database: migrations, reference vocabularies, seed listings and the gazetteer."""

from __future__ import annotations

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


@click.command("init")
@click.option("--skip-gazetteer", is_flag=True, help="Do not build the postcode gazetteer even if it is missing.")
@with_appcontext
def init(skip_gazetteer: bool) -> None:
    """Bring the database up to date: migrations, reference data, seed listings, gazetteer if missing."""
    from registry.services.gazetteer import is_gazetteer_loaded

    click.echo("Applying migrations...")
    upgrade(directory=current_app.extensions["migrate"].directory)
    ctx = click.get_current_context()
    ctx.invoke(reference_load)
    ctx.invoke(seed)
    ctx.invoke(assess)
    from registry.services.search_index import ensure_index

    rebuilt = ensure_index(db.session())
    db.session.commit()
    click.echo(f"Search index: rebuilt for {rebuilt:,} listings." if rebuilt else "Search index: up to date.")
    if skip_gazetteer:
        click.echo("Gazetteer: skipped (--skip-gazetteer).")
        return
    if not is_gazetteer_loaded(db.session()):
        from registry.commands.gazetteer import build

        ctx.invoke(build)
    else:
        click.echo("Gazetteer: already built.")
