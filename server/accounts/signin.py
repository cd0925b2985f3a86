"""Signing in with a password: throttled per account and source address, every attempt kept.

Wrong passwords slow down the address that sends them, for that account only: after
`free_failures` the next attempt from there waits one minute, then two, four and so
on up to `window_seconds`. Someone guessing from elsewhere therefore never locks the
owner out. Against guessing spread over many addresses, once an account has
`account_limit` failures within the window, only addresses it has signed in from
before may try. Argon2 runs outside every transaction; the attempt is recorded after.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from ..db import read_session, write_session
from ..errors import Invalid, Throttled
from ..models import SignInAttempt, User, utcnow
from .passwords import verify_password
from .sessions import create_session, forget_ended
from .users import find_by_email, normalise_email

log = logging.getLogger("tabled.signin")

BAD_CREDENTIALS = "The email address or password is not right."
# Attempts older than this are dropped; an address that signed in within it is "known".
KEEP_ATTEMPTS = timedelta(days=90)


@dataclass(frozen=True)
class Throttle:
    free_failures: int = 5
    window_seconds: int = 15 * 60
    account_limit: int = 100


@dataclass(frozen=True)
class SignedIn:
    user: User
    key: str  # the new session's key, for the browser's cookie


def delay_after(failures: int, throttle: Throttle) -> int:
    """Seconds to wait after the last failure, given failures in a row from one address."""
    over = failures - throttle.free_failures
    if over < 0:
        return 0
    return min(throttle.window_seconds, 60 * 2 ** min(over, 20))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _wait_message(seconds: float) -> str:
    minutes = max(1, int(-(-seconds // 60)))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many failed sign-in attempts for this email address. "
        f"Wait {minutes} {unit} and try again."
    )


def check_throttle(
    session: Session, email: str, address: str, throttle: Throttle, now: datetime
) -> None:
    """Throttled, with how long to wait, when this address must not try this email yet."""
    window_start = now - timedelta(seconds=throttle.window_seconds)
    mine = (SignInAttempt.email == email, SignInAttempt.address == address)
    last_success = session.exec(
        select(func.max(SignInAttempt.at)).where(*mine, col(SignInAttempt.succeeded).is_(True))
    ).one()
    since = max(window_start, _aware(last_success)) if last_success else window_start
    count, last_failure = session.exec(
        select(func.count(), func.max(SignInAttempt.at)).where(
            *mine, col(SignInAttempt.succeeded).is_(False), col(SignInAttempt.at) > since
        )
    ).one()
    wait = delay_after(count, throttle)
    if wait and last_failure is not None:
        remaining = (_aware(last_failure) + timedelta(seconds=wait) - now).total_seconds()
        if remaining > 0:
            raise Throttled(_wait_message(remaining), extra=int(remaining) + 1)
    if last_success is not None:
        return  # an address that has signed in to this account before is never shut out
    failures_everywhere = session.exec(
        select(func.count()).where(
            SignInAttempt.email == email,
            col(SignInAttempt.succeeded).is_(False),
            col(SignInAttempt.at) > window_start,
        )
    ).one()
    if failures_everywhere >= throttle.account_limit:
        raise Throttled(_wait_message(throttle.window_seconds), extra=throttle.window_seconds)


def sign_in(
    engine: Engine,
    *,
    email: str,
    password: str,
    address: str,
    user_agent: str,
    throttle: Throttle,
) -> SignedIn:
    """Check the credentials and start a session; Invalid or Throttled with a message.

    Three short steps so that no lock waits on Argon2: read (throttle and user), verify
    with no transaction open, then one write (the attempt, and the session if right)."""
    email = normalise_email(email)[:254]
    now = utcnow()
    with read_session(engine) as session:
        try:
            check_throttle(session, email, address, throttle, now)
        except Throttled:
            log.warning("sign-in throttled", extra={"fields": {"email": email, "from": address}})
            raise
        user = find_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    good = user is not None and user.id is not None and ok and user.active
    with write_session(engine) as session:
        session.add(SignInAttempt(email=email, address=address, succeeded=good, at=now))
        key = ""
        if good:
            assert user is not None and user.id is not None
            key = create_session(
                session, user.id, method="password", user_agent=user_agent, address=address
            )
        # Old records go as new ones come, so neither table grows without bound.
        session.exec(delete(SignInAttempt).where(col(SignInAttempt.at) < now - KEEP_ATTEMPTS))
        forget_ended(session, older_than_days=KEEP_ATTEMPTS.days)
        session.commit()
    if not good or user is None:
        raise Invalid(BAD_CREDENTIALS, field="email")
    return SignedIn(user, key)


def attempts_for(session: Session, email: str, limit: int = 50) -> list[SignInAttempt]:
    """The latest sign-in attempts for an email, newest first (for audit)."""
    query = (
        select(SignInAttempt)
        .where(SignInAttempt.email == normalise_email(email))
        .order_by(col(SignInAttempt.at).desc(), col(SignInAttempt.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())
