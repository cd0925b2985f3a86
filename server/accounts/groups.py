"""Reviewer groups as an admin sees them: who is in each, and changing that.

A group is a name that workflows give their review stages (`group: futures`) and
that people are put in; it has no row of its own. So the list is every group a
workflow names, whether or not anyone is in it yet, and every group someone is in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from ..errors import Conflict, Invalid, NotFound
from ..models import User, UserGroup
from .users import GROUP_RE, get_user


@dataclass
class Group:
    slug: str
    members: int
    reviews: list[str] = field(default_factory=list)  # "Futures review (Policy response)"


def list_groups(session: Session, reviews: Mapping[str, list[str]]) -> list[Group]:
    """`reviews`: each group's review stages as the workflows name them (the caller asks
    the workflows: accounts sit below them)."""
    counts = dict(
        session.exec(select(UserGroup.group, func.count()).group_by(col(UserGroup.group))).all()
    )
    slugs = sorted(set(counts) | set(reviews))
    return [Group(s, int(counts.get(s, 0)), reviews.get(s, [])) for s in slugs]


def check_name(slug: str) -> str:
    cleaned = slug.strip()
    if not cleaned:
        raise Invalid("Enter the group's name", field="name")
    if not GROUP_RE.match(cleaned):
        raise Invalid(
            "A group's name is lower-case letters, digits and hyphens, starting with a "
            "letter or digit, at most 60 characters (for example: data-sharing)",
            field="name",
        )
    return cleaned


def get_group(session: Session, slug: str, reviews: Mapping[str, list[str]]) -> Group:
    """A group that exists: named by a workflow or with someone in it."""
    for group in list_groups(session, reviews):
        if group.slug == slug:
            return group
    raise NotFound(f"no group called {slug!r}")


def members_of(session: Session, slug: str) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(UserGroup, col(UserGroup.user_id) == col(User.id))
            .where(UserGroup.group == slug)
            .order_by(col(User.name))
        ).all()
    )


def non_members(session: Session, slug: str) -> list[User]:
    """Active people not in the group: whom the add form offers."""
    inside = select(UserGroup.user_id).where(UserGroup.group == slug)
    return list(
        session.exec(
            select(User)
            .where(col(User.active).is_(True), col(User.id).not_in(inside))
            .order_by(col(User.name))
        ).all()
    )


def add_member(session: Session, slug: str, user_id: int | None) -> User:
    slug = check_name(slug)
    if user_id is None:
        raise Invalid("Choose the person to add", field="user_id")
    try:
        user = get_user(session, user_id)
    except NotFound:
        raise Invalid("Choose the person to add from the list", field="user_id") from None
    if not user.active:
        raise Invalid(f"{user.name}'s account is deactivated", field="user_id")
    if session.get(UserGroup, (user_id, slug)) is not None:
        raise Conflict(f"{user.name} is already in {slug}", field="user_id")
    session.add(UserGroup(user_id=user_id, group=slug))
    try:
        session.flush()
    except IntegrityError:  # added by someone else meanwhile; the caller rolls back
        raise Conflict(f"{user.name} is already in {slug}", field="user_id") from None
    return user


def remove_member(session: Session, slug: str, user_id: int) -> User:
    membership = session.get(UserGroup, (user_id, slug))
    if membership is None:
        raise NotFound(f"that person is not in {slug}")
    user = get_user(session, user_id)
    session.delete(membership)
    session.flush()
    return user
