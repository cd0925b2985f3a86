"""Whole response pages kept as bytes, one per reader, until anything they show changes.

The document part of the page is shared already (document.py), but joining it into
the page, filling in the reader's bits and encoding 700 KB cost more than everything
else in the request put together. So the finished page is kept, per reader, under a
key made of everything it shows:

- who is reading (id, name, role, groups) and their unread count (the header);
- every column of the response row, which covers its text (revision), stage,
  comments (comment_serial), deadline and review round;
- the owner's name, the approvals of this round (how many, and whether the reader's
  is one), the revision the reader last reviewed, the latest publication;
- the theme list, and whether the review is overdue now.

The reader comes with their unread count from the query that finds who is asking
(deps.authenticate); the rest is one query, the response row with the others as
scalar subqueries beside it. The page is kept split where the CSRF token goes, so
each session's token is filled in as the page is sent; a page with a flash message
is never kept. Pages expire with the oldest shared part they were built from, so an
author renamed elsewhere shows within the same few minutes as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from sqlalchemy import BindParameter, Integer, Select, String, bindparam, cast, func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from ..accounts.users import Actor
from ..comments.rendered import TTL_SECONDS, RenderCache
from ..errors import NotFound
from ..models import Approval, AuditEvent, Publication, Response, Theme, User
from ..workflow.kinds import REVIEW_KINDS
from ..workflow.panel import is_overdue
from .document import CSRF_SLOT

PAGE_CACHE_BYTES = 96 * 1024 * 1024  # per process: about 130 pages of 60 positions


@dataclass
class CachedPage:
    chunks: tuple[bytes, ...]  # the page, cut where the CSRF token goes
    made_at: float
    digest: str = ""  # of the chunks: with a token, the page's ETag

    @property
    def size(self) -> int:
        return sum(map(len, self.chunks))

    def filled(self, csrf_token: str) -> bytes:
        return csrf_token.encode("ascii").join(self.chunks)

    def etag(self, csrf_token: str) -> str:
        """Changes with the page's bytes: its content or the session's token."""
        tag = hashlib.sha256(f"{self.digest}:{csrf_token}".encode()).hexdigest()[:32]
        return f'"{tag}"'


PageCache = RenderCache[CachedPage]


def new_page_cache() -> PageCache:
    return RenderCache[CachedPage](max_bytes=PAGE_CACHE_BYTES, ttl=TTL_SECONDS)


def cut(html: str, made_at: float) -> CachedPage:
    chunks = tuple(part.encode() for part in html.split(CSRF_SLOT))
    digest = hashlib.sha256()
    for chunk in chunks:  # length first, so moving a slot changes the digest
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return CachedPage(chunks, made_at, digest.hexdigest())


@cache  # built once: making the statement costs more than running it
def _response_with_facts() -> Select[Any]:
    """The response row, and beside it what its page shows from other tables."""
    reader: BindParameter[int] = bindparam("reader")
    this_round = (col(Approval.response_id) == col(Response.id)) & (
        col(Approval.round) == col(Response.review_round)
    )
    facts = (
        core_select(col(User.name)).where(col(User.id) == col(Response.owner_id)),
        core_select(func.count()).select_from(Approval).where(this_round),
        core_select(func.count())
        .select_from(Approval)
        .where(this_round, col(Approval.user_id) == reader),
        core_select(func.max(AuditEvent.revision)).where(
            col(AuditEvent.response_id) == col(Response.id),
            col(AuditEvent.actor_id) == reader,
            # Not IN (...): an expanding list is written out afresh at every execution.
            or_(*(col(AuditEvent.kind) == kind.value for kind in REVIEW_KINDS)),
        ),
        core_select(func.max(Publication.id)).where(
            col(Publication.response_id) == col(Response.id)
        ),
    )
    columns = Response.__table__.columns  # type: ignore[attr-defined]
    return core_select(
        *columns,
        *(fact.scalar_subquery().label(f"fact_{n}") for n, fact in enumerate(facts)),
        _themes_fingerprint().label("themes"),
    ).where(col(Response.id) == bindparam("response"))


def _themes_fingerprint() -> Any:
    """Every theme as one string, in whatever order the database reads them: each row
    as id, slug (letters, digits, dashes), the name's length and the name, and the two
    flags - so two different theme lists can never give the same string."""
    as_text = partial(cast, type_=String)
    row = (
        as_text(col(Theme.id))
        + ","
        + col(Theme.slug)
        + ","
        + as_text(func.length(col(Theme.name)))
        + ":"
        + col(Theme.name)
        + ","
        + as_text(cast(col(Theme.core), Integer))
        + as_text(cast(col(Theme.retired), Integer))
    )
    return core_select(func.aggregate_strings(row, ";")).scalar_subquery()


def response_and_key(
    session: Session, actor: Actor, response_id: int
) -> tuple[Response, tuple[Any, ...]]:
    """The response (detached, read without the ORM) and, as a key, everything its page
    shows this reader: one query. NotFound if there is no such response."""
    connection = session.connection()
    row = connection.execute(
        _response_with_facts(), {"response": response_id, "reader": actor.id}
    ).one_or_none()
    if row is None:
        raise NotFound(f"no response with id {response_id}")
    values = tuple(row)
    columns = len(Response.__table__.columns)  # type: ignore[attr-defined]
    response = Response(**dict(zip(row._fields[:columns], values[:columns], strict=True)))
    key = (
        "response-page",
        (actor.id, actor.name, actor.role, actor.groups),
        actor.unread,  # not part of the Actor's equality, so named here
        values,  # the response's every column, the facts, the themes
        is_overdue(response),
    )
    return response, key


def kept_or_built(
    cache_: PageCache, key: tuple[Any, ...] | None, build: Callable[[], CachedPage]
) -> CachedPage:
    """The page for this reader: kept, or built now (and kept, unless key is None)."""
    found = cache_.get(key) if key is not None else None
    if found is None:
        found = build()
        if key is not None:
            cache_.put(key, found)
    return found
