"""Adding, editing and removing a response's questions: each change is one new revision."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from ..accounts.users import Actor
from ..errors import Invalid, NotFound, Problems
from ..models import PositionQuestion, Question
from . import access, revisions
from .question_links import question_rows
from .questions import (
    QUESTION_TEXT_MAX,
    QUESTIONS_MAX,
    WORD_LIMIT_MAX,
    ParsedQuestion,
    QuestionBlockError,
    normalise_ref,
    parse_questions,
)
from .responses import claim_revision, get_response

REASON_MAX = 2_000


def read_block(text: str) -> list[ParsedQuestion]:
    """The questions in a pasted block, or Invalid with the reason (for previews too)."""
    try:
        return parse_questions(text)
    except QuestionBlockError as exc:
        raise Invalid(str(exc), field="text") from None


def add_block(
    session: Session, actor: Actor, response_id: int, text: str, base_revision: int
) -> list[Question]:
    """Add the questions of a pasted block after any already there; all or none."""
    return add_questions(session, actor, response_id, read_block(text), base_revision)


def add_questions(
    session: Session,
    actor: Actor,
    response_id: int,
    parsed: list[ParsedQuestion],
    base_revision: int,
    not_answering: dict[str, str] | None = None,
) -> list[Question]:
    """Add questions already split (from a block or a draft file) in one revision."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    for item in parsed:
        if not item.text.strip() or len(item.text) > QUESTION_TEXT_MAX:
            raise Invalid(
                f"question {item.ref} needs a text of 1 to {QUESTION_TEXT_MAX:,} characters",
                field="text",
            )
    reasons = not_answering or {}
    existing = question_rows(session, response_id)
    taken = {q.ref for q in existing}
    clashes = [p.ref for p in parsed if p.ref in taken]
    if clashes:
        raise Invalid(
            f"the response already has question {', '.join(clashes)}: edit or remove it first",
            field="text",
        )
    if len(existing) + len(parsed) > QUESTIONS_MAX:
        raise Invalid(f"a response can have at most {QUESTIONS_MAX} questions", field="text")
    claim_revision(session, response, base_revision)
    last = max((q.ordering for q in existing), default=0)
    for n, item in enumerate(parsed, start=1):
        session.add(
            Question(
                response_id=response_id,
                ref=item.ref,
                ordering=last + n,
                text=item.text.strip(),
                word_limit=item.word_limit,
                not_answering=reasons.get(item.ref, "")[:REASON_MAX],
            )
        )
    session.flush()
    refs = ", ".join(p.ref for p in parsed)
    noun = "question" if len(parsed) == 1 else "questions"
    revisions.record(session, response, actor.id, f"Added {noun} {refs}", [])
    return question_rows(session, response_id)


def find(session: Session, response_id: int, ref: str) -> Question:
    key = normalise_ref(ref)
    question = session.exec(
        select(Question).where(Question.response_id == response_id, Question.ref == key)
    ).first()
    if question is None:
        raise NotFound(f"this response has no question {ref!r}")
    return question


_UNSET = object()


def update_question(
    session: Session,
    actor: Actor,
    response_id: int,
    ref: str,
    *,
    base_revision: int,
    text: str | None = None,
    not_answering: str | None = None,
    word_limit: int | None | object = _UNSET,
) -> Question:
    """Change a question's wording, its not-answering reason or its word limit."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    question = find(session, response_id, ref)
    problems = Problems()  # every field of the form at once
    if text is not None:
        text = text.replace("\r\n", "\n").strip()
        if not text:
            problems.add("text", "Enter the question's text")
        elif len(text) > QUESTION_TEXT_MAX:
            problems.add("text", f"The question must be at most {QUESTION_TEXT_MAX:,} characters")
    if not_answering is not None:
        not_answering = not_answering.strip()
        if len(not_answering) > REASON_MAX:
            problems.add("not_answering", f"The reason must be at most {REASON_MAX:,} characters")
    if (
        word_limit is not _UNSET
        and word_limit is not None
        and not (isinstance(word_limit, int) and 0 < word_limit <= WORD_LIMIT_MAX)
    ):
        problems.add(
            "word_limit", f"The word limit must be a whole number from 1 to {WORD_LIMIT_MAX:,}"
        )
    problems.raise_any(order=("text", "word_limit", "not_answering"))
    claim_revision(session, response, base_revision)
    if text is not None:
        question.text = text
    if not_answering is not None:
        question.not_answering = not_answering
    if word_limit is not _UNSET:
        question.word_limit = word_limit  # type: ignore[assignment]
    session.add(question)
    session.flush()
    if not_answering:
        what = f"Marked question {question.ref} as not answered"
    else:
        what = f"Edited question {question.ref}"
    revisions.record(session, response, actor.id, what, [])
    return question


def delete_question(
    session: Session, actor: Actor, response_id: int, ref: str, base_revision: int
) -> None:
    """Remove a question; the positions that answered it stay, unlinked."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    question = find(session, response_id, ref)
    claim_revision(session, response, base_revision)
    session.exec(delete(PositionQuestion).where(col(PositionQuestion.question_id) == question.id))
    session.delete(question)
    session.flush()
    revisions.record(session, response, actor.id, f"Removed question {question.ref}", [])


def move_question(
    session: Session, actor: Actor, response_id: int, ref: str, offset: int, base_revision: int
) -> Question:
    """Move one question up (offset -1) or down (+1) in the consultation's order."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    question = find(session, response_id, ref)
    rows = question_rows(session, response_id)
    index = next(n for n, q in enumerate(rows) if q.id == question.id)
    target = max(0, min(len(rows) - 1, index + offset))
    if target == index:
        raise Invalid(f"question {question.ref} cannot move further that way", field="order")
    rows.insert(target, rows.pop(index))
    claim_revision(session, response, base_revision)
    _apply_order(session, rows)
    where = "up" if offset < 0 else "down"
    revisions.record(session, response, actor.id, f"Moved question {question.ref} {where}", [])
    return question


def reorder_questions(
    session: Session, actor: Actor, response_id: int, order: Sequence[str], base_revision: int
) -> list[Question]:
    """Put the questions in the order given, which must name each of them exactly once."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    rows = question_rows(session, response_id)
    by_ref = {q.ref: q for q in rows}
    wanted = [normalise_ref(ref) for ref in order]
    unknown = [ref for ref in wanted if ref not in by_ref]
    if unknown:
        raise Invalid(
            f"this response has no question {', '.join(unknown)} "
            f"(its questions: {', '.join(by_ref) or 'none yet'})",
            field="order",
        )
    if len(set(wanted)) != len(wanted) or len(wanted) != len(rows):
        missing = [q.ref for q in rows if q.ref not in wanted]
        twice = sorted({ref for ref in wanted if wanted.count(ref) > 1})
        details = [f"missing: {', '.join(missing)}"] if missing else []
        details += [f"named twice: {', '.join(twice)}"] if twice else []
        raise Invalid(
            "the new order must name every question of the response exactly once; "
            + "; ".join(details),
            field="order",
        )
    claim_revision(session, response, base_revision)
    _apply_order(session, [by_ref[ref] for ref in wanted])
    revisions.record(session, response, actor.id, "Reordered the questions", [])
    return question_rows(session, response_id)


def _apply_order(session: Session, rows: Sequence[Question]) -> None:
    for n, question in enumerate(rows, start=1):
        question.ordering = n
        session.add(question)
    session.flush()
