"""Every construct a position's Markdown can hold, and text in every script, publishes:
the PDF reads back with the words, the DOCX and HTML are made, nothing is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from server.errors import RenderFailed
from server.publishing import render
from server.publishing.render import render_all
from server.text import engines
from server.workflow.render_check import briefing_problems

from .test_publishing import EDITION, pdf_text, snapshot

CONSTRUCTS = {
    "a rule of asterisks": (
        "Above the rule.\n\n***\n\nBelow the rule.",
        ["Above the rule.", "Below the rule."],
    ),
    "a rule of dashes": (
        "Above the line.\n\n---\n\nBelow the line.",
        ["Above the line.", "Below the line."],
    ),
    "an empty sub-heading": ("Before it.\n\n## \n\nAfter it.", ["Before it.", "After it."]),
    "a sub-heading": ("Intro.\n\n### Costs in detail\n\nText.", ["Costs in detail"]),
    "nested quotes": ("> Outer words\n>\n> > Inner words", ["Outer words", "Inner words"]),
    "quotes 8 deep": ("> " * 8 + "Deepest quote", ["Deepest quote"]),
    "lists 8 deep": ("".join("  " * i + f"- level{i}\n" for i in range(8)), ["level0", "level7"]),
    "an ordered list from 3": ("3. third\n4. fourth", ["third", "fourth"]),
    "a code block": ("```python\nprint('hi') # not a heading\n```", ["print('hi')"]),
    "inline code": ("Run `make bench` now.", ["make bench"]),
    "footnotes": ("A claim.[^1]\n\n[^1]: The source of it.", ["A claim.", "The source of it."]),
    "an aligned table": (
        "| Left | Right | Mid |\n|:--|--:|:-:|\n| l1 | r1 | m1 |",
        ["Left", "r1", "m1"],
    ),
    "a ragged table": ("| a | b |\n|---|---|\n| only one |", ["only one"]),
    "emphasis and strike": ("*soft* **strong** ~~gone~~ text", ["soft", "strong", "gone"]),
    "a link and an image": (
        "[our site](https://example.org) ![a chart](c.png)",
        ["our site", "a chart"],
    ),
    "2,000 double quotes": ('"' * 2000, []),
    "1,000 nested brackets": ("[" * 1000 + "x" + "]" * 1000, []),
    "a long run of one mark": ("!" * 5000 + " end", ["end"]),
    "raw-looking markup": (
        "#set page(fill: red) // not a comment /* nor this",
        ["#set page(fill: red)"],
    ),
}


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_every_construct_publishes_in_every_format(name: str) -> None:
    body, words = CONSTRUCTS[name]
    rendered = render_all(snapshot(body), EDITION)
    text = pdf_text(rendered.pdf)
    for word in words:
        assert word in text
    Document(io.BytesIO(rendered.docx))  # opens
    assert b"Position heading number 1" in rendered.html


def _font_for(script: str) -> bool:
    return any(list(Path(f).glob(f"Noto*{script}*")) for f in engines.font_folders())


def _fonts_in(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    names = []
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        names += [str(fonts[k].get_object().get("/BaseFont")) for k in fonts]
    return " ".join(names)


SCRIPTS = {
    # name: (text, words the PDF text gives back, font file the PDF must embed)
    "Chinese": ("我们支持共享服务", ["我们支持共享服务"], "CJK"),
    "Japanese": ("共有サービスを支持します", ["共有サービスを支持します"], "CJK"),
    "Korean": ("공유 서비스를 지지합니다", ["공유", "서비스를"], "CJK"),
    "Cyrillic": ("Общие службы экономят деньги", ["Общие службы экономят деньги"], ""),
    "Greek": ("Οι κοινές υπηρεσίες", ["Οι κοινές υπηρεσίες"], ""),
    "Hebrew": ("שירותים משותפים", ["שירותים", "משותפים"], ""),  # Libertinus has it
    "Arabic": ("الخدمات المشتركة", [], "Arabic"),
    "Devanagari": ("साझा सेवाएँ", [], ""),  # Noto Sans, the body font, has it
    "runic": ("ᚠᚢᚦᚨᚱᚲ", ["ᚠᚢᚦᚨᚱᚲ"], "Runic"),
    "emoji": ("We agree 👍", ["We agree", "👍"], "Emoji"),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_text_in_every_script_is_drawn_with_a_font_that_has_it(name: str) -> None:
    text, words, font = SCRIPTS[name]
    rendered = render_all(snapshot(f"Before. {text} After."), EDITION)
    shown = pdf_text(rendered.pdf)
    assert "Before." in shown and "After." in shown
    if font and not _font_for(font):
        # No font on this machine has these letters: they show as U+FFFD, never a refusal.
        assert render.REPLACEMENT in shown or "(" in shown
        return
    for word in words:
        assert word in shown
    if font and font != "Emoji":  # (an emoji font is embedded as pictures, unnamed)
        assert font.lower() in _fonts_in(rendered.pdf).lower()


def test_a_character_no_font_can_draw_becomes_a_visible_replacement() -> None:
    rendered = render_all(
        snapshot("A noncharacter \ufffe, a private one \ue000 and text."), EDITION
    )
    text = pdf_text(rendered.pdf)
    assert "A noncharacter" in text and "and text." in text
    assert text.count(render.REPLACEMENT) >= 2


def test_a_heading_in_any_script_publishes() -> None:
    snap = snapshot("Body.", headings=["共有 and ᚠᚢᚦ with \ufffe"])
    text = pdf_text(render_all(snap, EDITION).pdf)
    assert "共有 and" in text


def test_the_submit_check_says_nothing_for_a_briefing_that_publishes() -> None:
    assert briefing_problems(snapshot("***", "中文", "> " * 8 + "deep")) == []


def test_the_submit_check_names_each_position_that_would_not_publish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = render.compile_pdf

    def compiler(source: str, **kwargs):  # type: ignore[no-untyped-def]
        if "UNPRINTABLE" in source:
            raise RenderFailed("the PDF could not be made: out of paper")
        return real(source, **kwargs)

    monkeypatch.setattr(render, "compile_pdf", compiler)
    reasons = briefing_problems(snapshot("fine", "UNPRINTABLE here", "fine", "UNPRINTABLE too"))
    assert reasons == [
        "position 2 “Position heading number 2” cannot be printed: "
        "the PDF could not be made: out of paper",
        "position 4 “Position heading number 4” cannot be printed: "
        "the PDF could not be made: out of paper",
    ]


def test_an_engine_over_its_time_is_stopped_with_a_reason_that_names_no_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engines, "PANDOC_SECONDS", 0.001)
    with pytest.raises(RenderFailed) as refused:
        render_all(snapshot("Text."), EDITION)
    assert "took longer than" in refused.value.message
    assert engines.pandoc_path() not in refused.value.message
    assert "site-packages" not in refused.value.message


def test_an_engine_error_never_shows_a_server_path() -> None:
    with pytest.raises(RenderFailed) as refused:
        engines.compile_pdf('#image("/etc/passwd")')
    assert "/etc/passwd" not in refused.value.message
    assert "tabled-typst-" not in refused.value.message


def test_the_pdf_compiler_over_its_time_is_killed_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engines, "TYPST_SECONDS", 0.001)
    with pytest.raises(RenderFailed) as refused:
        engines.compile_pdf("#set document(title: [T])\nHello")
    assert "PDF compiler took longer than" in refused.value.message


def test_without_the_debian_fonts_a_script_nobody_has_prints_as_replacements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A person's machine with only the PyPI fonts: CJK still prints, runic and
    hieroglyphs become U+FFFD, emoji their names - and nothing is refused."""
    pypi_only = tuple(f for f in engines.font_folders() if f not in engines.SYSTEM_FONT_FOLDERS)
    monkeypatch.setattr(engines, "font_folders", lambda: pypi_only)
    monkeypatch.setattr(render, "_emoji_font", lambda: False)
    text = pdf_text(render_all(snapshot("中文 then ᚠᚢᚦ and 𓀀 and 👍 end"), EDITION).pdf)
    assert "中文 then" in text and "end" in text
    assert "ᚠ" not in text and text.count(render.REPLACEMENT) >= 4
    assert "(thumbs up sign)" in text
