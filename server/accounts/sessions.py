"""Sign-in sessions kept on the server: started at sign-in, checked on every request.

The browser's signed cookie carries only a random key; the record it names says
whose session it is and whether it still counts. Ending a record (signing out,
changing the password, being deactivated, or from the account page) stops every
copy of that cookie on its next request. The browser's side - the cookie, and
start_session, which any way of proving who you are calls - is server/cookies.py."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from ..db import is_sqlite
from ..errors import NotFound
from ..models import User, UserSession, utcnow
from .users import Actor, active_actor_rows, actor_of_rows, end_sessions

__all__ = ["end_sessions"]

log = logging.getLogger("tabled.sessions")

# How stale "last seen" may get before a request writes it again: one small write per
# browser per interval, instead of one per request.
TOUCH_EVERY = timedelta(minutes=5)
# On SQLite a touch waits at most this long for the write lock, then is skipped:
# "last seen" is worth less than the request it rides on.
TOUCH_WAIT_MS = 200


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_session(
    session: Session, user_id: int, *, method: str, user_agent: str, address: str
) -> str:
    """Record a new session and return its key, which only the browser keeps."""
    key = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user_id,
            key_hash=_digest(key),
            method=method[:20],
            user_agent=user_agent[:200],
            address=address[:64],
        )
    )
    session.flush()
    return key


@cache  # built once: making the statement cost more than running it (bench/run.py)
def _actor_by_session() -> Select[Any]:
    # Who is asking, their groups and unread count (active_actor_rows), and the session
    # that vouches for them: still one query per request.
    return (
        active_actor_rows()
        .add_columns(col(UserSession.id), col(UserSession.last_seen_at))
        .join(UserSession, col(UserSession.user_id) == col(User.id))
        .where(
            col(UserSession.key_hash) == bindparam("digest"),
            col(UserSession.revoked_at).is_(None),
            col(UserSession.last_seen_at) >= bindparam("since"),
        )
    )


@dataclass(frozen=True)
class Vouched:
    actor: Actor
    session_id: int
    last_seen_at: datetime


def actor_for_key(session: Session, key: str, *, max_idle_seconds: int) -> Vouched | None:
    """The active user a session key vouches for, in one query: None when the key is
    unknown, ended, idle too long or its user deactivated."""
    params = {"digest": _digest(key), "since": utcnow() - timedelta(seconds=max_idle_seconds)}
    # Rows of the six active_actor_rows columns, then the session's id and last seen.
    rows: Sequence[Any] = session.connection().execute(_actor_by_session(), params).all()
    actor = actor_of_rows(rows)
    if actor is None:
        return None
    return Vouched(actor, rows[0][-2], rows[0][-1])


def touch_if_stale(engine: Engine, vouched: Vouched) -> None:
    """Note that the session was used, at most once per TOUCH_EVERY, in a short write of
    its own (never the request's transaction, which may only read)."""
    seen = vouched.last_seen_at
    if seen.tzinfo is None:  # SQLite hands back naive UTC
        seen = seen.replace(tzinfo=utcnow().tzinfo)
    if utcnow() - seen < TOUCH_EVERY:
        return
    statement = (
        update(UserSession)
        .where(col(UserSession.id) == vouched.session_id)
        .values(last_seen_at=utcnow())
    )
    try:
        with engine.connect() as connection:
            if is_sqlite(engine):
                _touch_sqlite(connection, statement)
            else:
                connection.execute(statement)
                connection.commit()
    except SQLAlchemyError as exc:  # busy: the next request tries again
        log.info("session last-seen not updated: %s", type(exc).__name__)


def _touch_sqlite(connection: Any, statement: Any) -> None:
    before = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout={TOUCH_WAIT_MS}")
    try:
        connection.execute(statement)
        connection.commit()
    finally:
        connection.rollback()
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(before)}")


def list_sessions(session: Session, user_id: int) -> list[UserSession]:
    """The user's sessions still in force, most recently used first."""
    query = (
        select(UserSession)
        .where(UserSession.user_id == user_id, col(UserSession.revoked_at).is_(None))
        .order_by(col(UserSession.last_seen_at).desc(), col(UserSession.id).desc())
    )
    return list(session.exec(query).all())


def current_session_id(session: Session, key: str | None) -> int | None:
    if key is None:
        return None
    found = session.exec(select(UserSession.id).where(UserSession.key_hash == _digest(key))).first()
    return found


def end_session(session: Session, user_id: int, session_id: int) -> None:
    """End one of the user's own sessions; someone else's is as unknown as a missing one."""
    record = session.get(UserSession, session_id)
    if record is None or record.user_id != user_id:
        raise NotFound("no such session: it may have ended already")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        session.flush()


def forget_ended(session: Session, *, older_than_days: int) -> None:
    """Drop records of sessions that ended, or went idle, long ago (keeps the table small)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    old = (
        select(UserSession.id)
        .where((col(UserSession.revoked_at) < cutoff) | (col(UserSession.last_seen_at) < cutoff))
        .limit(500)
    )
    ids = list(session.exec(old).all())
    if ids:
        session.connection().execute(
            UserSession.__table__.delete().where(UserSession.__table__.c.id.in_(ids))  # type: ignore[attr-defined]
        )
