"""The briefing of a consultation response lists the questions and where each is answered."""

from __future__ import annotations

import io

from docx import Document

from server.publishing.render import render_docx, render_html

from .test_publishing import EDITION, snapshot

QUESTIONS = [
    {"ref": "1", "text": "Is the aim right?", "not_answering": "", "positions": [2]},
    {"ref": "2", "text": "Who should pay?", "not_answering": "Outside our remit.", "positions": []},
]


def _consultation() -> dict:  # type: ignore[type-arg]
    return {**snapshot("First text.", "Second text."), "questions": QUESTIONS}


def test_the_html_briefing_links_each_question_to_its_answer() -> None:
    page = render_html(_consultation(), EDITION).decode()
    assert '<h2 id="questions">Questions answered</h2>' in page
    assert '<th scope="row">1</th><td>Is the aim right?</td><td><a href="#position-2">2</a>' in page
    assert "Not answered: Outside our remit." in page


def test_the_word_briefing_has_the_questions_answered_table() -> None:
    document = Document(io.BytesIO(render_docx(_consultation(), EDITION)))
    assert "Questions answered" in [p.text for p in document.paragraphs]
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["1", "Is the aim right?", "2"] in rows


def test_a_briefing_without_questions_has_no_questions_table() -> None:
    page = render_html(snapshot("Only text."), EDITION).decode()
    assert "Questions answered" not in page
