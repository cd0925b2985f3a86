"""The signed-in user's own page: API tokens and password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from ..accounts import tokens, users
from ..accounts.passwords import verify_password
from ..deps import Csrf, CurrentActor, SessionDep
from ..errors import Invalid
from ..rendering.templates import render
from .forms import pop_flash, redirect

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
    token_id: int = Path(ge=1, le=2**31 - 1),
) -> Response:
    tokens.revoke_token(session, actor.id, token_id)
    session.commit()
    return redirect("/account", "Token revoked: it no longer works.", request)


@router.post("/account/password", dependencies=[Csrf])
def change_password(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    current: Annotated[str, Form(max_length=1000)] = "",
    new: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    user = users.get_user(session, actor.id)
    try:
        if not verify_password(user.password_hash, current):
            raise Invalid("your current password is not right", field="current")
        users.set_password(session, actor.id, new)
    except Invalid as exc:
        field = "current" if exc.field == "current" else "new"  # the form's field names
        return _page(request, session, actor, errors={field: exc.message}, status_code=422)
    session.commit()
    return redirect("/account", "Password changed.", request)
