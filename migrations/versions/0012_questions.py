"""Consultation questions on a response, and which positions answer them.

Revision ID: 0010_questions
Revises: 0009_burst
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_questions"
down_revision = "0009_burst"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "response_id",
            sa.Integer(),
            sa.ForeignKey("response.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ref", sa.String(length=10), nullable=False),
        sa.Column("ordering", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("not_answering", sa.Text(), nullable=False),
        sa.Column("word_limit", sa.Integer(), nullable=True),
        sa.UniqueConstraint("response_id", "ref"),
    )
    op.create_index("ix_question_response_id", "question", ["response_id"])
    op.create_table(
        "position_question",
        sa.Column(
            "position_id",
            sa.Integer(),
            sa.ForeignKey("position.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "question_id",
            sa.Integer(),
            sa.ForeignKey("question.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("position_question")
    op.drop_index("ix_question_response_id", table_name="question")
    op.drop_table("question")
