"""The response page's model: everything its template shows, for one reader."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session

from ..accounts.users import Actor
from ..comments import access as comment_access
from ..drafting import access
from ..drafting.closing import closing_note, today
from ..drafting.responses import owner_of
from ..drafting.submission import submission
from ..models import Response as ResponseRow
from ..publishing.service import latest_publication
from ..themes.service import list_themes
from ..workflow import service as workflow_service
from ..workflow.registry import workflow_for
from . import comments as rendered
from .document import document_for


def document_context(
    request: Request,
    session: Session,
    actor: Actor,
    response: ResponseRow,
    csrf_token: str | None = None,
) -> dict[str, Any]:
    """What responses/page.html shows, for this reader (the pages and workflow routes
    share it; csrf_token is the request's unless the page is being kept)."""
    assert response.id is not None
    workflow = workflow_for(response)
    if csrf_token is None:
        csrf_token = getattr(request.state, "csrf_token", "")
    document = document_for(
        request.app.state, session, actor, response, list_themes(session), csrf_token
    )
    return {
        "response": response,
        "owner": owner_of(session, response),
        "stage_label": workflow.label(response.stage),
        "workflow": workflow,
        "can_edit": access.can_edit(actor, response),
        "can_comment": comment_access.can_write(actor, response),
        "review": workflow_service.panel(session, actor, response),
        "briefing": latest_publication(session, response.id),
        "document": document,
        "board": document.board,
        "comment_stamp": rendered.stamp(response),
        "questions": submission(session, response.id),
        "closing": closing_note(response.rt_closes, today()) if response.rt_closes else "",
    }
