"""Notification digests and personal feed tokens.

A person may take one daily digest email instead of immediate emails; the
notifications waiting for it are marked. A feed token lets a feed reader fetch
the library's Atom feed when the library is private.

Revision ID: 0013_experience
Revises: 0010_questions
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_experience"
down_revision = "0010_questions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("digest", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("feed_token", sa.String(length=64), nullable=True))
        batch.create_index("ix_user_feed_token", ["feed_token"], unique=True)
    with op.batch_alter_table("notification") as batch:
        batch.add_column(
            sa.Column("digest_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_notification_digest_pending", ["digest_pending"])


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_index("ix_notification_digest_pending")
        batch.drop_column("digest_pending")
    with op.batch_alter_table("user") as batch:
        batch.drop_index("ix_user_feed_token")
        batch.drop_column("feed_token")
        batch.drop_column("digest")
