"""The cover's "key asks" box: the positions a director marked as key, when any are;
else the summary's first list, as before. Read back from the PDF, DOCX and HTML."""

from __future__ import annotations

import io

from docx import Document

from server.drafting.draftfile import parse_draft, render_draft
from server.publishing.render import render_docx, render_html, render_pdf

from .test_briefing_layout import EDITION, FOUR, briefing, pages

SUMMARY = "We support efficiency.\n\n- Count carbon in every saving\n- Keep a phone line"
HEADINGS = ["Savings must count carbon", "Nobody left behind", "Share services", "Buy open"]


def marked(*keys: int) -> dict:
    snap = briefing(*FOUR, summary=SUMMARY)
    for p, heading in zip(snap["positions"], HEADINGS, strict=True):
        p["heading"] = heading
        p["key"] = p["number"] in keys
    return snap


def box(first_page: str) -> str:
    """The key asks box's text on the first page: from its title to the themes."""
    return first_page.split("Key asks", 1)[1].split("Themes at a glance", 1)[0]


def test_the_pdf_key_asks_are_the_positions_marked_as_key_with_their_numbers():
    first = pages(render_pdf(marked(2, 4), EDITION))[0]
    asks = box(first)
    assert "Nobody left behind (position 2)" in asks
    assert "Buy open (position 4)" in asks
    assert "Savings must count carbon" not in asks and "Share services" not in asks
    # The summary's own list is no longer taken for the box: it stays in the summary.
    summary = first.split("Key asks", 1)[0]
    assert "Count carbon in every saving" in summary and "Keep a phone line" in summary
    assert "Count carbon in every saving" not in asks


def test_with_no_position_marked_the_key_asks_come_from_the_summary_as_before():
    asks = box(pages(render_pdf(marked(), EDITION))[0])
    assert "Count carbon in every saving" in asks and "Keep a phone line" in asks
    assert "(position" not in asks


def test_the_word_and_web_briefings_list_the_same_key_positions():
    snap = marked(1, 3)
    paragraphs = [p.text for p in Document(io.BytesIO(render_docx(snap, EDITION))).paragraphs]
    start = paragraphs.index("Key asks")
    listed = paragraphs[start + 1 : start + 3]
    assert listed == ["Savings must count carbon (position 1)", "Share services (position 3)"]
    html = render_html(snap, EDITION).decode()
    section = html.split('id="key-asks"', 1)[1].split("</section>", 1)[0]
    assert '<a href="#position-1">Savings must count carbon</a> (position 1)' in section
    assert '<a href="#position-3">Share services</a> (position 3)' in section
    assert "Nobody left behind" not in section and "Count carbon in every saving" not in section


def test_a_snapshot_from_before_positions_could_be_marked_renders_as_it_did():
    snap = briefing(*FOUR, summary=SUMMARY)
    assert all("key" not in p for p in snap["positions"])
    asks = box(pages(render_pdf(snap, EDITION))[0])
    assert "Count carbon in every saving" in asks


DRAFT = """---
title: Our response
responding_to:
  title: A report
---

## Measure carbon

Themes: efficiency
Key: yes

Councils should count it.

## Keep a phone line

Key: no
Themes: social-inclusion

People need one.

## A position whose text starts like a label

Key: the phrase "key" begins this text.
"""


def test_a_draft_file_marks_key_positions_and_writes_them_back():
    draft = parse_draft(DRAFT)
    assert [p.key for p in draft.positions] == [True, False, False]
    assert draft.positions[0].themes == ["efficiency"]
    assert draft.positions[1].themes == ["social-inclusion"]
    assert draft.positions[2].body.startswith('Key: the phrase "key"')
    written = render_draft(draft)
    assert written.count("Key: yes") == 1 and "Key: no" not in written
    again = parse_draft(written)
    assert [(p.heading, p.body, p.themes, p.key) for p in again.positions] == [
        (p.heading, p.body, p.themes, p.key) for p in draft.positions
    ]
