"""Sources name the facts they support; a closed listing can name the organisation it merged into

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Curated listings record, for each source, which of the listing's facts it supports (``source.facts``, a JSON
list of listing keys such as "legal_form" or "locations"), so the listing page, the API and the exports can
show where each fact comes from and how current it is. ``organisation.merged_into`` names the successor of an
organisation a source says was merged into another.

Closed (dissolved) organisations stay listed but searches leave them out unless asked: the search index marks
them with a ``status``/``closed`` row, added here for those already indexed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("source", sa.Column("facts", sa.JSON(), nullable=True))
    op.add_column("organisation", sa.Column("merged_into", sa.String(length=300), nullable=True))
    op.execute(
        "INSERT INTO search_facet (organisation_id, facet, value) SELECT id, 'status', 'closed' FROM organisation "
        "WHERE registered_status = 'dissolved' AND status = 'published'"
    )


def downgrade():
    op.execute("DELETE FROM search_facet WHERE facet = 'status'")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("merged_into")
    with op.batch_alter_table("source") as batch:
        batch.drop_column("facts")
