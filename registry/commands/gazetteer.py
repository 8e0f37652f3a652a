"""``flask gazetteer build`` and ``flask gazetteer status``: the offline postcode and place gazetteer."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from registry.extensions import db

gazetteer = AppGroup("gazetteer", help="The offline gazetteer of postcodes, local authorities and towns.")


@gazetteer.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the gazetteer was built from this source version.")
@click.option(
    "--letters",
    default=None,
    metavar="LETTERS",
    help="Only postcodes starting with these letters, like SDB (for trying things out; not a full build).",
)
def build(force: bool = False, letters: str | None = None) -> None:
    """Load the ONS Postcode Directory and GeoNames towns into the database (about a minute)."""
    from registry.services.gazetteer.build import build_gazetteer
    from registry.services.gazetteer.sources import ons_source_version
    from registry.services.gazetteer.status import gazetteer_status

    current = gazetteer_status(db.session())
    up_to_date = current is not None and current.is_complete and current.source_version == ons_source_version()
    if up_to_date and not force and letters is None:
        assert current is not None
        click.echo(
            f"Gazetteer already built from {current.source} {current.source_version} "
            f"on {current.built_at:%d %B %Y at %H:%M}. Use --force to rebuild it."
        )
        return
    try:
        status = build_gazetteer(db.session(), letters=letters, progress=True)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(
        f"Gazetteer built in {status.build_seconds:.0f} s: {status.postcode_count:,} postcodes "
        f"({status.located_postcode_count:,} with a location), {status.outcode_count:,} districts, "
        f"{status.sector_count:,} sectors, {status.local_authority_count:,} local authorities, "
        f"{status.place_count:,} towns."
    )


@gazetteer.command("status")
def status() -> None:
    """Say whether the gazetteer is loaded, from which source, and how many rows it holds."""
    from registry.services.gazetteer.sources import ons_source_version
    from registry.services.gazetteer.status import gazetteer_status

    current = gazetteer_status(db.session())
    if current is None:
        click.echo("Gazetteer: not built. Run `flask gazetteer build`.")
        raise SystemExit(1)
    if current.is_complete:
        scope = "all postcodes"
    elif current.letters.startswith("areas ") or current.letters == "records":
        scope = f"partial: {current.letters}"
    else:
        scope = f"partial: postcodes starting with {', '.join(current.letters)}"
    click.echo(f"Gazetteer: built {current.built_at:%Y-%m-%d %H:%M} UTC in {current.build_seconds:.0f} s ({scope})")
    click.echo(f"  Source: {current.source} {current.source_version}")
    if current.source_version != ons_source_version():
        click.echo(f"  The installed source is {ons_source_version()}: run `flask gazetteer build` to update.")
    click.echo(f"  Places: {current.places_source} {current.places_source_version}")
    click.echo(
        f"  Rows: {current.postcode_count:,} postcodes ({current.located_postcode_count:,} with a location), "
        f"{current.outcode_count:,} districts, {current.sector_count:,} sectors, "
        f"{current.local_authority_count:,} local authorities, {current.place_count:,} towns"
    )
