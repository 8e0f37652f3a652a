"""Facts the validator reads that listings could not hold: public body, significant control, charity trustees,
dissolution clause, profits reinvested, CIC asset-lock schedule, registered-society members, whole-membership
seats, the kind of body that appoints a seat, and controllers who are members

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08

Each is a column of its own (issue 16, item 8), so a listing entered through the registration wizard can reach
every verdict a structure posted to the API can. ``organisation.has_significant_control`` is false for "no
person or body has significant control" and null for "not known". Existing listings gain only nulls: nothing
was known of these before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("members_registered_societies", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("is_public_body", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("has_significant_control", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("charity_trustees", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("charity_trustees_paid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("dissolution_clause", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("cic_asset_lock_schedule", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("profits_reinvested_pct", sa.Numeric(precision=5, scale=2), nullable=True))
        batch.create_check_constraint(
            "dissolution_clause_valid",
            "dissolution_clause IS NULL OR dissolution_clause IN "
            "('to_asset_locked_body', 'common_ownership', 'to_members', 'none')",
        )
        batch.create_check_constraint(
            "members_registered_societies_non_negative",
            "members_registered_societies IS NULL OR members_registered_societies >= 0",
        )
        batch.create_check_constraint(
            "charity_trustees_non_negative", "charity_trustees IS NULL OR charity_trustees >= 0"
        )
        batch.create_check_constraint(
            "charity_trustees_paid_non_negative", "charity_trustees_paid IS NULL OR charity_trustees_paid >= 0"
        )
        batch.create_check_constraint(
            "profits_reinvested_pct_0_100",
            "profits_reinvested_pct IS NULL OR (profits_reinvested_pct >= 0 AND profits_reinvested_pct <= 100)",
        )
        batch.create_check_constraint(
            "cic_asset_lock_schedule_valid", "cic_asset_lock_schedule IS NULL OR cic_asset_lock_schedule IN (1, 2, 3)"
        )
        batch.create_check_constraint(
            "charity_trustees_paid_at_most_all",
            "charity_trustees_paid IS NULL OR charity_trustees IS NULL OR charity_trustees_paid <= charity_trustees",
        )
    with op.batch_alter_table("board_seat") as batch:
        batch.add_column(sa.Column("whole_membership", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("appointer_kind_code", sa.String(length=40), nullable=True))
        batch.create_foreign_key(
            "fk_board_seat_appointer_kind_code_member_class_kind",
            "member_class_kind",
            ["appointer_kind_code"],
            ["code"],
        )
    with op.batch_alter_table("significant_control") as batch:
        batch.add_column(sa.Column("is_member", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("significant_control") as batch:
        batch.drop_column("is_member")
    with op.batch_alter_table("board_seat") as batch:
        batch.drop_constraint("fk_board_seat_appointer_kind_code_member_class_kind", type_="foreignkey")
        batch.drop_column("appointer_kind_code")
        batch.drop_column("whole_membership")
    with op.batch_alter_table("organisation") as batch:
        for name in (
            "charity_trustees_paid_at_most_all",
            "cic_asset_lock_schedule_valid",
            "profits_reinvested_pct_0_100",
            "charity_trustees_paid_non_negative",
            "charity_trustees_non_negative",
            "members_registered_societies_non_negative",
            "dissolution_clause_valid",
        ):
            batch.drop_constraint(name, type_="check")
        for column in (
            "profits_reinvested_pct",
            "cic_asset_lock_schedule",
            "dissolution_clause",
            "charity_trustees_paid",
            "charity_trustees",
            "has_significant_control",
            "is_public_body",
            "members_registered_societies",
        ):
            batch.drop_column(column)
