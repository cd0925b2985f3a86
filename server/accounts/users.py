"""Creating, finding and changing users and their groups."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Row, Select, bindparam, func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, delete, select

from ..errors import Conflict, Invalid, NotFound, Problems
from ..models import Notification, Role, User, UserGroup, UserSession, utcnow
from ..textfields import check_line
from .passwords import hash_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GROUP_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Actor:
    """Who is acting: what permission checks need, detached from the session."""

    id: int
    email: str
    name: str
    role: str
    groups: frozenset[str]
    # Their unread notifications as this request began, for the header of the pages
    # they are sent: read in the same query as who they are. Not part of who they are.
    unread: int = field(default=0, compare=False)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def is_reviewer(self) -> bool:
        return bool(self.groups)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_groups(groups: Iterable[str]) -> list[str]:
    cleaned = sorted({g.strip() for g in groups if g.strip()})
    for group in cleaned:
        if not GROUP_RE.match(group):
            raise Invalid(
                f"group {group!r} is not a valid name: use lower-case letters, digits and hyphens",
                field="groups",
            )
    return cleaned


def _validate(
    email: str, name: str, role: str, password: str | None, groups: Iterable[str] = ()
) -> list[str]:
    """The groups cleaned, or InvalidFields naming every field at fault at once."""
    problems = Problems()
    if not EMAIL_RE.match(email) or len(email) > 254:
        problems.add("email", f"{email!r} is not an email address")
    with problems.check("name"):
        if not name.strip() or len(name) > 200:
            raise Invalid("a name is needed (at most 200 characters)", field="name")
        check_line(name, field="name", label="The name")
    if role not in Role.ALL:
        problems.add("role", f"unknown role {role!r}: use admin, director or member")
    if password is not None and len(password) < MIN_PASSWORD:
        problems.add("password", f"the password must have at least {MIN_PASSWORD} characters")
    cleaned: list[str] = []
    with problems.check("groups"):
        cleaned = validate_groups(groups)
    problems.raise_any()
    return cleaned


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    groups: Iterable[str] = (),
    password: str | None = None,
) -> User:
    email = normalise_email(email)
    clean_groups = _validate(email, name, role, password, groups)
    # Argon2 first, before any statement: hashing is slow, and no lock should wait on it.
    password_hash = hash_password(password) if password else ""
    if session.exec(select(User).where(User.email == email)).first():
        raise Conflict(f"a user with email {email} already exists", field="email")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=password_hash,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for group in clean_groups:
        session.add(UserGroup(user_id=user.id, group=group))
    session.flush()
    return user


def update_user(
    session: Session,
    user_id: int,
    *,
    name: str,
    role: str,
    groups: Iterable[str],
    active: bool,
    acting_admin_id: int | None = None,
) -> User:
    user = get_user(session, user_id)
    clean_groups = _validate(user.email, name, role, None, groups)
    if acting_admin_id == user_id and (role != Role.ADMIN or not active):
        raise Invalid("you cannot remove your own admin role or deactivate yourself", field="role")
    user.name = name.strip()
    user.role = role
    if user.active and not active:
        end_sessions(session, user_id)  # signed out everywhere, and stays so if reactivated
    user.active = active
    session.add(user)
    session.exec(delete(UserGroup).where(col(UserGroup.user_id) == user_id))
    for group in clean_groups:
        session.add(UserGroup(user_id=user_id, group=group))
    session.flush()
    return user


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            f"the password must have at least {MIN_PASSWORD} characters", field="password"
        )


def set_password(
    session: Session, user_id: int, password: str, *, keep_session: int | None = None
) -> None:
    """Replace the password; every session of the user ends but `keep_session` (the
    browser that changed it), so a stolen cookie dies with the old password."""
    check_new_password(password)
    set_password_hash(session, user_id, hash_password(password), keep_session=keep_session)


def set_password_hash(
    session: Session, user_id: int, password_hash: str, *, keep_session: int | None = None
) -> None:
    """set_password with the hash made beforehand, outside any write transaction."""
    user = get_user(session, user_id)
    user.password_hash = password_hash
    session.add(user)
    end_sessions(session, user_id, keep=keep_session)
    session.flush()


def end_sessions(session: Session, user_id: int, *, keep: int | None = None) -> int:
    """End every session of the user (but `keep`), everywhere: how many ended."""
    statement = (
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    if keep is not None:
        statement = statement.where(col(UserSession.id) != keep)
    result = session.connection().execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    return user


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def groups_of(session: Session, user_id: int) -> frozenset[str]:
    rows = session.exec(select(UserGroup.group).where(UserGroup.user_id == user_id)).all()
    return frozenset(rows)


def groups_by_user(session: Session) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for row in session.exec(select(UserGroup).order_by(col(UserGroup.group))).all():
        result.setdefault(row.user_id, []).append(row.group)
    return result


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.name))).all())


def actor_for(session: Session, user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.email, user.name, user.role, groups_of(session, user.id))


ActorRow = Row[int | None, str, str, str, str | None, int]


def active_actor_rows() -> Select[int | None, str, str, str, str | None, int]:
    """An active user and their groups, one row per group (one row, group None, if none),
    with their unread count: who is asking, found in one query. Narrow it with .where();
    read it with actor_of_rows."""
    unread = (
        core_select(func.count())
        .select_from(Notification)
        .where(col(Notification.user_id) == col(User.id), col(Notification.read_at).is_(None))
        .scalar_subquery()
    )
    return (
        core_select(
            col(User.id),
            col(User.email),
            col(User.name),
            col(User.role),
            col(UserGroup.group),
            unread,
        )
        .select_from(User)
        .outerjoin(UserGroup, col(UserGroup.user_id) == col(User.id))
        .where(col(User.active).is_(True))
    )


def actor_of_rows(rows: Sequence[ActorRow]) -> Actor | None:
    if not rows:
        return None
    # By position: a caller may add columns after these six (accounts/sessions.py).
    first = rows[0]
    user_id, email, name, role, unread = first[0], first[1], first[2], first[3], first[5]
    assert user_id is not None
    # The outer join gives one row with no group to a user in none.
    groups = frozenset(r[4] for r in rows if r[4] is not None)
    return Actor(user_id, email, name, role, groups, unread)


@cache  # built once: making the statement cost more than running it (bench/run.py)
def _actor_by_id() -> Select[int | None, str, str, str, str | None, int]:
    return active_actor_rows().where(col(User.id) == bindparam("user_id"))


def active_actor(session: Session, user_id: int) -> Actor | None:
    """The user as an Actor, read afresh: None if they do not exist or are deactivated."""
    rows = session.connection().execute(_actor_by_id(), {"user_id": user_id}).all()
    return actor_of_rows(rows)
