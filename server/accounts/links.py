"""One-time links that set a password: invitations (7 days) and resets (1 hour).

The email carries a random secret; the database keeps only its SHA-256, so a copy of
the database opens no account. A link works once, before it expires, for an active
user; using it ends the user's other sessions. Every request, use and refusal is
written to account_event. Reset requests are throttled per address and per account,
and answer the same whether or not the account exists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from ..errors import Invalid, Throttled
from ..models import AccountEvent, AccountLink, OutboxMessage, User, UserSession, utcnow
from .users import (
    check_new_password,
    create_user,
    end_sessions,
    find_by_email,
    get_user,
    normalise_email,
)

INVITE = "invite"
RESET = "reset"
SIGNIN = "signin"  # made on the command line: signs its person in, sets no password
LIFETIME = {INVITE: timedelta(days=7), RESET: timedelta(hours=1), SIGNIN: timedelta(minutes=15)}
# Reset emails one address may ask for, and one account may receive, per hour.
RESETS_PER_ADDRESS = 10
RESETS_PER_ACCOUNT = 3
RESET_WINDOW = timedelta(hours=1)
TOKEN_MAX = 100  # longer is not one of ours: refused before hashing


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def audit(
    session: Session,
    action: str,
    *,
    email: str = "",
    user_id: int | None = None,
    address: str = "",
    actor_id: int | None = None,
) -> None:
    session.add(
        AccountEvent(
            action=action[:40],
            email=email[:254],
            user_id=user_id,
            address=address[:64],
            actor_id=actor_id,
        )
    )


def _new_link(session: Session, user: User, purpose: str) -> str:
    """A fresh link for the user; earlier unused links of the same purpose stop working."""
    assert user.id is not None
    now = utcnow()
    session.connection().execute(
        update(AccountLink)
        .where(
            col(AccountLink.user_id) == user.id,
            col(AccountLink.purpose) == purpose,
            col(AccountLink.used_at).is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=digest(token),
            expires_at=now + LIFETIME[purpose],
        )
    )
    return token


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/login/link/{token}"


def invite(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    groups: list[str],
    base_url: str,
    actor_id: int,
    sign_on_name: str = "",
) -> User:
    """Add a user with no password and email them a link to set one, or, with password
    sign-in off (`sign_on_name` given), where to sign on instead. The caller commits."""
    user = create_user(session, email=email, name=name, role=role, groups=groups)
    if sign_on_name:
        how = (
            f"Sign in with {sign_on_name}, using this email address, at:\n\n"
            f"{base_url.rstrip('/')}/login\n\n"
        )
    else:
        token = _new_link(session, user, INVITE)
        how = (
            "Choose your password with this link, which works once within 7 days:\n\n"
            f"{link_url(base_url, token)}\n\n"
        )
    session.add(
        OutboxMessage(
            to_email=user.email,
            subject="You are invited to Tabled",
            body=f"Dear {user.name},\n\nYou have been invited to Tabled. {how}-- Tabled\n",
        )
    )
    audit(session, "invite.sent", email=user.email, user_id=user.id, actor_id=actor_id)
    session.flush()
    return user


def _count(session: Session, *where: object) -> int:
    since = utcnow() - RESET_WINDOW
    query = select(func.count()).select_from(AccountEvent)
    query = query.where(col(AccountEvent.at) > since, *where)  # type: ignore[arg-type]
    return int(session.exec(query).one())


def request_reset(session: Session, *, email: str, address: str, base_url: str) -> None:
    """Email a reset link if the address names an active account. Throttled per address
    (whoever it asks about) and per account; otherwise silent about what it found."""
    email = normalise_email(email)[:254]
    from_here = _count(
        session, col(AccountEvent.action).like("reset.%"), AccountEvent.address == address
    )
    if from_here >= RESETS_PER_ADDRESS:
        audit(session, "reset.throttled", email=email, address=address)
        # The caller commits, so the refusal is on record.
        raise Throttled("Too many reset requests from here. Wait an hour and try again.")
    user = find_by_email(session, email)
    asked_for = _count(session, AccountEvent.action == "reset.sent", AccountEvent.email == email)
    if user is None or not user.active:
        audit(
            session,
            "reset.no_account" if user is None else "reset.deactivated",
            email=email,
            address=address,
            user_id=user.id if user else None,
        )
        return
    if asked_for >= RESETS_PER_ACCOUNT:
        audit(session, "reset.account_throttled", email=email, user_id=user.id, address=address)
        return  # same answer: the owner already has recent links in their inbox
    token = _new_link(session, user, RESET)
    session.add(
        OutboxMessage(
            to_email=user.email,
            subject="Reset your Tabled password",
            body=(
                f"Dear {user.name},\n\nSomeone asked to reset your Tabled password. If it was "
                f"you, choose a new one with this link, which works once within 1 hour:\n\n"
                f"{link_url(base_url, token)}\n\nIf it was not you, ignore this email: "
                f"your password stays as it is.\n\n-- Tabled\n"
            ),
        )
    )
    audit(session, "reset.sent", email=email, user_id=user.id, address=address)
    session.flush()


@dataclass(frozen=True)
class LinkRefused(Exception):
    """Why a link cannot be used, in words for the person holding it."""

    reason: str  # "unknown", "used", "expired", "deactivated"


def check_link(session: Session, token: str) -> tuple[AccountLink, User]:
    """The link and its user when the link can still be used; LinkRefused otherwise."""
    if not token or len(token) > TOKEN_MAX:
        raise LinkRefused("unknown")
    link = session.exec(select(AccountLink).where(AccountLink.token_hash == digest(token))).first()
    if link is None:
        raise LinkRefused("unknown")
    user = get_user(session, link.user_id)
    if link.used_at is not None:
        raise LinkRefused("used")
    if _aware(link.expires_at) <= utcnow():
        raise LinkRefused("expired")
    if not user.active:
        raise LinkRefused("deactivated")
    return link, user


def _claim(session: Session, link: AccountLink) -> None:
    # Marked used in the same statement that checks it is unused: two tabs cannot both win.
    claimed = session.connection().execute(
        update(AccountLink)
        .where(col(AccountLink.id) == link.id, col(AccountLink.used_at).is_(None))
        .values(used_at=utcnow())
    )
    if not getattr(claimed, "rowcount", 0):
        raise LinkRefused("used")


def make_sign_in_link(session: Session, email: str, *, base_url: str) -> tuple[User, str]:
    """A link that signs an active user in once, within 15 minutes, whatever sign-in
    the site allows: the way back in for whoever runs the server. The caller commits."""
    user = find_by_email(session, email)
    if user is None or not user.active:
        raise Invalid(f"no active user with email {normalise_email(email)}", field="email")
    token = _new_link(session, user, SIGNIN)
    audit(session, "signin_link.made", email=user.email, user_id=user.id, address="command line")
    session.flush()
    return user, link_url(base_url, token)


def use_sign_in_link(session: Session, token: str, *, address: str) -> User:
    """Use a command-line sign-in link, once; the caller starts the session and commits."""
    try:
        link, user = check_link(session, token)
        if link.purpose != SIGNIN:
            raise LinkRefused("unknown")
        _claim(session, link)
    except LinkRefused as refused:
        audit(session, f"link.refused.{refused.reason}", address=address)
        raise
    audit(session, "signin_link.used", email=user.email, user_id=user.id, address=address)
    session.flush()
    return user


def use_link(session: Session, token: str, password_hash: str, *, address: str) -> tuple[User, str]:
    """Set the password through the link, once: the user and the link's purpose. Ends
    every session of the user; the caller starts this browser's and commits."""
    try:
        link, user = check_link(session, token)
        if link.purpose == SIGNIN:
            raise LinkRefused("unknown")  # it sets no password
        _claim(session, link)
    except LinkRefused as refused:  # also the loser of two tabs racing for one link
        audit(session, f"link.refused.{refused.reason}", address=address)
        raise
    user.password_hash = password_hash
    session.add(user)
    assert user.id is not None
    end_sessions(session, user.id)
    audit(session, f"{link.purpose}.used", email=user.email, user_id=user.id, address=address)
    session.flush()
    return user, link.purpose


def check_password_pair(password: str, confirm: str) -> None:
    check_new_password(password)
    if password != confirm:
        raise Invalid("the two passwords are not the same", field="confirm")


METHOD_WORDS = {"password": "password", "oidc": "council account", "link": "one-time link"}


@dataclass(frozen=True)
class SignInSummary:
    how: str  # how this person signs in, in words
    last: datetime | None  # when they last started a session
    last_method: str  # and how, in words


def _how(has_password: bool, council: bool, invited: bool, *, sso: bool, passwords: bool) -> str:
    password = "Password" if passwords else "Password (turned off here)"
    if has_password and council:
        return f"{password} and council account"
    if council:
        return "Council account"
    if has_password:
        return password
    if invited:
        return "Invited: has not set a password yet"
    if sso:
        return "Council account: has not signed in yet"
    return "No password: the invitation has expired"


def sign_in_summaries(
    session: Session, *, sso: bool = False, passwords: bool = True
) -> dict[int, SignInSummary]:
    """For the users page: how each person signs in (password, council account or both)
    and when they last did, and how. A fixed number of queries, whatever the number of
    users. `sso`: single sign-on is set up; `passwords`: password sign-in is on."""
    latest = dict(
        session.exec(
            select(UserSession.user_id, func.max(UserSession.created_at)).group_by(
                col(UserSession.user_id)
            )
        ).all()
    )
    methods = {
        row[0]: row[1]
        for row in session.exec(
            select(UserSession.user_id, UserSession.method).order_by(col(UserSession.id))
        ).all()
    }
    # Sessions are forgotten after a while; the audit trail of sign-ons is not.
    council = set(
        session.exec(
            select(AccountEvent.user_id)
            .where(AccountEvent.action == "oidc.signed_in")
            .group_by(col(AccountEvent.user_id))
        ).all()
    )
    now = utcnow()
    pending = set(
        session.exec(
            select(AccountLink.user_id).where(
                AccountLink.purpose == INVITE,
                col(AccountLink.used_at).is_(None),
                col(AccountLink.expires_at) > now,
            )
        ).all()
    )
    result: dict[int, SignInSummary] = {}
    for user in session.exec(select(User)).all():
        assert user.id is not None
        how = _how(
            bool(user.password_hash),
            user.id in council,
            user.id in pending,
            sso=sso,
            passwords=passwords,
        )
        last = latest.get(user.id)
        method = methods.get(user.id, "")
        result[user.id] = SignInSummary(
            how, _aware(last) if last else None, METHOD_WORDS.get(method, method)
        )
    return result
