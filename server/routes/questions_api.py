"""The JSON API for a response's consultation questions (CONTRACT: Consultation questions)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlmodel import Session

from ..deps import ApiActor, SessionDep
from ..drafting import question_links, question_store
from ..drafting.questions import (
    BLOCK_MAX,
    QUESTION_TEXT_MAX,
    QUESTIONS_MAX,
    REF_MAX,
    WORD_LIMIT_MAX,
)
from ..drafting.responses import get_response, visible_response
from ..schemas import InvalidInput, Problem, QuestionOut, Strict
from .params import Id

ERRORS: dict[int | str, dict[str, Any]] = {
    **{code: {"model": Problem} for code in (401, 403, 404, 409)},
    422: {"model": InvalidInput},
}
router = APIRouter(prefix="/api/v1", tags=["questions"], responses=ERRORS)


class QuestionsIn(Strict):
    text: str = Field(max_length=BLOCK_MAX, description="the questions pasted as one block")
    base_revision: int = Field(ge=1, le=2**31 - 1)


class QuestionEdit(Strict):
    text: str | None = Field(default=None, max_length=QUESTION_TEXT_MAX)
    not_answering: str | None = Field(
        default=None,
        max_length=question_store.REASON_MAX,
        description="why the response leaves it unanswered; '' to answer it after all",
    )
    word_limit: int | None = Field(default=None, ge=1, le=WORD_LIMIT_MAX)
    base_revision: int = Field(ge=1, le=2**31 - 1)


class QuestionOrder(Strict):
    order: list[str] = Field(
        min_length=1,
        max_length=QUESTIONS_MAX,
        description="every question's ref, each once, in the new order",
    )
    base_revision: int = Field(ge=1, le=2**31 - 1)


class QuestionSaved(QuestionOut):
    revision: int


def _ref() -> Any:
    return PathParam(min_length=1, max_length=REF_MAX, pattern=r"^[A-Za-z0-9]+$")


def _all(session: Session, response_id: int) -> list[QuestionOut]:
    return [
        QuestionOut(ref=q.ref, text=q.text, not_answering=q.not_answering, word_limit=q.word_limit)
        for q in question_links.questions_of(session, response_id)
    ]


@router.get("/responses/{response_id}/questions", response_model=list[QuestionOut])
def list_questions(
    session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> list[QuestionOut]:
    """The response's questions in order."""
    visible_response(session, actor, response_id)
    return _all(session, response_id)


@router.post(
    "/responses/{response_id}/questions", status_code=201, response_model=list[QuestionOut]
)
def add_questions(
    body: QuestionsIn, session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> JSONResponse:
    """Add the questions of a pasted block ("Question 1: ...", "Q3a. ...", "1. ...", "(a)").

    201 with the full question list (the new revision in the X-Revision header);
    422 with the reason when the block is empty, unparseable or repeats a number."""
    visible_response(session, actor, response_id)
    question_store.add_block(session, actor, response_id, body.text, body.base_revision)
    session.commit()
    listed = [q.model_dump() for q in _all(session, response_id)]
    revision = get_response(session, response_id).revision
    return JSONResponse(listed, status_code=201, headers={"X-Revision": str(revision)})


@router.put("/responses/{response_id}/questions/{ref}", response_model=QuestionSaved)
def edit_question(
    body: QuestionEdit,
    session: SessionDep,
    actor: ApiActor,
    response_id: int = Id(),
    ref: str = _ref(),
) -> QuestionSaved:
    """Change a question's text or word limit, or mark it not answered with a reason."""
    visible_response(session, actor, response_id)
    changes: dict[str, Any] = {}
    if "word_limit" in body.model_fields_set:
        changes["word_limit"] = body.word_limit
    question = question_store.update_question(
        session,
        actor,
        response_id,
        ref,
        base_revision=body.base_revision,
        text=body.text,
        not_answering=body.not_answering,
        **changes,
    )
    session.commit()
    return QuestionSaved(
        ref=question.ref,
        text=question.text,
        not_answering=question.not_answering,
        word_limit=question.word_limit,
        revision=get_response(session, response_id).revision,
    )


@router.delete("/responses/{response_id}/questions/{ref}", status_code=204)
def delete_question(
    session: SessionDep,
    actor: ApiActor,
    base_revision: int = Query(ge=1, le=2**31 - 1),
    response_id: int = Id(),
    ref: str = _ref(),
) -> Response:
    """Remove a question; positions that answered it stay. base_revision is a query parameter."""
    visible_response(session, actor, response_id)
    question_store.delete_question(session, actor, response_id, ref, base_revision)
    session.commit()
    return Response(status_code=204)


@router.put("/responses/{response_id}/question-order", response_model=list[QuestionOut])
def reorder_questions(
    body: QuestionOrder, session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> JSONResponse:
    """Put the questions in a new order: `order` names every ref once. 200 with the
    list in its new order (the new revision in X-Revision); 409 when base_revision is
    stale; 422 naming an unknown, missing or repeated ref."""
    visible_response(session, actor, response_id)
    question_store.reorder_questions(session, actor, response_id, body.order, body.base_revision)
    session.commit()
    listed = [q.model_dump() for q in _all(session, response_id)]
    revision = get_response(session, response_id).revision
    return JSONResponse(listed, headers={"X-Revision": str(revision)})
