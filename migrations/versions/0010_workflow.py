"""Workflow kinds in the audit trail, and the stages each response has reached.

Rules read an audited action's kind, not its name, and who reads a draft can
depend on the stages a response has entered. Existing rows are filled in from
the default workflow's names and from the audit trail.

Revision ID: 0009_workflow
Revises: 0009_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_workflow"
down_revision = "0009_sessions"
branch_labels = None
depends_on = None

# The kinds of the actions of the workflows shipped before kinds were declared.
OLD_KINDS = {
    "submit": "advance",
    "approve": "approve",
    "request-changes": "return",
    "publish": "publish",
    "revise": "revise",
}


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(
            sa.Column("stages_reached", sa.String(2000), nullable=False, server_default="")
        )
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default=""))
    audit = sa.table("audit_event", sa.column("action"), sa.column("kind"))
    for action, kind in OLD_KINDS.items():
        op.execute(audit.update().where(audit.c.action == action).values(kind=kind))
    connection = op.get_bind()
    reached: dict[int, set[str]] = {}
    for response_id, stage in connection.execute(
        sa.text("SELECT response_id, to_stage FROM audit_event")
    ):
        reached.setdefault(response_id, set()).add(stage)
    for response_id, stage in connection.execute(sa.text("SELECT id, stage FROM response")):
        reached.setdefault(response_id, set()).add(stage)
    for response_id, stages in reached.items():
        connection.execute(
            sa.text("UPDATE response SET stages_reached = :s WHERE id = :id"),
            {"s": " ".join(sorted(stages)), "id": response_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("response") as batch:
        batch.drop_column("stages_reached")
