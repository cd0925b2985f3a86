"""The comments part of the JSON API (CONTRACT.md): list, post, answer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..accounts.users import Actor
from ..comments import access, service, suggestions, threads
from ..deps import ApiActor, SessionDep
from ..drafting.responses import positions_of, visible_response
from ..models import Response as ResponseRow
from ..schemas import ERRORS, AnchorOut, CommentIn, CommentOut, CommentPatch, SuggestionAnswer
from .params import Id

router = APIRouter(prefix="/api/v1", tags=["comments"], responses=ERRORS)


def _out(item: threads.Item, actor: Actor) -> CommentOut:
    c = item.comment
    found = item.found
    return CommentOut(
        id=c.id or 0,
        author=item.author,
        body=threads.shown_body(item, actor),
        position_id=c.position_id,
        parent_id=c.parent_id,
        quote=c.quote,
        revision=c.revision,
        stage=c.stage,
        status=c.status,
        disposition=c.disposition or None,
        disposition_note=c.disposition_note,
        answered_revision=c.answered_revision,
        created_at=c.created_at,
        edited_at=c.edited_at,
        deleted=c.deleted,
        hidden=c.hidden,
        anchor=AnchorOut(state=found.state, position_id=found.position_id, passage=found.passage)
        if found
        else None,
        suggestion="" if c.deleted or (c.hidden and not actor.is_admin) else c.suggestion,
        applied_revision=c.applied_revision,
        question=c.question_ref or None,
    )


def _items(session: SessionDep, actor: Actor, response: ResponseRow) -> list[threads.Item]:
    access.require_read(actor, response)
    board = threads.build(session, actor, response, positions_of(session, response.id or 0))
    assert board is not None
    return threads.flat(board)


def _one(session: SessionDep, actor: Actor, comment_id: int) -> CommentOut:
    comment, response = service.visible_comment(session, actor, comment_id)
    return _out(threads.single(session, comment, positions_of(session, response.id or 0)), actor)


@router.get("/responses/{response_id}/comments", response_model=list[CommentOut])
def list_comments(
    session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> list[CommentOut]:
    """Every comment, oldest first, with where its quote sits in the current text."""
    response = visible_response(session, actor, response_id)
    return [_out(item, actor) for item in _items(session, actor, response)]


@router.post("/responses/{response_id}/comments", status_code=201, response_model=CommentOut)
def post_comment(
    request: Request,
    body: CommentIn,
    session: SessionDep,
    actor: ApiActor,
    response_id: int = Id(),
) -> CommentOut:
    """Comment on the response, a position (position_id) or a passage of it (quote),
    a consultation question (question: its ref), or reply to a thread (parent_id).
    422 when the quote is not in the position or the question is not the response's."""
    visible_response(session, actor, response_id)
    comment = service.create_comment(
        session,
        actor,
        response_id,
        body=body.body,
        position_id=body.position_id,
        parent_id=body.parent_id,
        quote=body.quote,
        prefix=body.prefix,
        suffix=body.suffix,
        suggestion=body.suggestion,
        base_url=request.app.state.settings.base_url,
        question_ref=body.question or "",
    )
    session.commit()
    return _one(session, actor, comment.id or 0)


@router.patch("/comments/{comment_id}", response_model=CommentOut)
def patch_comment(
    request: Request,
    body: CommentPatch,
    session: SessionDep,
    actor: ApiActor,
    comment_id: int = Id(),
) -> CommentOut:
    """The owner answers (disposition, note, status); the author edits the body."""
    if body.body is not None:
        service.edit_comment(session, actor, comment_id, body.body)
    if body.body is None or body.model_fields_set - {"body"}:
        answer = service.Answer(body.status, body.disposition, body.disposition_note)
        service.answer_comment(
            session, actor, comment_id, answer, base_url=request.app.state.settings.base_url
        )
    session.commit()
    return _one(session, actor, comment_id)


@router.delete("/comments/{comment_id}", status_code=204)
def delete_comment(session: SessionDep, actor: ApiActor, comment_id: int = Id()) -> Response:
    """The author withdraws a comment while its thread is open; replies stay."""
    service.delete_comment(session, actor, comment_id)
    session.commit()
    return Response(status_code=204)


@router.post("/comments/{comment_id}/accept", response_model=CommentOut)
def accept_suggestion(
    request: Request,
    body: SuggestionAnswer,
    session: SessionDep,
    actor: ApiActor,
    comment_id: int = Id(),
) -> CommentOut:
    """Apply a suggested edit as a new revision (response in draft, passage unchanged)
    and close its thread as accepted; applied_revision names the revision."""
    suggestions.accept(
        session, actor, comment_id, body.note, base_url=request.app.state.settings.base_url
    )
    session.commit()
    return _one(session, actor, comment_id)


@router.post("/comments/{comment_id}/decline", response_model=CommentOut)
def decline_suggestion(
    request: Request,
    body: SuggestionAnswer,
    session: SessionDep,
    actor: ApiActor,
    comment_id: int = Id(),
) -> CommentOut:
    """Close a suggested edit as not accepted; `note` is the reason and is required."""
    suggestions.decline(
        session, actor, comment_id, body.note, base_url=request.app.state.settings.base_url
    )
    session.commit()
    return _one(session, actor, comment_id)
