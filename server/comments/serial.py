"""The response's comment counter: bumped by every comment write, read by pages."""

from __future__ import annotations

from sqlmodel import Session, col, update

from ..models import Response


def touch(session: Session, response_id: int) -> None:
    """Count a change to the response's comments, so pages rebuild what they show.

    One UPDATE in the writer's transaction: the count moves exactly when the change
    commits, and two processes never both miss it. SQLAlchemy applies the same
    change to a Response already loaded in this session, so the page built after
    the write sees the new count."""
    session.execute(
        update(Response)
        .where(col(Response.id) == response_id)
        .values(comment_serial=col(Response.comment_serial) + 1)
    )
