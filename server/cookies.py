"""The browser's side of a sign-in session: the signed cookie naming it, and who it
vouches for on each request (the records themselves are accounts/sessions.py)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import HTTPConnection

from .accounts.sessions import actor_for_key, create_session, touch_if_stale
from .accounts.users import Actor
from .security import csrf_token_for

COOKIE_FIELD = "sid"  # the session key's name inside the signed cookie


def client_address(connection: HTTPConnection) -> str:
    """The address a request came from (the proxy's client when uvicorn trusts it)."""
    return (connection.client.host if connection.client else "")[:64]


def remember(connection: HTTPConnection, key: str) -> None:
    """Give the browser a fresh cookie holding only this key (and a new CSRF token):
    whatever the cookie held before, a fixed session included, is dropped."""
    connection.session.clear()
    connection.session[COOKIE_FIELD] = key
    csrf_token_for(connection.session)


def start_session(
    connection: HTTPConnection, session: Session, user_id: int, method: str = "password"
) -> str:
    """Sign this browser in as the user: a session record, and the cookie naming it.
    The caller commits."""
    key = create_session(
        session,
        user_id,
        method=method,
        user_agent=connection.headers.get("user-agent", ""),
        address=client_address(connection),
    )
    remember(connection, key)
    return key


def key_of(connection: HTTPConnection) -> str | None:
    key = connection.session.get(COOKIE_FIELD)
    return key if isinstance(key, str) and 0 < len(key) <= 100 else None


def actor_for_cookie(connection: HTTPConnection, session: Session) -> Actor | None:
    """Who the browser's session cookie names, or None (and the cookie is emptied) when
    it names nobody who may act now. Sets connection.state.session_id."""
    key = key_of(connection)
    if key is None:
        return None
    state = connection.app.state
    vouched = actor_for_key(session, key, max_idle_seconds=state.settings.session_max_age)
    if vouched is None:  # signed out, ended, idle too long, deleted or deactivated
        connection.session.clear()
        return None
    connection.state.session_id = vouched.session_id
    if connection.scope.get("method") in ("GET", "HEAD"):
        # Only reads: a writing request may hold the database's write lock already.
        touch_if_stale(state.engine, vouched)
    return vouched.actor
