"""Personal feed tokens: a secret in an Atom feed address, so a feed reader can
follow a private library. A token grants reading published briefings and nothing
else; it is kept as written so the address can be shown again, and replaced or
revoked from the account page."""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from ..models import User

TOKEN_BYTES = 24


def feed_token(session: Session, user_id: int) -> str | None:
    user = session.get(User, user_id)
    return user.feed_token if user else None


def new_feed_token(session: Session, user_id: int) -> str:
    """A fresh token; any earlier one stops working."""
    user = session.get(User, user_id)
    assert user is not None
    user.feed_token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(user)
    session.flush()
    return user.feed_token


def revoke_feed_token(session: Session, user_id: int) -> None:
    user = session.get(User, user_id)
    assert user is not None
    user.feed_token = None
    session.add(user)
    session.flush()


def feed_reader(session: Session, token: str) -> User | None:
    """The active person a feed token belongs to, if any."""
    if not token or len(token) > 64:
        return None
    query = select(User).where(User.feed_token == token, col(User.active).is_(True))
    return session.exec(query).first()
