"""Word review copies taken back in: one row per Word comment or tracked change added.

Revision ID: 0014_word
Revises: 0013_experience
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014_word"
down_revision = "0013_experience"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wordimport",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "response_id",
            sa.Integer(),
            sa.ForeignKey("response.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "comment_id",
            sa.Integer(),
            sa.ForeignKey("comment.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("response_id", "fingerprint"),
    )
    op.create_index("ix_wordimport_response_id", "wordimport", ["response_id"])


def downgrade() -> None:
    op.drop_index("ix_wordimport_response_id", table_name="wordimport")
    op.drop_table("wordimport")
