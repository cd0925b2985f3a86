"""A response's history: the list of revisions, a diff between any two, restore."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ..deps import Csrf, CurrentActor, SessionDep
from ..drafting import access, editing, revisions
from ..drafting.responses import visible_response
from ..errors import Invalid
from ..rendering.templates import render
from .forms import redirect
from .params import Id, QueryId

router = APIRouter(include_in_schema=False)


@router.get("/responses/{response_id}/revisions")
def history(
    request: Request, session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    response = visible_response(session, actor, response_id)
    return render(
        request,
        "responses/revisions.html",
        {
            "response": response,
            "rows": revisions.history(session, response_id),
            "can_edit": access.can_edit(actor, response),
        },
    )


@router.get("/responses/{response_id}/compare")
def compare(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    old: Annotated[int, QueryId(alias="from")],
    new: Annotated[int, QueryId(alias="to")],
    response_id: int = Id(),
) -> Response:
    response = visible_response(session, actor, response_id)
    if old > new:
        old, new = new, old
    diff = revisions.compare(
        revisions.get_revision(session, response_id, old),
        revisions.get_revision(session, response_id, new),
    )
    return render(request, "responses/compare.html", {"response": response, "diff": diff})


@router.get("/responses/{response_id}/revisions/{number}")
def show_revision(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    response_id: int = Id(),
    number: int = Id(),
) -> Response:
    response = visible_response(session, actor, response_id)
    revision = revisions.get_revision(session, response_id, number)
    return render(
        request,
        "responses/revision.html",
        {
            "response": response,
            "revision": revision,
            "can_edit": access.can_edit(actor, response),
        },
    )


@router.post("/responses/{response_id}/revisions/{number}/restore", dependencies=[Csrf])
def restore(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Annotated[int, Form(ge=0, le=2**31 - 1)],
    response_id: int = Id(),
    number: int = Id(),
) -> Response:
    visible_response(session, actor, response_id)
    if number == base_revision:
        raise Invalid("that revision is already the current text")
    made = editing.restore_revision(session, actor, response_id, number, base_revision)
    session.commit()
    return redirect(
        f"/responses/{response_id}",
        f"Restored revision {number} as revision {made.number}.",
        request,
    )
