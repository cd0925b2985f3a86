"""Rendering a briefing snapshot once, at publication: PDF, DOCX and HTML."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..config import PROJECT_ROOT
from ..errors import RenderFailed
from ..text.engines import compile_pdf, font_folders, run_pandoc
from ..text.markdown import SAFE_SCHEMES
from .document import (
    Node,
    briefing_tree,
    key_positions,
    meta_code,
    needs_contents,
    parse_snapshot,
    typst_string,
)
from .html_numbers import number_paragraphs, split_first_list
from .identity import body_of, logo_file, readable
from .reference import reference_docx

LAYOUT = PROJECT_ROOT / "templates" / "briefing"
PDF, DOCX, HTML = "pdf", "docx", "html"
GLYPH_RETRIES = 4
MEDIA_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    HTML: "text/html; charset=utf-8",
}

# Its own environment: the briefing is a standalone file, not a page of the app.
_html = Environment(
    loader=FileSystemLoader(str(LAYOUT)), autoescape=select_autoescape(["html"]), auto_reload=False
)


@dataclass(frozen=True)
class Edition:
    """The facts of one version that the renderings print beside the content."""

    version: int
    published_at: datetime
    change_note: str = ""
    # A preview: "Draft" on every page, for reviewers before anything is published.
    draft: bool = False


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    docx: bytes
    html: bytes
    seconds: dict[str, float]

    def by_format(self) -> dict[str, bytes]:
        return {PDF: self.pdf, DOCX: self.docx, HTML: self.html}


def long_date(value: date | datetime) -> str:
    return value.strftime("%-d %B %Y")


def _iso_date(value: str) -> str:
    return long_date(date.fromisoformat(value)) if value else ""


def cover_facts(snapshot: dict[str, Any], edition: Edition) -> dict[str, str]:
    rt = snapshot["responding_to"]
    body = body_of(snapshot)
    return {
        "title": snapshot["title"],
        "short-title": _short(snapshot["title"]),
        "body-name": body.name,
        "contact": body.contact,
        "website": body.website,
        "responding-to": rt["title"],
        "rt-publisher": rt["publisher"],
        "rt-date": _iso_date(rt["date"]),
        "date": long_date(edition.published_at),
        "version": str(edition.version),
        "change-note": edition.change_note,
        "lang": "en-GB",
    }


def _safe_url(url: str) -> str:
    return url if url and "".join(url.split()).lower().startswith(SAFE_SCHEMES) else ""


def _typst_facts(
    snapshot: dict[str, Any], edition: Edition, logo: tuple[str, bytes] | None
) -> dict[str, Any]:
    """The cover's facts plus the few the Typst layout uses as code (colour, link,
    logo), each a literal made here from checked values."""
    facts: dict[str, Any] = dict(cover_facts(snapshot, edition))
    body = body_of(snapshot)
    facts["accent"] = meta_code(readable(body.colour)[1:])
    url = _safe_url(snapshot["responding_to"].get("url", ""))
    if url:
        facts["rt-url"] = meta_code(typst_string(url))
    if logo is not None:
        facts["logo"] = meta_code(typst_string(logo[0]))
        facts["logo-alt"] = meta_code(typst_string(f"{body.name} logo" if body.name else "Logo"))
    if edition.draft:
        facts["unpublished"] = meta_code("true")
    return facts


def _short(title: str, limit: int = 40) -> str:
    # The footer has one line: long titles are cut at a word.
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0] + "…"


REPLACEMENT = "\ufffd"  # the visible stand-in for a character no font can draw
_UNDRAWABLE = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')


def _drawable(char: str) -> bool:
    """False for what no font draws: unassigned and private-use code points,
    noncharacters (U+FFFE...), surrogates and control characters."""
    if char in "\n\t":
        return True
    code = ord(char)
    if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
        return False
    return unicodedata.category(char) not in ("Cn", "Co", "Cs", "Cc")


@cache
def _emoji_font() -> bool:
    return any("Emoji" in p.name for f in font_folders() for p in Path(f).glob("*Emoji*"))


def _glyph_safe(text: str) -> str:
    """Text every character of which some font can draw: the rest become U+FFFD,
    and emoji become their names in words - "(thumbs up sign)" - when no emoji
    font is installed."""
    if text.isascii() and text.isprintable():
        return text
    words = not _emoji_font()
    out: list[str] = []
    for char in text:
        code = ord(char)
        if not _drawable(char):
            out.append(REPLACEMENT)
        elif not words:
            out.append(char)
        elif code in (0xFE0E, 0xFE0F, 0x200D) or 0x1F3FB <= code <= 0x1F3FF:
            continue  # presentation selectors, joiners and skin tones carry no words
        elif code >= 0x1F000 or 0x2600 <= code < 0x2800 or 0x2B00 <= code < 0x2C00:
            out.append(f"({unicodedata.name(char, 'symbol').lower()})")
        else:
            out.append(char)
    return "".join(out)


def _undrawable(failure: RenderFailed) -> set[str]:
    """The characters the compiler said no font could display."""
    found: set[str] = set()
    for shown in _UNDRAWABLE.findall(str(failure.extra or "")):
        decoded = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), shown)
        decoded = re.sub(r"\\(.)", r"\1", decoded)
        found |= {c for c in decoded if not c.isspace() and not c.isascii()}
    return found


def _script(char: str) -> str:
    """The first word of a character's name - RUNIC, HEBREW, CJK - as its script."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def _replace_script(source: str, chars: set[str]) -> str:
    """The source with those characters, and every other of their scripts, as U+FFFD:
    the compiler names one character per failure, and a font lacking one letter of
    a script usually lacks them all, so one more try covers the script."""
    scripts = {_script(c) for c in chars} - {""}
    return "".join(
        REPLACEMENT if c in chars or (not c.isascii() and _script(c) in scripts) else c
        for c in source
    )


def _glyph_safe_tree(value: Any) -> Any:
    if isinstance(value, str):
        return _glyph_safe(value)
    if isinstance(value, list):
        return [_glyph_safe_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _glyph_safe_tree(v) for k, v in value.items()}
    return value


LONG_WORD = 64  # characters: pandoc's Typst writer is quadratic in one word's length


def _typst_escaped(word: str) -> str:
    """A word as Typst markup that means only its characters: every ASCII mark is
    escaped with a backslash (valid before any character), so pieces can be joined
    in any order without forming a comment, a list marker or a function call."""
    return "".join(f"\\{c}" if c.isascii() and not c.isalnum() else c for c in word)


def _short_words(value: Any) -> Any:
    """The tree with each word over LONG_WORD characters (a run of 50,000 "!"
    took pandoc 8 s) given to the writer as raw, fully escaped pieces (0.1 s)."""
    if isinstance(value, dict):
        return {k: _short_words(v) for k, v in value.items()}
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for item in value:
        if isinstance(item, dict) and item.get("t") == "Str" and len(item["c"]) > LONG_WORD:
            word = item["c"]
            for at in range(0, len(word), LONG_WORD):
                piece = _typst_escaped(word[at : at + LONG_WORD])
                out.append({"t": "RawInline", "c": ["typst", piece]})
        else:
            out.append(_short_words(item))
    return out


def render_typst_source(
    snapshot: dict[str, Any], edition: Edition, bodies: list[list[Node]] | None = None
) -> str:
    bodies = parse_snapshot(snapshot) if bodies is None else bodies
    logo = logo_file(body_of(snapshot))
    tree = briefing_tree(snapshot, _typst_facts(snapshot, edition, logo), bodies, typst=True)
    tree = _short_words(_glyph_safe_tree(tree))
    args = ["-f", "json", "-t", "typst", f"--template={LAYOUT / 'briefing.typ'}"]
    source = run_pandoc(args, json.dumps(tree).encode("utf-8")).decode("utf-8")
    # pandoc centres every table; a briefing's tables sit on the left. The pattern
    # is the writer's own line start: escaped user text cannot produce "#figure(".
    return source.replace("#figure(\n  align(center)[#table(", "#figure(\n  align(left)[#table(")


def render_pdf(
    snapshot: dict[str, Any], edition: Edition, bodies: list[list[Node]] | None = None
) -> bytes:
    """The PDF; a character that no installed font has is shown as U+FFFD (at most
    GLYPH_RETRIES more tries, each replacing the script of what the compiler named)."""
    source = render_typst_source(snapshot, edition, bodies)
    logo = logo_file(body_of(snapshot))
    files = dict([logo]) if logo else {}
    for attempt in range(GLYPH_RETRIES + 1):
        try:
            return compile_pdf(source, timestamp=edition.published_at.timestamp(), files=files)
        except RenderFailed as failure:
            chars = _undrawable(failure)
            if not chars or attempt == GLYPH_RETRIES:
                raise
            source = _replace_script(source, chars)
    raise AssertionError("unreachable")


def render_docx(
    snapshot: dict[str, Any], edition: Edition, bodies: list[list[Node]] | None = None
) -> bytes:
    bodies = parse_snapshot(snapshot) if bodies is None else bodies
    facts: dict[str, Any] = dict(cover_facts(snapshot, edition))
    # Word shows title, subtitle, author and date above the text.
    rt = f"Responding to {facts['responding-to']}"
    if facts["rt-publisher"]:
        rt += f" ({facts['rt-publisher']}{', ' + facts['rt-date'] if facts['rt-date'] else ''})"
    facts["subtitle"] = rt
    facts["author"] = " · ".join(
        part for part in (facts["body-name"], facts["contact"], facts["website"]) if part
    )
    draft = "Draft · " if edition.draft else ""
    facts["date"] = f"{draft}Version {edition.version}, {facts['date']}"
    tree = briefing_tree(snapshot, facts, bodies, typst=False)
    body = body_of(snapshot)
    reference = reference_docx(body.name, body.colour)
    # No --toc: Word would ask to update its field on opening; document.py lists
    # the positions itself when the briefing is long.
    args = ["-f", "json", "-t", "docx", "-o", "-", f"--reference-doc={reference}"]
    return run_pandoc(args, json.dumps(tree).encode("utf-8"))


def render_html(snapshot: dict[str, Any], edition: Edition) -> bytes:
    rt_date = snapshot["responding_to"]["date"]
    numbered = [number_paragraphs(p["body_html"], p["number"]) for p in snapshot["positions"]]
    marked = key_positions(snapshot["positions"])
    if marked:  # the key asks are those positions; the summary is printed whole
        lead, asks = Markup(snapshot["summary_html"]), Markup("")  # noqa: S704  (our renderer's HTML)
    else:
        lead, asks = split_first_list(snapshot["summary_html"])
    body = body_of(snapshot)
    page = _html.get_template("briefing.html").render(
        s=snapshot,
        body=body,
        accent=readable(body.colour),
        numbered=numbered,
        lead=lead,
        asks=asks,
        key_positions=marked,
        contents=needs_contents(snapshot),
        draft=edition.draft,
        rt_url=_safe_url(snapshot["responding_to"].get("url", "")),
        names={t["slug"]: t["name"] for t in snapshot["themes"]},
        version=edition.version,
        date=long_date(edition.published_at),
        rt_date=_iso_date(rt_date),
        change_note=edition.change_note,
    )
    return page.encode("utf-8")


def render_all(snapshot: dict[str, Any], edition: Edition) -> Rendered:
    """Every format, or RenderFailed with the reason; timings for the benchmark.

    The DOCX is made in a second thread while the PDF is made here: each is mostly
    a pandoc process, so the two overlap and publishing waits for the slower one."""
    start = time.perf_counter()
    bodies = parse_snapshot(snapshot)  # read once, written twice
    seconds = {"parse": time.perf_counter() - start}

    def timed(name: str, make: Callable[[], bytes]) -> bytes:
        begun = time.perf_counter()
        made = make()
        seconds[name] = time.perf_counter() - begun
        return made

    with ThreadPoolExecutor(max_workers=1) as pool:
        docx = pool.submit(timed, DOCX, lambda: render_docx(snapshot, edition, bodies))
        pdf = timed(PDF, lambda: render_pdf(snapshot, edition, bodies))
        html = timed(HTML, lambda: render_html(snapshot, edition))
        docx_bytes = docx.result()
    return Rendered(pdf, docx_bytes, html, seconds)
