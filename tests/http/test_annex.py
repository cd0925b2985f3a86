"""The consultation report printed as a briefing's annex says what was decided, as the
report page does, in every format - and never prints what was withdrawn or hidden."""

from __future__ import annotations

import io

from docx import Document
from pypdf import PdfReader
from sqlmodel import Session

from server.comments import service
from server.config import Settings
from server.models import Disposition

from .conftest import text_of

SAID = {
    Disposition.ACCEPTED: ("Name the **shared** sites.", "Listed them."),
    Disposition.PARTLY: ("Cost every saving.", "Costed the larger ones."),
    Disposition.NOTED: ("Mention the 2012 targets.", "Kept for the next round."),
    Disposition.NOT_ACCEPTED: ("Drop the climate section.", "It is the core of our case."),
}


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _publish_with_every_decision(session: Session, people, small, look) -> None:  # type: ignore[no-untyped-def]
    session.rollback()
    for disposition, (body, note) in SAID.items():
        comment = service.create_comment(session, people.director, small, body=body)
        session.commit()
        answer = service.Answer(disposition=disposition, disposition_note=note)
        service.answer_comment(session, people.director, comment.id or 0, answer)
        session.commit()
    withdrawn = service.create_comment(session, people.director, small, body="Withdrawn words.")
    hidden = service.create_comment(session, people.director, small, body="Rude words.")
    session.commit()
    service.delete_comment(session, people.director, withdrawn.id or 0)
    service.hide_comment(
        session, people.admin, hidden.id or 0, "off topic, named a colleague", settings=Settings()
    )
    session.commit()
    look.set_stage(small, "approved")


def test_the_annex_prints_each_decision_as_the_report_does_and_nothing_hidden(
    api_for, people, small, look, session
):
    _publish_with_every_decision(session, people, small, look)
    director = api_for(people.director)
    report = text_of(director.get(f"/responses/{small}/report").text)
    published = director.post(
        f"/api/v1/responses/{small}/actions", json={"action": "publish", "annex": True}
    )
    assert published.status_code == 200, published.text
    base = f"/library/{small}/versions/1"
    pdf = director.get(f"{base}/pdf")
    assert pdf.status_code == 200
    pdf_text = _squeezed(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    docx = Document(io.BytesIO(director.get(f"{base}/docx").content))
    paragraphs = [p.text for p in docx.paragraphs]
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    docx_text = _squeezed(" ".join(paragraphs + cells))
    html_text = text_of(director.get(f"{base}/html").text)
    for name, text in (("PDF", pdf_text), ("DOCX", docx_text), ("HTML", html_text)):
        assert "Annex" in text, name
        for disposition, (_body, note) in SAID.items():
            label = Disposition.LABELS[disposition]
            assert label in report
            assert label in text, (name, label)
            assert note in text, (name, note)
        # Rendered, not raw Markdown; the report and the annex agree on the words.
        assert "Name the shared sites." in text, name
        assert "**" not in text, name
        assert "Open" not in text.split("Annex", 1)[1], name
        for gone in ("Withdrawn words", "Rude words", "off topic", "hidden by", "deleted by"):
            assert gone not in text, (name, gone)


def test_accepting_without_changing_the_text_says_so_in_the_report(
    api_for, people, small, look, session
):
    session.rollback()
    comment = service.create_comment(session, people.director, small, body="Say it plainly.")
    session.commit()
    answer = service.Answer(disposition=Disposition.ACCEPTED, disposition_note="Agreed.")
    service.answer_comment(session, people.director, comment.id or 0, answer)
    session.commit()
    report = text_of(api_for(people.director).get(f"/responses/{small}/report").text)
    assert "Accepted, no change to the text" in report
    assert "Answered in revision" not in report


def test_the_thread_itself_says_an_acceptance_left_the_text_unchanged(
    api_for, browser_for, people, small, session
):
    session.rollback()
    comment = service.create_comment(session, people.director, small, body="Say it plainly.")
    session.commit()
    answer = service.Answer(disposition=Disposition.PARTLY, disposition_note="In part.")
    service.answer_comment(session, people.director, comment.id or 0, answer)
    session.commit()
    page = text_of(browser_for(people.director).get(f"/responses/{small}").text)
    assert "Partly accepted In part. (partly accepted, no change to the text)" in page
