"""Admin pages: add users, set their role and groups, deactivate them; groups and
their members."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response
from sqlmodel import Session

from ..accounts import groups, links, oidc, users
from ..accounts.users import Actor
from ..deps import Csrf, CurrentActor, SessionDep
from ..errors import Conflict, DomainError, Forbidden
from ..models import Role
from ..rendering.templates import render
from ..workflow.registry import reviews_by_group, workflows
from .forms import field_errors, pop_flash, redirect
from .params import Id, optional_form_id

router = APIRouter(prefix="/admin", include_in_schema=False)
Line = Annotated[str, Form(max_length=1000)]


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only admins can manage users")


def _known_groups() -> list[str]:
    return sorted({g for w in workflows().values() for g in w.groups})


def _groups_from(checked: list[str] | None, other: str) -> list[str]:
    return list(checked or []) + [g for g in other.replace(",", " ").split() if g]


def _form_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {"values": values, "errors": errors, "roles": Role.ALL, "known_groups": _known_groups()}


@router.get("/users")
def list_users(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    _require_admin(actor)
    return render(
        request,
        "admin/users.html",
        {
            "users": users.list_users(session),
            "groups": users.groups_by_user(session),
            "signins": links.sign_in_summaries(
                session,
                sso=oidc.provider_from(request.app.state.settings) is not None,
                passwords=request.app.state.settings.passwords_on(),
            ),
            "flash": pop_flash(request),
        },
    )


@router.get("/users/new")
def new_user_form(request: Request, actor: CurrentActor) -> Response:
    _require_admin(actor)
    return render(
        request,
        "admin/user_form.html",
        _form_context({"role": Role.MEMBER, "groups": [], "active": True}, {}),
    )


@router.post("/users", dependencies=[Csrf])
def create_user(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    email: Line = "",
    name: Line = "",
    role: Line = Role.MEMBER,
    password: Line = "",
    groups: Annotated[list[str] | None, Form()] = None,
    other_groups: Line = "",
) -> Response:
    _require_admin(actor)
    group_list = _groups_from(groups, other_groups)
    values = {
        "email": email,
        "name": name,
        "role": role,
        "groups": group_list,
        "other_groups": other_groups,
        "active": True,
    }
    # End the request's transaction (on SQLite it holds the write lock) before Argon2
    # runs in create_user, ahead of its first statement.
    session.rollback()
    try:
        users.create_user(
            session, email=email, name=name, role=role, groups=group_list, password=password
        )
    except DomainError as exc:
        session.rollback()
        return render(
            request,
            "admin/user_form.html",
            _form_context(values, field_errors(exc, "email")),
            status_code=422,
        )
    session.commit()
    return redirect("/admin/users", f"Added {name}.", request)


@router.get("/users/{user_id}")
def edit_user_form(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    user_id: int = Id(),
) -> Response:
    _require_admin(actor)
    user = users.get_user(session, user_id)
    values = {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "groups": sorted(users.groups_of(session, user_id)),
        "active": user.active,
    }
    return render(request, "admin/user_form.html", _form_context(values, {}))


@router.post("/users/{user_id}", dependencies=[Csrf])
def update_user(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    name: Line = "",
    role: Line = Role.MEMBER,
    active: Line = "",
    groups: Annotated[list[str] | None, Form()] = None,
    other_groups: Line = "",
    user_id: int = Id(),
) -> Response:
    _require_admin(actor)
    user = users.get_user(session, user_id)
    group_list = _groups_from(groups, other_groups)
    values = {
        "id": user_id,
        "email": user.email,
        "name": name,
        "role": role,
        "groups": group_list,
        "other_groups": other_groups,
        "active": active == "yes",
    }
    try:
        users.update_user(
            session,
            user_id,
            name=name,
            role=role,
            groups=group_list,
            active=active == "yes",
            acting_admin_id=actor.id,
        )
    except DomainError as exc:
        session.rollback()
        return render(
            request,
            "admin/user_form.html",
            _form_context(values, field_errors(exc, "name")),
            status_code=422,
        )
    session.commit()
    return redirect("/admin/users", f"Saved {name}.", request)


# Groups: who reviews for each workflow stage. A group is a name with its members.

GroupSlug = Path(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$", max_length=60)


def _groups_page(
    request: Request,
    session: Session,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin/groups.html",
        {
            "groups": groups.list_groups(session, reviews_by_group()),
            "people": [u for u in users.list_users(session) if u.active],
            "errors": errors or {},
            "values": values or {},
            "flash": pop_flash(request),
        },
        status_code=status_code,
    )


def _group_page(
    request: Request,
    session: Session,
    slug: str,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin/group.html",
        {
            "group": groups.get_group(session, slug, reviews_by_group()),
            "members": groups.members_of(session, slug),
            "people": groups.non_members(session, slug),
            "errors": errors or {},
            "flash": pop_flash(request),
        },
        status_code=status_code,
    )


@router.get("/groups")
def list_groups(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    _require_admin(actor)
    return _groups_page(request, session)


@router.post("/groups", dependencies=[Csrf])
def start_group(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    name: Line = "",
    user_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """A new group begins with its first member (a group is its members)."""
    _require_admin(actor)
    try:
        slug = groups.check_name(name)
        if any(g.slug == slug for g in groups.list_groups(session, reviews_by_group())):
            raise Conflict(f"There is already a group called {slug}", field="name")
        user = groups.add_member(session, slug, optional_form_id(user_id, "user_id"))
    except DomainError as exc:
        session.rollback()
        values = {"name": name, "user_id": user_id}
        return _groups_page(
            request, session, field_errors(exc, "name"), values, status_code=exc.status_code
        )
    session.commit()
    return redirect(f"/admin/groups/{slug}", f"Started the group {slug} with {user.name}.", request)


@router.get("/groups/{group}")
def show_group(
    request: Request, session: SessionDep, actor: CurrentActor, group: str = GroupSlug
) -> Response:
    _require_admin(actor)
    return _group_page(request, session, group)


@router.post("/groups/{group}/members", dependencies=[Csrf])
def add_group_member(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    user_id: Annotated[str, Form(max_length=12)] = "",
    group: str = GroupSlug,
) -> Response:
    _require_admin(actor)
    groups.get_group(session, group, reviews_by_group())  # 404 for a group that does not exist
    try:
        user = groups.add_member(session, group, optional_form_id(user_id, "user_id"))
    except DomainError as exc:
        session.rollback()
        errors = field_errors(exc, "user_id")
        return _group_page(request, session, group, errors, status_code=exc.status_code)
    session.commit()
    return redirect(f"/admin/groups/{group}", f"Added {user.name} to {group}.", request)


@router.post("/groups/{group}/members/{user_id}/remove", dependencies=[Csrf])
def remove_group_member(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    group: str = GroupSlug,
    user_id: int = Id(),
) -> Response:
    _require_admin(actor)
    user = groups.remove_member(session, group, user_id)
    session.commit()
    message = f"Removed {user.name} from {group}."
    if any(g.slug == group for g in groups.list_groups(session, reviews_by_group())):
        return redirect(f"/admin/groups/{group}", message, request)
    # Its last member gone and no workflow naming it, the group is no more.
    return redirect("/admin/groups", message, request)
