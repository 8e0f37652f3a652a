"""A signed-in person's language: the one they last chose on the Cymraeg / English switch

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Pages follow it on any browser the person signs in on, and emails to them are written in it (issue 19).
NULL until they choose.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch.create_check_constraint(op.f("ck_user_account_language_valid"), "language IS NULL OR language IN ('en', 'cy')")


def downgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(op.f("ck_user_account_language_valid"), type_="check")
        batch.drop_column("language")
