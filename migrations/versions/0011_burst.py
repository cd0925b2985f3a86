"""Email delivery state: attempts, when the next one is due, and who holds a claim.

A deliverer claims due messages in a short transaction, sends them outside any
transaction, then marks each one sent or failed; a failed one waits for its next
attempt with back-off. A claim older than the lease counts as abandoned.

Revision ID: 0009_burst
Revises: 0009_workflow
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_burst"
down_revision = "0009_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.add_column(
            sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("gave_up", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_outbox_message_due", ["sent_at", "gave_up", "next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_index("ix_outbox_message_due")
        batch.drop_column("gave_up")
        batch.drop_column("claimed_at")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
