"""Word in and out on the JSON API: import a draft, take a reviewed copy back (CONTRACT.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..accounts.users import Actor
from ..comments import access as comment_access
from ..comments.wordapply import take_in
from ..comments.wordedits import read_reviewed_copy
from ..deps import ApiActor, ApiCreatorActor, SessionDep
from ..drafting.draftfile import DraftFileError
from ..drafting.responses import visible_response
from ..drafting.transfer import import_draft
from ..drafting.wordimport import WordDraft, read_upload
from ..errors import DomainError, Invalid
from ..schemas import ERRORS, Problem
from .params import Id
from .uploads import Upload, upload_bytes

# A body that is not multipart at all is refused by the framework before any route
# runs, with 400 and the reason.
UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"model": Problem, "description": "the multipart body could not be read"},
}
router = APIRouter(prefix="/api/v1", tags=["word"], responses=UPLOAD_ERRORS)


def create_from(session: SessionDep, actor: Actor, word: WordDraft) -> dict[str, Any]:
    """Create the response (one transaction; the conversion happened before it)."""
    try:
        response = import_draft(session, actor, word.draft)
    except DraftFileError as exc:
        session.rollback()
        raise Invalid(exc.problem, field="file") from None
    except DomainError:
        session.rollback()
        raise
    session.commit()
    return {
        "id": response.id,
        "title": response.title,
        "positions": [p.heading for p in word.draft.positions],
        "heading_level": word.level,
        "warnings": word.warnings,
        "url": f"/responses/{response.id}",
    }


@router.post("/responses/import", status_code=201)
def import_response(
    session: SessionDep,
    actor: ApiCreatorActor,
    file: Upload = None,
    track_changes: Annotated[str, Form()] = "accept",
    level: Annotated[int | None, Form(ge=1, le=6)] = None,
    responding_to: Annotated[str, Form(max_length=300)] = "",
) -> dict[str, Any]:
    """Make a response from a Word file (or a draft file): its title, then one position
    per heading at `level` (default: the highest level used more than once). Tracked
    changes are accepted or rejected (`track_changes`). 422 with the reason for a
    broken, encrypted, macro-enabled, oversized or zip-bomb file."""
    word = read_upload(
        (file.filename if file else "") or "",
        upload_bytes(file),
        track=track_changes,
        level=level,
        responding_to=responding_to,
    )
    return create_from(session, actor, word)


class Added(BaseModel):
    item: str
    comment_id: int


class Skipped(BaseModel):
    item: str
    reason: str


class TakenIn(BaseModel):
    """What a reviewed copy added, and what it did not, with why."""

    added: list[Added]
    skipped: list[Skipped]


@router.post(
    "/responses/{response_id}/review-import",
    status_code=201,
    response_model=TakenIn,
    responses={200: {"model": TakenIn, "description": "nothing new was in the file"}},
)
def review_import(
    session: SessionDep, actor: ApiActor, file: Upload = None, response_id: int = Id()
) -> JSONResponse:
    """Take a reviewed review copy back: Word comments become comments on the passages
    they span, replies become replies, tracked changes become suggested edits, and a
    position edited without tracking changes (compared with the revision the copy was
    made from) becomes a suggested new wording for the whole position. 201 when
    something was added, 200 when nothing was (say, the same file again); both list
    what was added and what was skipped, and why."""
    response = visible_response(session, actor, response_id)
    comment_access.require_write(actor, response)
    marks, skipped = read_reviewed_copy(session, response_id, upload_bytes(file))
    outcome = take_in(session, actor, response_id, marks)
    outcome.skipped.extend(skipped)
    session.commit()
    body = {"added": outcome.added, "skipped": outcome.skipped}
    return JSONResponse(body, status_code=201 if outcome.added else 200)
