"""Full-text search for the library: FTS5 on SQLite, a tsvector index on PostgreSQL.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # An external-content index over publication.search_text; publications are
        # never updated, so insert and delete triggers keep it whole.
        op.execute(
            "CREATE VIRTUAL TABLE publication_fts USING fts5("
            "search_text, content='publication', content_rowid='id', "
            "tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER publication_fts_insert AFTER INSERT ON publication BEGIN "
            "INSERT INTO publication_fts(rowid, search_text) VALUES (new.id, new.search_text); "
            "END"
        )
        op.execute(
            "CREATE TRIGGER publication_fts_delete AFTER DELETE ON publication BEGIN "
            "INSERT INTO publication_fts(publication_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute("INSERT INTO publication_fts(publication_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "CREATE INDEX ix_publication_fulltext ON publication "
            "USING gin (to_tsvector('english', search_text))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS publication_fts_delete")
        op.execute("DROP TRIGGER IF EXISTS publication_fts_insert")
        op.execute("DROP TABLE IF EXISTS publication_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_publication_fulltext")
