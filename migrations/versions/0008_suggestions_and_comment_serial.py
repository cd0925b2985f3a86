"""Suggested edits on comments, and a per-response counter of comment changes.

The counter lets the response page reuse its rendered comments until one of them
changes, without reading all of them to find out.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(
            sa.Column("comment_serial", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("comment") as batch:
        batch.add_column(sa.Column("suggestion", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("applied_revision", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comment") as batch:
        batch.drop_column("applied_revision")
        batch.drop_column("suggestion")
    with op.batch_alter_table("response") as batch:
        batch.drop_column("comment_serial")
