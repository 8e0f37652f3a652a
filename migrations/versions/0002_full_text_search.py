"""Full-text search index: an FTS5 table on SQLite, tsvector and trigram indexes on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Hand-written: the two databases index text differently, and neither table is a model (autogenerate is
told to leave tables named organisation_search* alone; see migrations/env.py).
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # names: the organisation's name and trading names (weighted 10 in bm25); body: everything else.
        op.execute(
            "CREATE VIRTUAL TABLE organisation_search USING fts5("
            "names, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        # Every indexed term, so a misspelt word can be matched to the closest real one.
        op.execute("CREATE VIRTUAL TABLE organisation_search_vocab USING fts5vocab(organisation_search, 'row')")
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        """
        CREATE TABLE organisation_search (
            organisation_id integer PRIMARY KEY REFERENCES organisation (id) ON DELETE CASCADE,
            names text NOT NULL,
            body text NOT NULL,
            document tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', names), 'A') || setweight(to_tsvector('simple', body), 'B')
            ) STORED
        )
        """
    )
    op.execute("CREATE INDEX ix_organisation_search_document ON organisation_search USING gin (document)")
    op.execute("CREATE INDEX ix_organisation_search_names_trgm ON organisation_search USING gin (names gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE organisation_search_vocab")
    op.execute("DROP TABLE organisation_search")
