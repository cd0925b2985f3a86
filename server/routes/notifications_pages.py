"""The notification list, and the email outbox that admins read when no SMTP is set."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..deps import Csrf, CurrentActor, SessionDep
from ..errors import Forbidden
from ..notifications import service
from ..rendering.templates import render
from .forms import pop_flash, redirect

router = APIRouter(include_in_schema=False)


@router.get("/notifications")
def notifications(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return render(
        request,
        "account/notifications.html",
        {
            "items": service.recent(session, actor.id),
            "flash": pop_flash(request),
        },
    )


@router.post("/notifications/read", dependencies=[Csrf])
def mark_read(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    service.mark_all_read(session, actor.id)
    session.commit()
    return redirect("/notifications", "All notifications marked as read.", request)


@router.get("/admin/outbox")
def outbox(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    if not actor.is_admin:
        raise Forbidden("only admins can read the email outbox")
    settings = request.app.state.settings
    return render(
        request,
        "admin/outbox.html",
        {
            "messages": service.outbox(session),
            "smtp": bool(settings.smtp_host),
        },
    )
