"""Invitations, forgotten passwords and the one-time links that set a password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from .. import cookies
from ..accounts import links
from ..accounts.passwords import hash_password
from ..accounts.users import Actor
from ..deps import Csrf, CurrentActor, OptionalActor, SessionDep
from ..errors import DomainError, Forbidden, Throttled
from ..models import Role
from ..rendering.templates import render
from ..workflow.registry import workflows
from .forms import field_errors, redirect
from .sign_on import oidc_name, passwords_on

router = APIRouter(include_in_schema=False)
Line = Annotated[str, Form(max_length=1000)]
Secret = Annotated[str, Form(max_length=1000)]

# What each refusal tells the person holding the link, and how to get in anyway.
REFUSALS = {
    "unknown": "This link is not one of ours, or it was copied incompletely.",
    "used": "This link has been used already: each link works only once.",
    "expired": (
        "This link has expired: invitations last 7 days, reset links 1 hour and "
        "command-line sign-in links 15 minutes."
    ),
    "deactivated": "This account has been deactivated, so the link no longer works.",
}


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only admins can invite people")


def _invite_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    groups = sorted({g for w in workflows().values() for g in w.groups})
    return {"values": values, "errors": errors, "roles": Role.ALL, "known_groups": groups}


@router.get("/admin/invitations/new")
def invite_form(request: Request, actor: CurrentActor) -> Response:
    _require_admin(actor)
    values = {"role": Role.MEMBER, "groups": []}
    return render(request, "auth/invite.html", _invite_context(values, {}))


@router.post("/admin/invitations", dependencies=[Csrf])
def send_invitation(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    email: Line = "",
    name: Line = "",
    role: Line = Role.MEMBER,
    groups: Annotated[list[str] | None, Form()] = None,
    other_groups: Line = "",
) -> Response:
    _require_admin(actor)
    group_list = list(groups or []) + [g for g in other_groups.replace(",", " ").split() if g]
    values = {"email": email, "name": name, "role": role, "groups": group_list}
    values["other_groups"] = other_groups
    try:
        links.invite(
            session,
            email=email,
            name=name,
            role=role,
            groups=group_list,
            base_url=request.app.state.settings.base_url,
            actor_id=actor.id,
            sign_on_name="" if passwords_on(request) else oidc_name(request),
        )
    except DomainError as exc:
        session.rollback()
        context = _invite_context(values, field_errors(exc, "email"))
        return render(request, "auth/invite.html", context, status_code=422)
    session.commit()
    return redirect("/admin/users", f"Invited {name.strip()}: the email is on its way.", request)


def _passwords_off(request: Request, status_code: int) -> Response:
    """The page for anything that would set a password while passwords are off."""
    context = {"oidc_name": oidc_name(request)}
    return render(request, "auth/passwords_off.html", context, status_code=status_code)


@router.get("/login/forgotten")
def forgotten_form(request: Request, _actor: OptionalActor) -> Response:
    if not passwords_on(request):
        return _passwords_off(request, 200)
    return render(request, "auth/forgotten.html", {"errors": {}, "email": ""})


@router.post("/login/forgotten", dependencies=[Csrf])
def forgotten(
    request: Request, session: SessionDep, _actor: OptionalActor, email: Line = ""
) -> Response:
    if not passwords_on(request):
        return _passwords_off(request, 403)
    if not email.strip():
        errors = {"email": "Enter the email address you sign in with"}
        return render(
            request, "auth/forgotten.html", {"errors": errors, "email": ""}, status_code=422
        )
    try:
        links.request_reset(
            session,
            email=email,
            address=cookies.client_address(request),
            base_url=request.app.state.settings.base_url,
        )
    except Throttled as exc:
        session.commit()  # the refusal stays on record
        page = render(
            request,
            "auth/forgotten.html",
            {"errors": {"email": exc.message}, "email": email},
            status_code=429,
        )
        page.headers["Retry-After"] = "3600"
        return page
    session.commit()
    return render(request, "auth/reset_sent.html", {"email": email.strip()})


def _refused(request: Request, reason: str) -> Response:
    context = {"message": REFUSALS.get(reason, REFUSALS["unknown"])}
    return render(
        request, "auth/link_refused.html", context, status_code=410 if reason != "unknown" else 404
    )


def _link_refused(request: Request, session: SessionDep, reason: str) -> Response:
    links.audit(session, f"link.refused.{reason}", address=cookies.client_address(request))
    session.commit()
    return _refused(request, reason)


def _password_link_while_off(request: Request, session: SessionDep, user_id: int) -> Response:
    address = cookies.client_address(request)
    links.audit(session, "link.refused.passwords_off", user_id=user_id, address=address)
    session.commit()
    return _passwords_off(request, 403)


@router.get("/login/link/{token}")
def link_form(request: Request, session: SessionDep, _actor: OptionalActor, token: str) -> Response:
    try:
        link, user = links.check_link(session, token)
    except links.LinkRefused as refused:
        return _link_refused(request, session, refused.reason)
    context = {"token": token, "purpose": link.purpose, "name": user.name, "errors": {}}
    if link.purpose == links.SIGNIN:  # a button, so a mail scanner's GET uses nothing
        return render(request, "auth/sign_in_link.html", context)
    if not passwords_on(request):
        return _password_link_while_off(request, session, link.user_id)
    return render(request, "auth/set_password.html", context)


@router.post("/login/link/{token}", dependencies=[Csrf])
def use_link(
    request: Request,
    session: SessionDep,
    _actor: OptionalActor,
    token: str,
    password: Secret = "",
    confirm: Secret = "",
) -> Response:
    try:
        link, user = links.check_link(session, token)
    except links.LinkRefused as refused:
        return _link_refused(request, session, refused.reason)
    if link.purpose == links.SIGNIN:
        return _use_sign_in_link(request, session, token)
    if not passwords_on(request):
        return _password_link_while_off(request, session, link.user_id)
    try:
        links.check_password_pair(password, confirm)
    except DomainError as exc:
        context = {
            "token": token,
            "purpose": link.purpose,
            "name": user.name,
            "errors": field_errors(exc, "password"),
        }
        return render(request, "auth/set_password.html", context, status_code=422)
    # End the read transaction (on SQLite it could hold a lock) before Argon2 runs.
    session.rollback()
    password_hash = hash_password(password)
    try:
        user, purpose = links.use_link(
            session, token, password_hash, address=cookies.client_address(request)
        )
    except links.LinkRefused as refused:  # used in another tab meanwhile
        session.commit()
        return _refused(request, refused.reason)
    assert user.id is not None
    cookies.start_session(request, session, user.id, "password")
    session.commit()
    welcome = (
        "Your password is set: welcome to Tabled."
        if purpose == links.INVITE
        else ("Your password has been changed and you are signed in.")
    )
    return redirect("/", welcome, request)


def _use_sign_in_link(request: Request, session: SessionDep, token: str) -> Response:
    try:
        user = links.use_sign_in_link(session, token, address=cookies.client_address(request))
    except links.LinkRefused as refused:  # used in another tab meanwhile
        session.commit()
        return _refused(request, refused.reason)
    assert user.id is not None
    cookies.start_session(request, session, user.id, "link")
    session.commit()
    return redirect("/", "You are signed in with a one-time link.", request)
