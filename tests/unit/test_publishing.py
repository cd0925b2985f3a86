"""Rendering briefings: the PDF reads back with its text, headings, themes and
metadata; the DOCX opens; raw passthrough in a position never reaches the engine."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from server.errors import RenderFailed
from server.models import Publication
from server.publishing.render import Edition, render_all, render_pdf, render_typst_source
from server.publishing.service import briefing_filename
from server.text.engines import compile_pdf

THEMES = [
    {"slug": "climate-change", "name": "Climate change", "positions": [1]},
    {"slug": "social-inclusion", "name": "Social inclusion", "positions": [2]},
    {"slug": "efficiency", "name": "Efficiency", "positions": [1, 2]},
]
EDITION = Edition(2, datetime(2026, 3, 4, 10, 0, tzinfo=UTC), "Corrected position 2.")


def snapshot(*bodies: str, headings: list[str] | None = None) -> dict[str, Any]:
    headings = headings or [f"Position heading number {i}" for i in range(1, len(bodies) + 1)]
    return {
        "title": "Response to the Operational Efficiency Programme final report",
        "body_name": "The Society of IT Leaders",
        "responding_to": {
            "title": "Operational Efficiency Programme: final report",
            "publisher": "HM Treasury",
            "date": "2009-04-22",
            "url": "https://www.gov.uk/",
        },
        "summary": "We support *efficiency*, tied to the other agendas.",
        "summary_html": "<p>We support <em>efficiency</em>.</p>",
        "positions": [
            {
                "number": i,
                "heading": heading,
                "body": body,
                "body_html": f"<p>{i}</p>",
                "themes": ["climate-change", "efficiency"] if i % 2 else ["social-inclusion"],
            }
            for i, (heading, body) in enumerate(zip(headings, bodies, strict=True), start=1)
        ],
        "themes": THEMES,
    }


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pdf_holds_the_title_every_heading_and_the_theme_labels() -> None:
    snap = snapshot(
        "Savings must count carbon.\n\n## A sub-heading\n\nMore text.",
        "Channel shift must not leave people behind.",
        headings=["Data centres and carbon", "Channel shift and inclusion"],
    )
    text = pdf_text(render_pdf(snap, EDITION))
    for expected in (
        "Response to the Operational Efficiency Programme final report",
        "Operational Efficiency Programme: final report",
        "The Society of IT Leaders",
        "1. Data centres and carbon",
        "2. Channel shift and inclusion",
        "A sub-heading",
        "Themes: Climate change, Efficiency",
        "Themes: Social inclusion",
        "Themes at a glance",
        "Version 2",
        "4 March 2026",
        "Corrected position 2.",
        "Page 2 of",
    ):
        assert expected in text, expected


def test_the_pdf_declares_title_language_bookmarks_a4_and_pdf_ua() -> None:
    pdf = render_pdf(snapshot("One.", "Two.", headings=["First", "Second"]), EDITION)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == "Response to the Operational Efficiency Programme final report"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged: real text, reading order
    assert b"pdfuaid" in pdf  # the XMP metadata claims PDF/UA
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[:5] == ["Summary", "Key asks", "Themes at a glance", "1. First", "2. Second"]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points


INJECTIONS = [
    '```{=typst}\n#panic("RAW-TYPST-BLOCK")\n```',
    '`#panic("RAW-TYPST-INLINE")`{=typst}',
    "```{=latex}\n\\begin{document}RAW-LATEX\\end{document}\n```",
    "\\newcommand{\\pwn}{RAW-TEX} \\pwn and \\input{/etc/passwd}",
    "<script>alert('RAW-HTML')</script> <b>bold?</b>",
    '#set page(fill: red) #panic("MARKUP") $#panic("MATH")$ @citation-key',
    "![a picture](/etc/passwd) and [a link](#nowhere) and [bad](javascript:alert(1))",
    "---\ntitle: Evil title\n---\n\nYAML-BLOCK",
    "Footnote[^1].\n\n[^1]: The first note.",
    "Footnote again[^1].\n\n[^1]: The second note.",
    "# Level one inside a body\n\n###### Level six",
]


def test_raw_typst_latex_and_html_in_a_position_show_as_text_or_not_at_all() -> None:
    snap = snapshot(*INJECTIONS, headings=[f'Heading #panic("H{i}") ]' for i in range(11)])
    source = render_typst_source(snap, EDITION)
    # Passed through, any of these would be code: a panic stops the compiler. Inside
    # a raw (```) block it is only shown, so those blocks are left out of the check.
    markup = re.sub(r"(?ms)^(`{3,}).*?^\1", "", source)
    assert not [
        line for line in markup.splitlines() if line.startswith(("#panic", "#set page(fill"))
    ]
    text = pdf_text(render_pdf(snap, EDITION))
    assert "RAW-TYPST-BLOCK" in text and 'Heading #panic("H3") ]' in text
    # pandoc curls the quotes of prose, so look for what it leaves alone.
    assert "<script>alert(" in text and "RAW-HTML" in text and "<b>bold?</b>" in text
    assert "#set page(fill: red)" in text and "@citation-key" in text
    assert "\\begin{document}RAW-LATEX" in text and "\\input{/etc/passwd}" in text
    assert "a picture" in text and "Evil title" in text
    assert "The first note." in text and "The second note." in text


def test_an_unclosed_code_fence_stays_inside_its_own_position() -> None:
    snap = snapshot("```\nnever closed", "Plain text.", headings=["Broken", "Intact"])
    text = pdf_text(render_pdf(snap, EDITION))
    assert "2. Intact" in text and "Plain text." in text


def test_every_format_is_made_and_the_docx_opens_with_the_same_structure() -> None:
    rendered = render_all(snapshot("One.", "Two.", headings=["First", "Second"]), EDITION)
    assert rendered.pdf.startswith(b"%PDF")
    document = Document(io.BytesIO(rendered.docx))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Response to the Operational Efficiency Programme final report"
    assert "1. First" in paragraphs and "2. Second" in paragraphs
    assert "Themes: Climate change, Efficiency" in paragraphs
    assert document.core_properties.title.startswith("Response to the Operational")
    html = rendered.html.decode()
    assert '<html lang="en-GB">' in html and "2. Second" in html and "Version" in html


def test_a_document_the_compiler_cannot_make_is_a_render_failure() -> None:
    with pytest.raises(RenderFailed, match="the PDF could not be made"):
        compile_pdf('#panic("no")')
    with pytest.raises(RenderFailed):
        compile_pdf('#image("/etc/passwd")')  # outside the compiler's folder


@pytest.mark.parametrize(
    ("rt_title", "title", "version", "expected"),
    [
        ("Operational Efficiency Programme: final report", "Response", 2,
         "operational-efficiency-programme-response-v2.pdf"),
        ("", "A Title!", 1, "a-title-response-v1.pdf"),
    ],
)  # fmt: skip
def test_download_names_say_what_is_answered_and_which_version(
    rt_title: str, title: str, version: int, expected: str
) -> None:
    publication = Publication(
        response_id=1, version=version, publisher_id=1, revision=1, title=title, rt_title=rt_title
    )
    assert briefing_filename(publication, "pdf") == expected


@pytest.mark.parametrize("emoji_font", [True, False])
def test_emoji_in_a_position_publish_as_emoji_or_as_words_without_an_emoji_font(
    emoji_font: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.publishing import render

    if not emoji_font:
        monkeypatch.setattr(render, "_emoji_font", lambda: False)
    elif not render._emoji_font():
        emoji_font = False  # this machine has no emoji font: words are what it can do

    snapshot = {
        "title": "Emoji",
        "body_name": "Tabled",
        "summary": "",
        "summary_html": "",
        "responding_to": {"title": "R", "publisher": "", "date": "", "url": ""},
        "positions": [
            {
                "number": 1,
                "heading": "Thumbs 👍",
                "body": "We agree ✅ ❤️ 😀👍🏽",
                "body_html": "",
                "themes": ["efficiency"],
            }
        ],
        "themes": [{"slug": "efficiency", "name": "Efficiency", "positions": [1]}],
    }
    rendered = render.render_all(snapshot, Edition(1, datetime.now(UTC), ""))
    text = pdf_text(rendered.pdf)
    assert "We agree" in text
    if emoji_font:
        assert "👍" in text and "😀" in text
    else:
        assert "(thumbs up sign)" in text and "(white heavy check mark)" in text
        assert "(grinning face)" in text
