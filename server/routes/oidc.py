"""Sign in with the organisation's OpenID Connect provider: the start and the callback."""

from __future__ import annotations

import hmac
import re

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from .. import cookies
from ..accounts import oidc
from ..accounts.links import audit
from ..deps import OptionalActor, SessionDep
from ..rendering.templates import render
from .forms import redirect

router = APIRouter(include_in_schema=False)
KEPT = "oidc"  # what the signed session holds between the start and the callback


def _refused(request: Request, message: str, status_code: int) -> Response:
    return render(request, "auth/oidc_refused.html", {"message": message}, status_code=status_code)


@router.get("/auth/oidc/start")
def start(request: Request, _actor: OptionalActor) -> Response:
    provider = oidc.provider_from(request.app.state.settings)
    if provider is None:
        return _refused(request, "Single sign-on is not set up here.", 404)
    try:
        url, kept = oidc.begin(provider)
    except oidc.OidcRefused as exc:
        return _refused(request, exc.message, exc.status_code)
    request.session[KEPT] = kept
    return RedirectResponse(url, status_code=303)


@router.get("/auth/oidc/callback")
def callback(
    request: Request,
    session: SessionDep,
    _actor: OptionalActor,
    state: str = "",
    code: str = "",
    error: str = "",
) -> Response:
    provider = oidc.provider_from(request.app.state.settings)
    if provider is None:
        return _refused(request, "Single sign-on is not set up here.", 404)
    address = cookies.client_address(request)

    def refuse(reason: str, message: str) -> Response:
        audit(session, f"oidc.refused.{reason}", address=address)
        session.commit()
        return _refused(request, message, 400)

    kept = request.session.pop(KEPT, None)  # one try per start: a replay finds nothing
    if error and not code:  # some providers leave the state out of an error: it lets no one in
        # Only an OAuth error code is named back (RFC 6749 uses these characters).
        said = f" (it answered {error})" if re.fullmatch(r"[a-z_]{1,40}", error) else ""
        return refuse(
            "provider",
            f"{provider.name} did not sign you in{said}: perhaps the sign-in was cancelled. "
            "Start again from the sign-in page.",
        )
    expected = kept.get("state", "") if isinstance(kept, dict) else ""
    if not expected or not state or not hmac.compare_digest(expected, state[:200]):
        return refuse(
            "state",
            "This sign-in did not start here, or it has been used already. "
            "Start again from the sign-in page.",
        )
    if not code or len(code) > 2000:
        return refuse("no_code", "The sign-in provider sent no code. Start again.")
    session.rollback()  # nothing held open while the provider answers
    try:
        claims = oidc.finish(provider, code, kept)
        admitted = oidc.admit(session, claims, provider)
    except oidc.OidcRefused as exc:
        session.rollback()  # nothing half-made stays
        audit(session, f"oidc.refused.{exc.reason}", email=exc.email, address=address)
        session.commit()
        return _refused(request, exc.message, exc.status_code)
    user = admitted.user
    assert user.id is not None
    if admitted.created:
        audit(session, "oidc.account_made", email=user.email, user_id=user.id, address=address)
    cookies.start_session(request, session, user.id, "oidc")
    audit(session, "oidc.signed_in", email=user.email, user_id=user.id, address=address)
    session.commit()
    if admitted.created:
        welcome = f"Welcome to Tabled: your account was made from your {provider.name} sign-in."
        return redirect("/", welcome, request)
    return RedirectResponse("/", status_code=303)
