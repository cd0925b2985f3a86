"""Sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from .. import cookies
from ..accounts.signin import Throttle, sign_in
from ..accounts.users import end_sessions
from ..deps import Csrf, OptionalActor, SessionDep
from ..errors import DomainError, Throttled
from ..rendering.templates import render
from .forms import redirect, safe_next
from .sign_on import oidc_name, passwords_on

router = APIRouter(include_in_schema=False)


def _throttle(request: Request) -> Throttle:
    settings = request.app.state.settings
    return Throttle(
        free_failures=settings.login_max_failures,
        window_seconds=settings.login_window_seconds,
        account_limit=settings.login_account_limit,
    )


def _login_context(request: Request, next: str, **more: object) -> dict[str, object]:
    context = {
        "next": safe_next(next),
        "errors": {},
        "oidc_name": oidc_name(request),
        "passwords_on": passwords_on(request),
    }
    return {**context, **more}


@router.get("/login")
def login_form(request: Request, actor: OptionalActor, next: str = "/") -> Response:
    if actor is not None:
        return redirect(safe_next(next))
    return render(request, "auth/login.html", _login_context(request, next))


@router.post("/login", dependencies=[Csrf])
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if not passwords_on(request):
        request.state.user = None
        refusal = (
            "Password sign-in is turned off here, so no password was checked. "
            f"Sign in with {oidc_name(request)} instead."
        )
        context = _login_context(request, next, refusal=refusal)
        return render(request, "auth/login.html", context, status_code=403)
    missing = {}
    if not email.strip():
        missing["email"] = "Enter your email address"
    if not password:
        missing["password"] = "Enter your password"  # noqa: S105  (a message, not a secret)
    if missing:  # nothing to check yet: not a sign-in attempt
        request.state.user = None
        context = _login_context(request, next, email=email, errors=missing)
        return render(request, "auth/login.html", context, status_code=400)
    # No request-wide session: sign_in opens its own short ones around the slow hash.
    try:
        signed = sign_in(
            request.app.state.engine,
            email=email,
            password=password,
            address=cookies.client_address(request),
            user_agent=request.headers.get("user-agent", ""),
            throttle=_throttle(request),
        )
    except DomainError as exc:
        request.state.user = None
        page = render(
            request,
            "auth/login.html",
            _login_context(request, next, email=email, errors={"email": exc.message}),
            status_code=exc.status_code if exc.status_code == 429 else 400,
        )
        if isinstance(exc, Throttled) and isinstance(exc.extra, int):
            page.headers["Retry-After"] = str(exc.extra)  # seconds
        return page
    cookies.remember(request, signed.key)  # a fresh cookie on sign-in: no fixation
    return redirect(safe_next(next))


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, session: SessionDep, actor: OptionalActor) -> Response:
    """Signing out signs this person out everywhere: every session of theirs ends."""
    if actor is not None:
        end_sessions(session, actor.id)
        session.commit()
    request.session.clear()
    return redirect("/login")
