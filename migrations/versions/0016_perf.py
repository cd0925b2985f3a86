"""Positions a director marks as key: the briefing's cover lists them as its key asks.

Revision ID: 0016_perf
Revises: 0012_signon
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_perf"
down_revision = "0012_signon"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("position") as batch:
        batch.add_column(sa.Column("key", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("position") as batch:
        batch.drop_column("key")
