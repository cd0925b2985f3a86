"""Sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ..accounts.signin import authenticate
from ..deps import Csrf, OptionalActor, SessionDep
from ..errors import DomainError
from ..rendering.templates import render
from ..security import csrf_token_for
from .forms import redirect, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_form(request: Request, actor: OptionalActor, next: str = "/") -> Response:
    if actor is not None:
        return redirect(safe_next(next))
    return render(request, "auth/login.html", {"next": safe_next(next), "errors": {}})


@router.post("/login", dependencies=[Csrf])
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = request.app.state.settings
    try:
        user = authenticate(
            session,
            email,
            password,
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds,
        )
    except DomainError as exc:
        session.commit()  # keep the record of the failure for throttling
        request.state.user = None
        return render(
            request,
            "auth/login.html",
            {"next": safe_next(next), "email": email, "errors": {"email": exc.message}},
            status_code=exc.status_code if exc.status_code == 429 else 400,
        )
    session.commit()
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session["uid"] = user.id
    csrf_token_for(request.session)
    return redirect(safe_next(next))


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    request.session.clear()
    return redirect("/login")
