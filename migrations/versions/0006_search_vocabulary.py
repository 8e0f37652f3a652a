"""Search vocabulary on PostgreSQL: every indexed word and how many listings use it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Hand-written, like 0002 and 0004. SQLite already has ``organisation_search_vocab`` (an fts5vocab table over
the FTS5 index), from which a misspelt word is corrected to the closest real one ("homecre" to "homecare").
PostgreSQL had no list of its indexed words, so there only listings' names were matched by trigram similarity
and a misspelt service or description word found fewer listings. This table has the same name and columns
(``term``, ``doc``), is kept by registry.services.search_index as it writes documents, and uses the C
collation so that a prefix range reads the primary key's index. SQLite: nothing to do.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        """
        CREATE TABLE organisation_search_vocab (
            term text COLLATE "C" PRIMARY KEY,
            doc integer NOT NULL CHECK (doc > 0)
        )
        """
    )
    op.execute(
        """
        INSERT INTO organisation_search_vocab (term, doc)
        SELECT term, count(*) FROM organisation_search, unnest(tsvector_to_array(document)) AS term GROUP BY term
        """
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP TABLE organisation_search_vocab")
