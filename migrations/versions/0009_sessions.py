"""Server-side sign-in sessions, and an audit of every sign-in attempt.

A session record per signed-in browser lets signing out, a password change or a
deactivation end every session at once; attempts are kept per email and source
address so throttling one address never locks the owner out elsewhere. The old
login_failure table (failures per email only) goes.

Revision ID: 0009_sessions
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_sessions"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user_session") as batch:
        batch.create_index(batch.f("ix_user_session_key_hash"), ["key_hash"], unique=True)
        batch.create_index(batch.f("ix_user_session_user_id"), ["user_id"], unique=False)
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_attempt") as batch:
        batch.create_index(batch.f("ix_sign_in_attempt_email"), ["email"], unique=False)
        batch.create_index(batch.f("ix_sign_in_attempt_at"), ["at"], unique=False)
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_index(batch.f("ix_login_failure_email"))
        batch.drop_index(batch.f("ix_login_failure_at"))
    op.drop_table("login_failure")


def downgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failure") as batch:
        batch.create_index(batch.f("ix_login_failure_at"), ["at"], unique=False)
        batch.create_index(batch.f("ix_login_failure_email"), ["email"], unique=False)
    with op.batch_alter_table("sign_in_attempt") as batch:
        batch.drop_index(batch.f("ix_sign_in_attempt_at"))
        batch.drop_index(batch.f("ix_sign_in_attempt_email"))
    op.drop_table("sign_in_attempt")
    with op.batch_alter_table("user_session") as batch:
        batch.drop_index(batch.f("ix_user_session_user_id"))
        batch.drop_index(batch.f("ix_user_session_key_hash"))
    op.drop_table("user_session")
