"""Word pages: import a draft by upload (with a preview of the split), download a review
copy, and take a reviewed copy back from the response page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ..comments import access as comment_access
from ..comments.wordapply import take_in
from ..comments.wordedits import read_reviewed_copy
from ..deps import CreatorActor, Csrf, CurrentActor, SessionDep
from ..drafting.draftfile import DraftFileError, parse_draft, render_draft
from ..drafting.responses import visible_response
from ..drafting.transfer import import_draft
from ..drafting.wordexport import review_docx
from ..drafting.wordimport import read_upload
from ..errors import DomainError
from ..rendering.templates import render
from .forms import redirect
from .params import Id
from .uploads import Upload, upload_bytes

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return render(
        request, "word/import.html", {"values": values, "errors": errors}, status_code=status
    )


@router.get("/responses/import")
def import_form(request: Request, actor: CreatorActor) -> Response:
    return _form(request, {"track_changes": "accept", "level": ""}, {})


@router.post("/responses/import", dependencies=[Csrf])
def import_preview(
    request: Request,
    actor: CreatorActor,
    file: Upload = None,
    track_changes: Text = "accept",
    level: Text = "",
    responding_to: Text = "",
) -> Response:
    """Read the file and show how it splits; nothing is created yet."""
    values = {"track_changes": track_changes, "level": level, "responding_to": responding_to}
    try:
        chosen = int(level) if level.strip() else None
        if chosen is not None and not 1 <= chosen <= 6:
            raise ValueError
    except ValueError:
        return _form(request, values, {"level": "choose a heading level from 1 to 6"}, 422)
    try:
        word = read_upload(
            (file.filename if file else "") or "",
            upload_bytes(file),
            track=track_changes,
            level=chosen,
            responding_to=responding_to,
        )
    except DomainError as exc:
        return _form(request, values, {exc.field or "file": exc.message}, 422)
    context = {"word": word, "draft_text": render_draft(word.draft), "errors": {}}
    return render(request, "word/preview.html", context)


@router.post("/responses/import/create", dependencies=[Csrf])
def import_create(
    request: Request, session: SessionDep, actor: CreatorActor, draft: Text = ""
) -> Response:
    """Create the response from the previewed split (the draft file the preview made)."""
    try:
        response = import_draft(session, actor, parse_draft(draft))
    except (DraftFileError, DomainError) as exc:
        session.rollback()
        message = exc.problem if isinstance(exc, DraftFileError) else exc.message
        return _form(request, {"track_changes": "accept", "level": ""}, {"file": message}, 422)
    session.commit()
    return redirect(f"/responses/{response.id}", "Response created from the Word file.", request)


@router.get("/responses/{response_id}/review.docx")
def review_copy(session: SessionDep, actor: CurrentActor, response_id: int = Id()) -> Response:
    """The current revision as Word, for anyone who may comment on the response."""
    response = visible_response(session, actor, response_id)
    comment_access.require_write(actor, response)
    data = review_docx(session, response)
    name = f"response-{response_id}-revision-{response.revision}-review.docx"
    return Response(
        data,
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/responses/{response_id}/review-import", dependencies=[Csrf])
def review_import(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    file: Upload = None,
    response_id: int = Id(),
) -> Response:
    """Take a reviewed copy back and show what was added and what was skipped."""
    response = visible_response(session, actor, response_id)
    comment_access.require_write(actor, response)
    try:
        marks, skipped = read_reviewed_copy(session, response_id, upload_bytes(file))
    except DomainError as exc:
        failed: dict[str, Any] = {"response": response, "outcome": None, "error": exc.message}
        return render(request, "word/review_result.html", failed, status_code=422)
    outcome = take_in(session, actor, response_id, marks)
    outcome.skipped.extend(skipped)
    session.commit()
    context: dict[str, Any] = {"response": response, "outcome": outcome, "error": ""}
    return render(request, "word/review_result.html", context)
