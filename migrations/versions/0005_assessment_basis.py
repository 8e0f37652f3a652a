"""Assessments record the basis they were made on (rule sets and validator code)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Existing assessments get no basis, so the first ``flask init`` after this migration assesses every listing
again and records it; after that, only a change to a rule set or to the validator makes it do so.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("assessment", sa.Column("basis", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_column("basis")
