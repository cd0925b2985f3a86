"""Checking a sign-in, with throttling that does not reveal which emails exist."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, delete, func, select

from ..errors import Invalid, Throttled
from ..models import LoginFailure, User, utcnow
from .passwords import verify_password
from .users import find_by_email, normalise_email

BAD_CREDENTIALS = "The email address or password is not right."


def authenticate(
    session: Session, email: str, password: str, *, max_failures: int, window_seconds: int
) -> User:
    """The user for these credentials, or Invalid/Throttled with a message to show."""
    email = normalise_email(email)
    since = utcnow() - timedelta(seconds=window_seconds)
    failures = session.exec(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == email, col(LoginFailure.at) >= since)
    ).one()
    if failures >= max_failures:
        minutes = max(1, window_seconds // 60)
        raise Throttled(
            f"Too many failed sign-in attempts for this email address. "
            f"Wait {minutes} minutes and try again."
        )
    user = find_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not user or not ok or not user.active:
        session.add(LoginFailure(email=email))
        session.flush()
        raise Invalid(BAD_CREDENTIALS, field="email")
    session.exec(delete(LoginFailure).where(col(LoginFailure.email) == email))
    return user
