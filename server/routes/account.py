"""The signed-in user's own page: API tokens, sessions and password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from .. import cookies
from ..accounts import feed_tokens, sessions, tokens, users
from ..accounts.passwords import hash_password, verify_password
from ..deps import Csrf, CurrentActor, SessionDep
from ..errors import Problems
from ..notifications.digest import set_digest
from ..rendering.templates import render
from .forms import pop_flash, redirect
from .params import Id

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    *,
    status_code: int = 200,
    **extra: object,
) -> Response:
    context = {
        "tokens": tokens.list_tokens(session, actor.id),
        "sessions": sessions.list_sessions(session, actor.id),
        "this_session": getattr(request.state, "session_id", None),
        "digest": users.get_user(session, actor.id).digest,
        "feed_token": feed_tokens.feed_token(session, actor.id),
        "base_url": request.app.state.settings.base_url.rstrip("/"),
        "errors": {},
        "flash": pop_flash(request),
        **extra,
    }
    return render(request, "account/page.html", context, status_code=status_code)


@router.get("/account")
def account(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return _page(request, session, actor)


@router.post("/account/tokens", dependencies=[Csrf])
def create_token(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    label: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    _token, plain = tokens.create_token(session, actor.id, label)
    session.commit()
    return _page(request, session, actor, new_token=plain)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Csrf])
def revoke_token(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    token_id: int = Id(),
) -> Response:
    tokens.revoke_token(session, actor.id, token_id)
    session.commit()
    return redirect("/account", "Token revoked: it no longer works.", request)


@router.post("/account/password", dependencies=[Csrf])
def change_password(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    current_password: Annotated[str, Form(max_length=1000)] = "",
    new_password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """A new password ends every session of the user, this one too, so even a copy of
    this browser's cookie stops working; this browser gets a fresh session."""
    known_hash = users.get_user(session, actor.id).password_hash
    # End the request's transaction (on SQLite it holds the write lock) before Argon2
    # runs twice; the writes below start a short one of their own.
    session.rollback()
    problems = Problems()  # both boxes at once
    if not current_password:
        problems.add("current_password", "Enter your current password")
    elif not verify_password(known_hash, current_password):
        problems.add("current_password", "Your current password is not right")
    with problems.check("new_password"):
        users.check_new_password(new_password)
    if problems:
        errors = {
            k if k == "current_password" else "new_password": v for k, v in problems.found.items()
        }
        return _page(request, session, actor, errors=errors, status_code=422)
    new_hash = hash_password(new_password)  # before the writes: Argon2 is slow
    users.set_password_hash(session, actor.id, new_hash)
    cookies.start_session(request, session, actor.id)
    session.commit()
    return redirect("/account", "Password changed: you are signed out everywhere else.", request)


@router.post("/account/sessions/{session_id}/end", dependencies=[Csrf])
def end_session(
    request: Request, session: SessionDep, actor: CurrentActor, session_id: int = Id()
) -> Response:
    sessions.end_session(session, actor.id, session_id)
    session.commit()
    if session_id == getattr(request.state, "session_id", None):
        request.session.clear()
        return redirect("/login")
    return redirect("/account", "Session ended: that browser is signed out.", request)


@router.post("/account/sessions/end-others", dependencies=[Csrf])
def end_other_sessions(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ended = users.end_sessions(session, actor.id, keep=getattr(request.state, "session_id", None))
    session.commit()
    noun = "session" if ended == 1 else "sessions"
    return redirect("/account", f"Ended {ended} other {noun}.", request)


@router.post("/account/digest", dependencies=[Csrf])
def choose_digest(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    emails: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    if emails not in ("immediate", "daily"):
        return _page(
            request,
            session,
            actor,
            errors={"emails": "Choose when to get emails"},
            status_code=422,
        )
    set_digest(session, actor.id, emails == "daily")
    session.commit()
    notice = (
        "You will get one email a day listing your notifications."
        if emails == "daily"
        else "You will get an email for each notification."
    )
    return redirect("/account", notice, request)


@router.post("/account/feed-token", dependencies=[Csrf])
def create_feed_token(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    feed_tokens.new_feed_token(session, actor.id)
    session.commit()
    return redirect(
        "/account#feed", "Your feed address is ready; any earlier one stopped working.", request
    )


@router.post("/account/feed-token/revoke", dependencies=[Csrf])
def revoke_feed_token(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    feed_tokens.revoke_feed_token(session, actor.id)
    session.commit()
    return redirect("/account#feed", "Feed address revoked: it no longer works.", request)
