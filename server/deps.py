"""Request dependencies: the database session, who is asking, CSRF checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from .accounts.tokens import actor_for_token
from .accounts.users import Actor
from .cookies import actor_for_cookie
from .db import limiters, read_session
from .drafting.access import require_create
from .errors import DomainError
from .security import CSRF_FIELD, CSRF_HEADER, csrf_ok, csrf_token_for


class NotSignedIn(DomainError):
    status_code = 401


class CsrfRejected(DomainError):
    status_code = 403


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session: a deferred read until its first write (server/db.py).

    The slots are taken here, on the event loop, so a request waiting for one holds
    neither a thread nor a connection (server/db.py, Limits). Making a Session does no
    I/O (it connects at its first query); closing it hands the connection back (a
    rollback, releasing the write lock if an error left it held), on the closers' own
    threads, so it never waits behind the handlers that wait for that lock."""
    state = request.app.state
    slots = limiters(state)
    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    if writing:
        await slots.writers.acquire()
    try:
        async with slots.sessions:
            session = read_session(state.engine)
            try:
                yield session
            finally:
                with anyio.CancelScope(shield=True):  # closed even if the client went away
                    await anyio.to_thread.run_sync(session.close, limiter=slots.closers)
    finally:
        if writing:
            slots.writers.release()


SessionDep = Annotated[Session, Depends(get_session)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authenticate(request: Request, session: Session) -> Actor | None:
    """Who is asking, by bearer token (API and GET pages) or session cookie: None if nobody.

    Read afresh from the database on every request, in one query, and never cached:
    a revoked token or a deactivated account is refused on its very next request."""
    token = _bearer(request)
    if token is not None:
        actor = actor_for_token(session, token)
        if actor is None:
            raise NotSignedIn("the API token is not valid or has been revoked")
        if request.method != "GET" and not request.url.path.startswith("/api/"):
            raise NotSignedIn("API tokens work on /api/v1 routes and on GET pages only")
        request.state.via_token = True
        return actor
    return actor_for_cookie(request, session)  # the session record, user and groups


def for_pages(request: Request, actor: Actor | None) -> None:
    """What every rendered page needs besides the actor: the CSRF token, and for a
    signed-in person's GET page the unread count in its header."""
    request.state.csrf_token = csrf_token_for(request.session)
    request.state.user = actor
    if actor is not None and request.method == "GET" and not request.url.path.startswith("/api/"):
        request.state.unread = actor.unread


def optional_actor(request: Request, session: SessionDep) -> Actor | None:
    """The signed-in user, by bearer token (API and GET pages) or session cookie."""
    actor = authenticate(request, session)
    for_pages(request, actor)
    return actor


OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


async def current_actor(actor: OptionalActor) -> Actor:  # no I/O: no thread hop
    return _required(actor)


def _required(actor: Actor | None) -> Actor:
    if actor is None:
        raise NotSignedIn("sign in to continue")
    return actor


def signed_in(request: Request, session: Session) -> Actor:
    """CurrentActor, for a handler that runs its whole request in one thread."""
    actor = authenticate(request, session)
    for_pages(request, actor)
    return _required(actor)


CurrentActor = Annotated[Actor, Depends(current_actor)]


_bearer_scheme = HTTPBearer(auto_error=False, description="An API token from /account")
# For the OpenAPI document only: _bearer() reads the header, with no I/O.
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer_scheme)]


async def api_actor(  # no I/O: no thread hop
    request: Request,
    actor: OptionalActor,
    _credentials: BearerCredentials,
) -> Actor:
    """API routes take a bearer token; a cookie alone would open them to CSRF."""
    return require_token(request, actor)


def require_token(request: Request, actor: Actor | None) -> Actor:
    if actor is None or not getattr(request.state, "via_token", False):
        raise NotSignedIn(
            "send 'Authorization: Bearer TOKEN'; create a token on your "
            "profile page or with 'tabled tokens create EMAIL'"
        )
    return actor


ApiActor = Annotated[Actor, Depends(api_actor)]


# Dependencies run before FastAPI reads a form or file, so a person who may not
# create a response is refused before anything they sent is looked at.
async def creator(actor: CurrentActor) -> Actor:  # no I/O: no thread hop
    require_create(actor)
    return actor


async def api_creator(actor: ApiActor) -> Actor:  # no I/O: no thread hop
    require_create(actor)
    return actor


CreatorActor = Annotated[Actor, Depends(creator)]
ApiCreatorActor = Annotated[Actor, Depends(api_creator)]


async def check_csrf(request: Request) -> None:
    """Every state-changing form carries the session's token, as a field or header."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_ok(request.session, sent):
        raise CsrfRejected(
            "This form has expired or did not come from Tabled. Reload the page and try again."
        )


Csrf = Depends(check_csrf)
