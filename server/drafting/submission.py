"""The response laid out the way the department asked: one entry per question, in order.

Read by the submission exports (CSV here, DOCX in publishing/submission_docx.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import Session

from .question_links import answer_words, questions_of
from .responses import PositionView, positions_of

CSV_COLUMNS = ["ref", "question", "answer", "positions", "not_answering", "words", "word_limit"]
# A cell a spreadsheet would run as a formula is shown as text instead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Entry:
    ref: str
    question: str
    not_answering: str
    word_limit: int | None
    positions: list[PositionView]
    words: int

    @property
    def answer(self) -> str:
        """The answering positions' text as written (Markdown), one after another."""
        return "\n\n".join(p.body.strip() for p in self.positions if p.body.strip())


def submission(session: Session, response_id: int) -> list[Entry]:
    """Each question with the live positions that answer it, in question order."""
    positions = positions_of(session, response_id)
    by_id = {p.id: p for p in positions}
    bodies = {p.id: p.body for p in positions}
    return [
        Entry(
            q.ref,
            q.text,
            q.not_answering,
            q.word_limit,
            [by_id[pid] for pid in q.positions if pid in by_id],
            answer_words(q, bodies),
        )
        for q in questions_of(session, response_id)
    ]


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def submission_csv(entries: list[Entry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow(
            [
                e.ref,
                _cell(e.question),
                _cell(e.answer),
                _cell("; ".join(f"{p.number}. {p.heading}" for p in e.positions)),
                _cell(e.not_answering),
                str(e.words),
                str(e.word_limit or ""),
            ]
        )
    return out.getvalue()
