"""API tokens: shown once, stored only as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from sqlalchemy import Select, bindparam
from sqlmodel import Session, col, select

from ..errors import NotFound
from ..models import ApiToken, User, utcnow
from .users import Actor, active_actor_rows, actor_of_rows

TOKEN_PREFIX = "tbl_"  # noqa: S105  (a marker, not a secret)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user_id: int, label: str = "") -> tuple[ApiToken, str]:
    """Make a token; the plain text is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user_id, label=label.strip()[:100], prefix=plain[:10], token_hash=_digest(plain)
    )
    session.add(token)
    session.flush()
    return token, plain


def actor_for_token(session: Session, plain: str) -> Actor | None:
    """Who a token acts for, read afresh in one query (token, user and groups): None if
    the token is unknown or revoked, or its user is deactivated."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    rows = session.connection().execute(_actor_by_token(), {"digest": _digest(plain)}).all()
    return actor_of_rows(rows)


@cache  # built once: making the statement cost more than running it (bench/run.py)
def _actor_by_token() -> Select[int | None, str, str, str, str | None, int]:
    return (
        active_actor_rows()
        .join(ApiToken, col(ApiToken.user_id) == col(User.id))
        .where(col(ApiToken.token_hash) == bindparam("digest"), col(ApiToken.revoked_at).is_(None))
    )


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id)
        .order_by(col(ApiToken.created_at).desc())
    )
    return list(session.exec(query).all())


def revoke_token(session: Session, user_id: int, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
