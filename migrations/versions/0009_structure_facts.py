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

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


# Plain ADD COLUMN with named column constraints, on both databases: SQLite adds such a column in place,
# where a batch operation would copy and drop the organisation table, which foreign keys from populated
# tables forbid.
_COLUMNS = (
    ("organisation", "members_registered_societies INTEGER CONSTRAINT ck_organisation_members_registered_societies_non_negative CHECK (members_registered_societies IS NULL OR members_registered_societies >= 0)"),
    ("organisation", "is_public_body BOOLEAN"),
    ("organisation", "has_significant_control BOOLEAN"),
    ("organisation", "charity_trustees INTEGER CONSTRAINT ck_organisation_charity_trustees_non_negative CHECK (charity_trustees IS NULL OR charity_trustees >= 0)"),
    ("organisation", "charity_trustees_paid INTEGER CONSTRAINT ck_organisation_charity_trustees_paid_non_negative CHECK (charity_trustees_paid IS NULL OR charity_trustees_paid >= 0) CONSTRAINT ck_organisation_charity_trustees_paid_at_most_all CHECK (charity_trustees_paid IS NULL OR charity_trustees IS NULL OR charity_trustees_paid <= charity_trustees)"),
    ("organisation", "dissolution_clause VARCHAR(40) CONSTRAINT ck_organisation_dissolution_clause_valid CHECK (dissolution_clause IS NULL OR dissolution_clause IN ('to_asset_locked_body', 'common_ownership', 'to_members', 'none'))"),
    ("organisation", "cic_asset_lock_schedule INTEGER CONSTRAINT ck_organisation_cic_asset_lock_schedule_valid CHECK (cic_asset_lock_schedule IS NULL OR cic_asset_lock_schedule IN (1, 2, 3))"),
    ("organisation", "profits_reinvested_pct NUMERIC(5, 2) CONSTRAINT ck_organisation_profits_reinvested_pct_0_100 CHECK (profits_reinvested_pct IS NULL OR (profits_reinvested_pct >= 0 AND profits_reinvested_pct <= 100))"),
    ("board_seat", "whole_membership BOOLEAN"),
    ("board_seat", "appointer_kind_code VARCHAR(40) CONSTRAINT fk_board_seat_appointer_kind_code_member_class_kind REFERENCES member_class_kind (code)"),
    ("significant_control", "is_member BOOLEAN"),
)  # fmt: skip


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def downgrade() -> None:
    for table, column in reversed(_COLUMNS):
        name = column.split()[0]
        if "REFERENCES" in column:
            # SQLite cannot drop a column with a foreign key in place: the batch copies the table without it.
            with op.batch_alter_table(table) as batch:
                batch.drop_column(name)
        else:
            # In place on both (SQLite 3.35 and later): each column's own CHECK constraints go with it.
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
