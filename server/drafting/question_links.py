"""Reading a response's questions and which live positions answer them; linking them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, delete, select

from ..errors import Invalid
from ..models import Position, PositionQuestion, Question
from .questions import count_words, normalise_ref


@dataclass
class QuestionView:
    id: int
    ref: str
    text: str
    not_answering: str
    word_limit: int | None
    # Live positions that answer it, in the response's order.
    positions: list[int] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.positions) or bool(self.not_answering)


def question_rows(session: Session, response_id: int) -> list[Question]:
    return list(
        session.exec(
            select(Question)
            .where(Question.response_id == response_id)
            .order_by(col(Question.ordering), col(Question.id))
        ).all()
    )


def _links(session: Session, response_id: int) -> list[tuple[int, int]]:
    """(question id, position id) for live positions, in position order: one query."""
    rows = session.exec(
        select(PositionQuestion.question_id, PositionQuestion.position_id)
        .join(Position, col(Position.id) == PositionQuestion.position_id)
        .where(Position.response_id == response_id, col(Position.deleted).is_(False))
        .order_by(col(Position.ordering), col(Position.id))
    ).all()
    return [(q, p) for q, p in rows]


def questions_of(session: Session, response_id: int) -> list[QuestionView]:
    """The questions in order, each with its answering positions, in two queries."""
    answering: dict[int, list[int]] = {}
    for question_id, position_id in _links(session, response_id):
        answering.setdefault(question_id, []).append(position_id)
    return [
        QuestionView(
            q.id or 0, q.ref, q.text, q.not_answering, q.word_limit, answering.get(q.id or 0, [])
        )
        for q in question_rows(session, response_id)
    ]


def refs_by_position(session: Session, response_id: int) -> dict[int, list[str]]:
    """Position id -> refs of the questions it answers, in question order."""
    views = questions_of(session, response_id)
    found: dict[int, list[str]] = {}
    for view in views:
        for position_id in view.positions:
            found.setdefault(position_id, []).append(view.ref)
    return found


def resolve(session: Session, response_id: int, refs: Sequence[str]) -> list[Question]:
    """The questions named by refs; an unknown ref is refused, naming it."""
    known = {q.ref: q for q in question_rows(session, response_id)}
    chosen: list[Question] = []
    for ref in refs:
        key = normalise_ref(ref)
        if not key:
            continue
        if key not in known:
            listed = ", ".join(known) or "none yet"
            raise Invalid(
                f"this response has no question {ref.strip()!r} (its questions: {listed})",
                field="questions",
            )
        if known[key] not in chosen:
            chosen.append(known[key])
    return chosen


def set_links(session: Session, position_id: int, questions: Sequence[Question]) -> None:
    session.exec(delete(PositionQuestion).where(col(PositionQuestion.position_id) == position_id))
    for question in questions:
        session.add(PositionQuestion(position_id=position_id, question_id=question.id or 0))
    session.flush()


def snapshot(session: Session, response_id: int) -> list[dict[str, Any]]:
    """The questions as a revision keeps them (answering positions by id)."""
    return [
        {
            "ref": v.ref,
            "text": v.text,
            "not_answering": v.not_answering,
            "word_limit": v.word_limit,
            "positions": v.positions,
        }
        for v in questions_of(session, response_id)
    ]


def restore(session: Session, response_id: int, entries: Sequence[dict[str, Any]]) -> None:
    """Make the questions and their links what a revision recorded."""
    remove_all(session, response_id)
    for n, entry in enumerate(entries, start=1):
        question = Question(
            response_id=response_id,
            ref=entry["ref"],
            ordering=n,
            text=entry.get("text", ""),
            not_answering=entry.get("not_answering", ""),
            word_limit=entry.get("word_limit"),
        )
        session.add(question)
        session.flush()
        for position_id in entry.get("positions", []):
            if session.get(Position, position_id) is not None:
                session.add(PositionQuestion(position_id=position_id, question_id=question.id or 0))
    session.flush()


def remove_all(session: Session, response_id: int) -> None:
    ids = select(Question.id).where(Question.response_id == response_id)
    session.exec(delete(PositionQuestion).where(col(PositionQuestion.question_id).in_(ids)))
    session.exec(delete(Question).where(col(Question.response_id) == response_id))
    session.flush()


def answer_words(view: QuestionView, bodies: dict[int, str]) -> int:
    """Words in the answering positions' text, for the question's word limit."""
    return sum(count_words(bodies.get(pid, "")) for pid in view.positions)
