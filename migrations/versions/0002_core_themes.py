"""Seed the three core themes every response is checked against.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CORE = [
    ("climate-change", "Climate change"),
    ("social-inclusion", "Social inclusion"),
    ("efficiency", "Efficiency"),
]


def upgrade() -> None:
    theme = sa.table(
        "theme",
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("core", sa.Boolean),
        sa.column("retired", sa.Boolean),
    )
    op.bulk_insert(
        theme, [{"slug": s, "name": n, "core": True, "retired": False} for s, n in CORE]
    )


def downgrade() -> None:
    op.execute("DELETE FROM theme WHERE core")
