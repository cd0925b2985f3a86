"""Creating, finding and changing users and their groups."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from ..errors import Conflict, Invalid, NotFound
from ..models import Role, User, UserGroup
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


def _validate(email: str, name: str, role: str, password: str | None) -> None:
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise Invalid(f"{email!r} is not an email address", field="email")
    if not name.strip() or len(name) > 200:
        raise Invalid("a name is needed (at most 200 characters)", field="name")
    if role not in Role.ALL:
        raise Invalid(f"unknown role {role!r}: use admin, director or member", field="role")
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid(
            f"the password must have at least {MIN_PASSWORD} characters", field="password"
        )


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
    _validate(email, name, role, password)
    clean_groups = validate_groups(groups)
    if session.exec(select(User).where(User.email == email)).first():
        raise Conflict(f"a user with email {email} already exists", field="email")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password else "",
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
    _validate(user.email, name, role, None)
    clean_groups = validate_groups(groups)
    if acting_admin_id == user_id and (role != Role.ADMIN or not active):
        raise Invalid("you cannot remove your own admin role or deactivate yourself", field="role")
    user.name = name.strip()
    user.role = role
    user.active = active
    session.add(user)
    session.exec(delete(UserGroup).where(col(UserGroup.user_id) == user_id))
    for group in clean_groups:
        session.add(UserGroup(user_id=user_id, group=group))
    session.flush()
    return user


def set_password(session: Session, user_id: int, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            f"the password must have at least {MIN_PASSWORD} characters", field="password"
        )
    user = get_user(session, user_id)
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()


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
