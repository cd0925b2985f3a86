"""A consultation's closing date on the response, and comments on a question.

Revision ID: 0017_qw
Revises: 0016_perf
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_qw"
down_revision = "0016_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("rt_closes", sa.Date(), nullable=True))
    with op.batch_alter_table("comment") as batch:
        batch.add_column(
            sa.Column("question_ref", sa.String(length=10), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("comment") as batch:
        batch.drop_column("question_ref")
    with op.batch_alter_table("response") as batch:
        batch.drop_column("rt_closes")
