"""One-time account links (invitations, password resets) and the account audit trail.

Revision ID: 0012_signon
Revises: 0014_word
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012_signon"
down_revision = "0014_word"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account_link") as batch:
        batch.create_index(batch.f("ix_account_link_token_hash"), ["token_hash"], unique=True)
        batch.create_index(batch.f("ix_account_link_user_id"), ["user_id"], unique=False)
    op.create_table(
        "account_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("account_event") as batch:
        batch.create_index(batch.f("ix_account_event_at"), ["at"], unique=False)
        batch.create_index(batch.f("ix_account_event_email"), ["email"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account_event") as batch:
        batch.drop_index(batch.f("ix_account_event_email"))
        batch.drop_index(batch.f("ix_account_event_at"))
    op.drop_table("account_event")
    with op.batch_alter_table("account_link") as batch:
        batch.drop_index(batch.f("ix_account_link_user_id"))
        batch.drop_index(batch.f("ix_account_link_token_hash"))
    op.drop_table("account_link")
