"""The themes page: everyone sees the list; admins add, rename and retire themes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from ..deps import Csrf, CurrentActor, SessionDep
from ..errors import DomainError, Forbidden
from ..rendering.templates import render
from ..themes import service
from .forms import field_errors, pop_flash, redirect

router = APIRouter(prefix="/themes", include_in_schema=False)
Slug = Path(pattern=r"^[a-z0-9-]{1,60}$")
Line = Annotated[str, Form(max_length=1000)]


def _page(
    request: Request,
    session: SessionDep,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "themes/page.html",
        {
            "themes": service.list_themes(session),
            "errors": errors or {},
            "values": values or {},
            "flash": pop_flash(request),
        },
        status_code=status_code,
    )


@router.get("")
def themes(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return _page(request, session)


def _require_admin(is_admin: bool) -> None:
    if not is_admin:
        raise Forbidden("only admins can change themes")


@router.post("", dependencies=[Csrf])
def add_theme(
    request: Request, session: SessionDep, actor: CurrentActor, name: Line = "", slug: Line = ""
) -> Response:
    _require_admin(actor.is_admin)
    try:
        theme = service.create_theme(session, name, slug or None)
    except DomainError as exc:
        session.rollback()
        return _page(
            request,
            session,
            field_errors(exc, "name"),
            {"name": name, "slug": slug},
            status_code=422,
        )
    session.commit()
    return redirect("/themes", f"Added the theme “{theme.name}”.", request)


@router.post("/{slug}", dependencies=[Csrf])
def change_theme(
    request: Request, session: SessionDep, actor: CurrentActor, name: Line = "", slug: str = Slug
) -> Response:
    _require_admin(actor.is_admin)
    try:
        theme = service.rename_theme(session, slug, name)
    except DomainError as exc:
        session.rollback()
        if exc.status_code == 404:
            raise
        return _page(request, session, {f"name-{slug}": exc.message}, status_code=422)
    session.commit()
    return redirect("/themes", f"Renamed the theme to “{theme.name}”.", request)


@router.get("/{slug}/retire")
def confirm_retire(
    request: Request, session: SessionDep, actor: CurrentActor, slug: str = Slug
) -> Response:
    """Retiring asks first, on a page of its own (no script needed): what it changes."""
    _require_admin(actor.is_admin)
    theme = service.get_theme(session, slug)
    if theme.retired:
        return redirect("/themes", f"“{theme.name}” is already retired.", request)
    return render(
        request,
        "themes/retire.html",
        {"theme": theme, "uses": service.positions_using(session, theme)},
    )


@router.post("/{slug}/retire", dependencies=[Csrf])
def retire_theme(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    retired: Line = "yes",
    slug: str = Slug,
) -> Response:
    _require_admin(actor.is_admin)
    theme = service.set_retired(session, slug, retired == "yes")
    session.commit()
    state = "retired: it stays on old positions" if theme.retired else "back in use"
    return redirect("/themes", f"“{theme.name}” is {state}.", request)
