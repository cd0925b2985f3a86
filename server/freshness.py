"""What makes a response page out of date, declared once: a write to any table the page
shows bumps the response's page serial in the writer's own transaction.

Pages, comment threads and documents are kept in memory under keys that hold the
response row, and so its serial (response.comment_serial). Rather than each write
remembering to bump it, the session does it at flush time:

- a row added, changed or deleted in a table of one response (comments, approvals,
  history, publications, positions, revisions) bumps that response;
- a change to what every page prints from shared tables - a person's name, role or
  active flag, group memberships, any theme - bumps every response;
- an UPDATE or DELETE statement run through the session on any of those tables bumps
  every response (it does not say which rows it touched).

The bump is one UPDATE in the same transaction, so it commits exactly when the change
does, and other server processes see it too. Writes to the response row itself need
no bump: the row is in the key. Only a statement run on a bare connection, around
the session, escapes this - nothing in the app writes that way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from .models import (
    Approval,
    AuditEvent,
    Comment,
    Position,
    Publication,
    Response,
    Revision,
    Theme,
    User,
    UserGroup,
)

# Tables of one response whose rows its page shows.
OF_ONE_RESPONSE: tuple[type[Any], ...] = (
    Comment,
    Approval,
    AuditEvent,
    Publication,
    Position,
    Revision,
)
# Shared tables, and the columns of theirs that pages print (None: every column).
SHARED: dict[type[Any], tuple[str, ...] | None] = {
    User: ("name", "role", "active"),
    UserGroup: None,
    Theme: None,
}
_WATCHED_TABLES = {model.__table__ for model in (*OF_ONE_RESPONSE, *SHARED)}


def _shows_change(obj: Any) -> bool:
    columns = SHARED[type(obj)]
    if columns is None:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _touched(session: Session) -> tuple[bool, set[int]]:
    """(every response, or these response ids) that this flush changes on a page."""
    ids: set[int] = set()
    everything = False
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, OF_ONE_RESPONSE):
            ids.add(obj.response_id)
        elif type(obj) in SHARED:
            everything = True
    for obj in session.dirty:
        if isinstance(obj, OF_ONE_RESPONSE) and session.is_modified(obj):
            ids.add(obj.response_id)
        elif type(obj) in SHARED and _shows_change(obj):
            everything = True
    return everything, {i for i in ids if i is not None}


def bump(session: Session, response_ids: Iterable[int] | None) -> None:
    """Mark these responses' pages (None: every page) as changed, in this transaction."""
    table = Response.__table__  # type: ignore[attr-defined]
    statement = update(table).values(comment_serial=table.c.comment_serial + 1)
    wanted = None if response_ids is None else sorted(set(response_ids))
    if wanted is not None:
        if not wanted:
            return
        statement = statement.where(table.c.id.in_(wanted))
    # Core, on the session's connection: no ORM events, no flush inside the flush.
    session.connection().execute(statement)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Response) and (wanted is None or obj.id in wanted):
            session.expire(obj, ["comment_serial"])  # read again when next used


@event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    everything, ids = _touched(session)
    if everything:
        bump(session, None)
    elif ids:
        bump(session, ids)


@event.listens_for(Session, "do_orm_execute")
def _on_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.local_table in _WATCHED_TABLES:
        bump(state.session, None)
