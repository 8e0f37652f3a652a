"""Search index: where published listings are based, in latitude strips, and the areas they serve

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Hand-written, like 0002 and 0003: the search index's own tables, written by registry.services.search_index
with the rest of the index (published listings only), which autogenerate leaves alone.

A radius search read the (latitude, longitude) index of ``location`` over a band of latitude the width of the
country, then each row for its listing: over 100 ms around London at 150,000 listings. Here each point is
filed under its strip of a tenth of a degree of latitude (about 11 km), and the index on (strip, longitude,
latitude, organisation_id) answers a radius search with one short range per strip, from the index alone.
``organisation_search_area`` is likewise keyed by local authority first.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE TABLE organisation_search_location (
            organisation_id integer NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
            strip integer NOT NULL,
            latitude float NOT NULL,
            longitude float NOT NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_organisation_search_location_strip"
        " ON organisation_search_location (strip, longitude, latitude, organisation_id)"
    )
    op.execute(
        "CREATE INDEX ix_organisation_search_location_organisation_id ON organisation_search_location (organisation_id)"
    )
    op.execute(
        """
        CREATE TABLE organisation_search_area (
            local_authority_code varchar(9) NOT NULL,
            organisation_id integer NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
            PRIMARY KEY (local_authority_code, organisation_id)
        )
        """
    )
    op.execute("CREATE INDEX ix_organisation_search_area_organisation_id ON organisation_search_area (organisation_id)")

    # The strip is floor(latitude * 10); SQLite may lack floor(), and a cast truncates towards zero.
    if op.get_bind().dialect.name == "sqlite":
        strip = "CAST(l.latitude * 10 + 1000 AS INTEGER) - 1000"
    else:
        strip = "CAST(floor(l.latitude * 10) AS INTEGER)"
    op.execute(
        f"""
        INSERT INTO organisation_search_location (organisation_id, strip, latitude, longitude)
        SELECT l.organisation_id, {strip}, l.latitude, l.longitude
        FROM location l JOIN organisation o ON o.id = l.organisation_id
        WHERE o.status = 'published' AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
        """
    )
    op.execute(
        """
        INSERT INTO organisation_search_area (local_authority_code, organisation_id)
        SELECT DISTINCT a.local_authority_code, a.organisation_id
        FROM service_area a JOIN organisation o ON o.id = a.organisation_id
        WHERE o.status = 'published'
        """
    )


def downgrade():
    op.execute("DROP TABLE organisation_search_area")
    op.execute("DROP TABLE organisation_search_location")
