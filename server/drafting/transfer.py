"""Importing a draft file as a new response, and exporting a response as one."""

from __future__ import annotations

from sqlmodel import Session

from ..accounts.users import Actor
from ..errors import DomainError
from ..models import Response
from ..themes import service as themes
from ..workflow.registry import get_workflow, workflows
from . import editing, question_store
from .closing import check_closes
from .draftfile import (
    Draft,
    DraftFileError,
    DraftPosition,
    DraftQuestion,
    parse_draft,
    render_draft,
)
from .question_links import questions_of
from .questions import ParsedQuestion
from .responses import ResponseInput, get_response, positions_of


def check_draft(session: Session, draft: Draft) -> None:
    """Refuse a draft that names an unknown workflow or theme, pointing at its line."""
    if get_workflow(draft.workflow) is None:
        raise DraftFileError(
            2, f"unknown workflow {draft.workflow!r}: use one of {', '.join(sorted(workflows()))}"
        )
    try:
        check_closes(draft.rt_closes, draft.rt_date)
    except DomainError as exc:
        raise DraftFileError(2, f"responding_to closes: {exc.message}") from None
    for position in draft.positions:
        try:
            themes.resolve(session, position.themes)
        except DomainError as exc:
            raise DraftFileError(position.themes_line, exc.message) from None


def import_text(session: Session, owner: Actor, text: str) -> Response:
    """Create a response from draft-file text; all or nothing (the caller commits)."""
    return import_draft(session, owner, parse_draft(text))


def import_draft(session: Session, owner: Actor, draft: Draft) -> Response:
    """Create a response from a parsed draft (a draft file or a Word file)."""
    check_draft(session, draft)
    data = ResponseInput(
        title=draft.title,
        rt_title=draft.rt_title,
        rt_publisher=draft.rt_publisher,
        rt_date=draft.rt_date,
        rt_url=draft.rt_url,
        summary=draft.summary,
        workflow=draft.workflow,
        rt_closes=draft.rt_closes,
    )
    response = editing.create_response(session, owner, data)
    assert response.id is not None
    if draft.questions:
        try:
            question_store.add_questions(
                session,
                owner,
                response.id,
                [ParsedQuestion(q.ref, q.text, 2, q.word_limit) for q in draft.questions],
                response.revision,
                {q.ref: q.not_answering for q in draft.questions if q.not_answering},
            )
        except DomainError as exc:
            raise DraftFileError(2, exc.message) from None
    for position in draft.positions:
        try:
            editing.add_position(
                session,
                owner,
                response.id,
                heading=position.heading,
                body=position.body,
                themes_refs=position.themes,
                base_revision=response.revision,
                question_refs=position.answers,
                key=position.key,
            )
        except DomainError as exc:
            raise DraftFileError(position.line, exc.message) from None
    return response


def export_text(session: Session, response_id: int) -> str:
    response = get_response(session, response_id)
    assert response.id is not None
    questions = questions_of(session, response.id)
    answers: dict[int, list[str]] = {}
    for q in questions:
        for pid in q.positions:
            answers.setdefault(pid, []).append(q.ref)
    draft = Draft(
        title=response.title,
        rt_title=response.rt_title,
        rt_publisher=response.rt_publisher,
        rt_date=response.rt_date,
        rt_url=response.rt_url,
        rt_closes=response.rt_closes,
        summary=response.summary,
        workflow=response.workflow,
        positions=[
            DraftPosition(p.heading, p.body, p.theme_slugs, 0, 0, answers.get(p.id, []), key=p.key)
            for p in positions_of(session, response.id)
        ],
        questions=[DraftQuestion(q.ref, q.text, q.not_answering, q.word_limit) for q in questions],
    )
    return render_draft(draft)
