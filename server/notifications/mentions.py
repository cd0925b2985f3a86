"""@mentions in comments: a person by their email's local part, or a whole group.

`@jane.smith` names everyone whose address starts `jane.smith@`; `@futures` names
the members of the group futures. Only people who can see the response's internals
(drafting.access.sight) are mentioned; the rest are passed over silently, so a
mention never reveals a draft to someone outside it.

Bounds: a comment is at most 20,000 characters and the pattern is scanned once,
linearly; at most MENTION_MAX distinct names are looked up per comment.
"""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from ..accounts.users import actor_for
from ..drafting.access import Sight, sight
from ..models import Response, User, UserGroup

MENTION_MAX = 20

# Not after a word character or "@", so "jane@example.org" is an address, not a mention.
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})")


def names_in(text: str) -> list[str]:
    """The distinct names mentioned, lower-cased, in order of first mention."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".-+").lower()  # "@jane.smith." ends a sentence
        if name and name not in seen:
            seen[name] = None
            if len(seen) >= MENTION_MAX:
                break
    return list(seen)


def mentioned_people(session: Session, response: Response, text: str) -> list[int]:
    """Ids of the active people a comment's text mentions who may see the response."""
    names = names_in(text)
    if not names:
        return []
    ids: set[int] = set()
    groups = session.exec(select(UserGroup.user_id).where(col(UserGroup.group).in_(names))).all()
    ids.update(groups)
    for name in names:
        query = select(User.id).where(col(User.email).startswith(f"{name}@", autoescape=True))
        ids.update(i for i in session.exec(query).all() if i is not None)
    return [uid for uid in sorted(ids) if can_read_comments(session, response, uid)]


def can_read_comments(session: Session, response: Response, user_id: int) -> bool:
    """Comments are the response's internals: the one rule, asked for this person."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return False
    return sight(actor_for(session, user), response) is Sight.INTERNAL
