"""The draft briefing as it would be printed: GET /responses/{id}/preview.pdf."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..deps import CurrentActor, SessionDep
from ..drafting.responses import visible_response
from ..publishing.identity import Body
from ..publishing.preview import draft_snapshot, preview_pdf
from ..publishing.service import draft_filename
from .params import Id

router = APIRouter(include_in_schema=False)


@router.get("/responses/{response_id}/preview.pdf")
def preview(
    request: Request, session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    """For whoever may read the draft (others get 404); a text that cannot be
    rendered answers 422 with the reason, as publishing it would."""
    response = visible_response(session, actor, response_id)
    snapshot, version = draft_snapshot(session, response, Body.of(request.app.state.settings))
    name = draft_filename(response, version)
    session.rollback()  # no transaction stays open while the compiler runs
    pdf = preview_pdf(snapshot, version, request.app.state.preview_cache)
    return Response(
        pdf,
        media_type="application/pdf",
        # A draft changes: never kept by a shared cache, always asked for again.
        headers={
            "Cache-Control": "private, no-cache",
            "Content-Disposition": f'inline; filename="{name}"',
        },
    )
