"""Commissioners' own profiles, versioned and shareable, and each listing's precomputed rule outcomes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

A commissioner composes a profile from the catalogue of every rule set's rules, each number within its published
range (issue 16, item 4). ``commissioner_profile`` is private to its owner unless it has a ``share_token``;
``commissioner_profile_share`` records the commissioners who took up a shared link; each edit adds a row to
``commissioner_profile_version``. ``listing_rule_outcome`` holds, per published listing, its outcome for every
rule at every value of its ranges (a byte each), so a profile filters the register as a vectorised comparison;
rows are made when a listing is indexed, and ``flask init`` makes any that are missing.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _timestamp(name):
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade():
    op.create_table(
        "commissioner_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("share_token", sa.String(length=43), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_commissioner_profile_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_commissioner_profile_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissioner_profile")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_commissioner_profile_owner_id_name")),
        sa.UniqueConstraint("share_token", name=op.f("uq_commissioner_profile_share_token")),
    )
    op.create_index(op.f("ix_commissioner_profile_owner_id"), "commissioner_profile", ["owner_id"], unique=False)
    op.create_table(
        "commissioner_profile_share",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["commissioner_profile.id"],
            name=op.f("fk_commissioner_profile_share_profile_id_commissioner_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_commissioner_profile_share_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "user_id", name=op.f("pk_commissioner_profile_share")),
    )
    op.create_table(
        "commissioner_profile_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.CheckConstraint("number > 0", name=op.f("ck_commissioner_profile_version_number_positive")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["commissioner_profile.id"],
            name=op.f("fk_commissioner_profile_version_profile_id_commissioner_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissioner_profile_version")),
        sa.UniqueConstraint("profile_id", "number", name=op.f("uq_commissioner_profile_version_profile_id_number")),
    )
    op.create_index(
        op.f("ix_commissioner_profile_version_profile_id"), "commissioner_profile_version", ["profile_id"], unique=False
    )
    op.create_table(
        "listing_rule_outcome",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("outcomes", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_listing_rule_outcome_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_listing_rule_outcome")),
    )


def downgrade():
    op.drop_table("listing_rule_outcome")
    op.drop_index(op.f("ix_commissioner_profile_version_profile_id"), table_name="commissioner_profile_version")
    op.drop_table("commissioner_profile_version")
    op.drop_table("commissioner_profile_share")
    op.drop_index(op.f("ix_commissioner_profile_owner_id"), table_name="commissioner_profile")
    op.drop_table("commissioner_profile")
