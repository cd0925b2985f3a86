"""A briefing a chief executive would forward: the body's identity on the cover and
in the footer, key asks and themes on the first page, numbered paragraphs in every
format, contents only when long, Word styles with page numbers, a draft mark."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from pypdf import PdfReader

from server.config import Settings
from server.publishing.html_numbers import number_paragraphs, split_first_list
from server.publishing.identity import Body, contrast_on_white, readable
from server.publishing.render import Edition, render_all, render_docx, render_html, render_pdf
from server.text.markdown import render_markdown

from .test_publishing import snapshot

EDITION = Edition(1, datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
BODY = Body(
    name="The Society of IT Leaders",
    colour="#3c8dbc",
    contact="policy@socitm.example · 020 7946 0000",
    website="https://socitm.example",
)
FOUR = [
    "Savings must count carbon.\n\n| Site | Saving |\n|:--|--:|\n| Leeds | 1,200 t |\n\n"
    "We ask for an annual report.",
    "Channel shift must not leave people behind.\n\n## Who is left out\n\n"
    "Older people rely on phones.\n\n- Keep a phone line\n- Fund assisted digital\n\n"
    "After the list.",
    "Shared services can save money if governance is clear. " * 12,
    "Procurement should favour open standards.\n\n> A quoted view.\n\nA last word.",
]


def briefing(*bodies: str, body: Body = BODY, summary: str | None = None) -> dict[str, Any]:
    snap = snapshot(*bodies)
    snap["body_name"], snap["body"] = body.name, body.as_snapshot()
    if summary is not None:
        snap["summary"] = summary
    # The HTML as build_snapshot makes it, from the same Markdown.
    snap["summary_html"] = render_markdown(snap["summary"], doc_id="summary")
    for p in snap["positions"]:
        p["body_html"] = render_markdown(p["body"], doc_id=f"p{p['number']}")
    return snap


def png(width: int = 8, height: int = 8) -> bytes:
    """A small solid PNG, made here so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x3c\x8d\xbc" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_a_four_position_briefing_fits_four_a4_pages_named_for_the_body_not_the_software():
    text = pages(render_pdf(briefing(*FOUR), EDITION))
    assert len(text) <= 4
    assert all("The Society of IT Leaders" in page for page in text), "every footer names the body"
    assert not any("Tabled" in page for page in text)
    assert "policy@socitm.example" in text[0] and "https://socitm.example" in text[0]
    assert "HM Treasury, 22 April 2009" in text[0]
    assert "Version 1, 4 March 2026" in text[0]


def test_the_first_page_holds_the_key_asks_from_the_summary_and_the_themes_at_a_glance():
    summary = "We support efficiency.\n\n- Count carbon in every saving\n- Keep a phone line"
    first = pages(render_pdf(briefing(*FOUR, summary=summary), EDITION))[0]
    assert "Key asks" in first
    assert first.index("Key asks") < first.index("Count carbon in every saving")
    assert "Themes at a glance" in first
    assert "Contents" not in first  # four positions need no contents page


def test_without_a_list_in_the_summary_the_key_asks_are_the_positions():
    first = pages(render_pdf(briefing("One.", "Two.", summary="Plain prose."), EDITION))[0]
    asks = first.split("Key asks", 1)[1]
    assert "Position heading number 1" in asks and "Position heading number 2" in asks


def test_a_long_briefing_gets_contents_and_a_short_one_does_not():
    long = " ".join(pages(render_pdf(briefing(*["A point."] * 9), EDITION)))
    assert "Contents" in long
    docx = Document(io.BytesIO(render_docx(briefing(*["A point."] * 9), EDITION)))
    assert "Contents" in [p.text for p in docx.paragraphs]
    short = Document(io.BytesIO(render_docx(briefing(*FOUR), EDITION)))
    assert "Contents" not in [p.text for p in short.paragraphs]


def test_paragraphs_are_numbered_alike_in_pdf_docx_and_html():
    made = render_all(briefing(*FOUR), EDITION)
    pdf = " ".join(pages(made.pdf))
    for cited in ("1.1 Savings must count carbon.", "1.2 We ask", "2.3 After the list.", "4.2 A"):
        assert cited in pdf, cited
    assert "2.4" not in pdf  # list items and headings are not paragraphs of their own
    words = [p.text for p in Document(io.BytesIO(made.docx)).paragraphs]
    assert "1.1 Savings must count carbon." in words
    assert "2.3 After the list." in words
    html = made.html.decode()
    assert 'id="para-2-3"' in html and 'id="para-2-4"' not in html


def test_html_numbers_only_top_level_paragraphs():
    html = (
        "<p>One</p>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        "<ul>\n<li><p>item</p></li>\n</ul>\n<p>Two</p>"
    )
    numbered = number_paragraphs(html, 3)
    assert numbered.count('class="pnum"') == 2
    assert ">3.2</a> Two" in numbered
    rest, asks = split_first_list("<p>Lead</p>\n<ul>\n<li>Ask</li>\n</ul>\n<p>After</p>")
    assert asks == "<ul>\n<li>Ask</li>\n</ul>" and "Ask" not in rest and "After" in rest


def test_the_word_document_has_the_projects_styles_page_numbers_and_no_update_prompt():
    docx = render_docx(briefing(*FOUR), EDITION)
    document = Document(io.BytesIO(docx))
    styles = {s.name for s in document.styles}
    assert {"Key Asks", "Paragraph Number", "Table"} <= styles
    assert document.styles["Normal"].font.name == "Arial"
    assert document.styles["Heading 1"].paragraph_format.keep_with_next
    with zipfile.ZipFile(io.BytesIO(docx)) as parts:
        xml = {
            name: parts.read(name).decode() for name in parts.namelist() if name.endswith(".xml")
        }
    footers = "".join(v for k, v in xml.items() if "footer" in k)
    assert "PAGE" in footers and "NUMPAGES" in footers and "The Society of IT Leaders" in footers
    assert not any("w:dirty" in v for v in xml.values())
    assert "Tabled" not in "".join(xml.values())


def test_the_html_names_the_body_and_carries_the_key_asks_and_numbers():
    html = render_html(briefing(*FOUR, summary="Lead.\n\n- Ask one"), EDITION).decode()
    assert "The Society of IT Leaders · Policy briefing" in html
    assert 'id="key-asks"' in html and "Ask one" in html
    assert "Tabled" not in html


def test_a_draft_is_marked_on_every_page():
    draft = Edition(2, EDITION.published_at, draft=True)
    assert all("Draft" in page for page in pages(render_pdf(briefing(*FOUR), draft)))
    assert "Draft" in render_html(briefing(*FOUR), draft).decode()


def test_a_light_colour_is_darkened_until_it_reads_on_white():
    assert contrast_on_white(readable("#ffdd00")) >= 4.5
    assert readable("#1d4f91") == "#1d4f91"  # already dark enough: unchanged


def test_the_logo_is_drawn_on_the_first_page(tmp_path: Path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(png())
    with_logo = render_pdf(briefing("One.", body=Body(BODY.name, logo=str(logo))), EDITION)
    first, second = PdfReader(io.BytesIO(with_logo)).pages[:2]
    assert len(first.images) == 1 and not second.images
    assert not PdfReader(io.BytesIO(render_pdf(briefing("One."), EDITION))).pages[0].images


def test_a_missing_logo_leaves_the_briefing_without_one(tmp_path: Path):
    body = Body(BODY.name, logo=str(tmp_path / "gone.png"))
    assert "The Society of IT Leaders" in pages(render_pdf(briefing("One.", body=body), EDITION))[0]


def test_the_identity_comes_from_the_settings():
    settings = Settings(
        body_name=" Our Council ", body_colour="#AA0000", body_website="https://c.example"
    )
    body = Body.of(settings)
    assert (body.name, body.colour, body.website) == ("Our Council", "#aa0000", "https://c.example")
