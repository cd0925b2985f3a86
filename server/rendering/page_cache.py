"""Whole response pages kept as bytes, one per reader, until anything they show changes.

The document part of the page is shared already (document.py), but joining it into
the page, filling in the reader's bits and encoding 700 KB cost more than everything
else in the request put together. So the finished page is kept, per reader, under a
key of what it is built from:

- who is reading (id, name, role, groups) and their unread count (the header);
- every column of the response row - its text (revision), stage, deadline, review
  round, and its page serial, which every write to anything else the page shows
  bumps in the same transaction (freshness.py: comments, approvals, history,
  publications, positions, names of people, themes);
- whether the review is overdue now, and, while it has a deadline, the hour: the page
  says how many days are left, counted on the reader's calendar, which turns at a
  midnight somewhere in every hour.

So the key is one plain read of the response row, and no page can outlive a change
to what it shows, in this process or another. The reader comes with their unread
count from the query that finds who is asking (deps.authenticate). The page is kept
split where the CSRF token goes, so each session's token is filled in as the page
is sent; a page with a flash message is never kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from ..accounts.users import Actor
from ..cache import ByteCache
from ..errors import NotFound
from ..models import Response, utcnow
from ..workflow.panel import is_overdue
from .document import CSRF_SLOT


@dataclass
class CachedPage:
    chunks: tuple[bytes, ...]  # the page, cut where the CSRF token goes
    digest: str = ""  # of the chunks: with a token, the page's ETag
    # The page last filled in, with its token: a reader's next view, in the same
    # session, is sent without copying 700 KB again.
    last: tuple[str, bytes] | None = None

    @property
    def size(self) -> int:
        return 2 * sum(map(len, self.chunks))  # the chunks, and one filled copy

    def filled(self, csrf_token: str) -> bytes:
        last = self.last
        if last is not None and last[0] == csrf_token:
            return last[1]
        page = csrf_token.encode("ascii").join(self.chunks)
        self.last = (csrf_token, page)  # one assignment: safe between threads
        return page

    def etag(self, csrf_token: str) -> str:
        """Changes with the page's bytes: its content or the session's token."""
        tag = hashlib.sha256(f"{self.digest}:{csrf_token}".encode()).hexdigest()[:32]
        return f'"{tag}"'


PageCache = ByteCache[CachedPage]


def cut(html: str) -> CachedPage:
    chunks = tuple(part.encode() for part in html.split(CSRF_SLOT))
    digest = hashlib.sha256()
    for chunk in chunks:  # length first, so moving a slot changes the digest
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return CachedPage(chunks, digest.hexdigest())


@cache  # built once: making the statement costs more than running it
def _response_row() -> Select[Any]:
    columns = Response.__table__.columns  # type: ignore[attr-defined]
    return core_select(*columns).where(col(Response.id) == bindparam("response"))


def as_response(row: Response) -> Response:
    """A detached Response from the row response_and_key read, for building the page."""
    return Response(**row._mapping)  # type: ignore[attr-defined]


def response_and_key(
    session: Session, actor: Actor, response_id: int
) -> tuple[Response, tuple[Any, ...]]:
    """The response's row and, as a key, everything its page is built from for this
    reader: one query. NotFound if there is no such response.

    The row has every column as an attribute, which is all the access rules read; it
    is not an ORM object, whose making cost an eighth of a kept page's request. The
    page builder makes one with as_response()."""
    row = session.connection().execute(_response_row(), {"response": response_id}).one_or_none()
    if row is None:
        raise NotFound(f"no response with id {response_id}")
    values = tuple(row)
    response = cast(Response, row)
    key = (
        "response-page",
        (actor.id, actor.name, actor.role, actor.groups),
        actor.unread,  # not part of the Actor's equality, so named here
        values,  # the response's every column, its page serial among them
        is_overdue(response),
        utcnow().replace(minute=0, second=0, microsecond=0) if response.due_at else None,
        # "closes in N days" counts from today, so the page is made again each day.
        datetime.now(UTC).date() if response.rt_closes else None,
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
            cache_.put(key, found, found.size)
    return found
