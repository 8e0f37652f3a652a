"""Search index change log: a version bumped with every index write, and the listings each version changed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Hand-written, like 0002: these are the search index's own tables (autogenerate leaves tables named
organisation_search* alone). Each process keeps the facet index in memory for counting facets over large
result sets (registry.services.search_index.FacetIndex); it reads organisation_search_state on every search
and, when the version has moved, reloads only the listings logged in organisation_search_change since.
The token changes with every write, so a version number reused after a rolled-back write is not mistaken
for the one a process already holds.
"""

import secrets

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE TABLE organisation_search_state (
            id integer PRIMARY KEY CHECK (id = 1),
            version bigint NOT NULL,
            token varchar(32) NOT NULL
        )
        """
    )
    # A random first token: a database recreated under the same URL is never taken for the one a process holds.
    op.execute(f"INSERT INTO organisation_search_state (id, version, token) VALUES (1, 1, '{secrets.token_hex(8)}')")
    # organisation_id NULL: every listing may have changed (a rebuild), so processes reload the whole index.
    op.execute(
        """
        CREATE TABLE organisation_search_change (
            version bigint NOT NULL,
            token varchar(32) NOT NULL,
            organisation_id integer
        )
        """
    )
    op.execute("CREATE INDEX ix_organisation_search_change_version ON organisation_search_change (version)")


def downgrade():
    op.execute("DROP TABLE organisation_search_change")
    op.execute("DROP TABLE organisation_search_state")
