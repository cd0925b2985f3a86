"""Checks for the author while writing: word counts and accessibility warnings.

Both are advice shown beside the text; neither ever refuses a save. Each is one
pass over the text (or over markdown-it's tokens, which are linear in it), and
bodies are capped by drafting.limits, so the cost is bounded by the input size.
The word count follows the same rule as the live count in static/editor.js.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from markdown_it.token import Token

from .markdown import parser, render_markdown

# Markdown that is not words a reader sees: a link's or image's address, a
# footnote's label, a list item's marker. Kept simple so JavaScript can match it.
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\s]*\]:?")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.MULTILINE)

MAX_WARNINGS = 20  # past this the author has the idea; the rest would be noise


def word_count(*texts: str) -> int:
    """Words as a reader counts them: runs of non-space characters holding a letter
    or a digit, once link addresses, footnote labels and list markers are removed."""
    total = 0
    for text in texts:
        plain = _LINK_TARGET.sub("]", text or "")
        plain = _FOOTNOTE_LABEL.sub(" ", plain)
        plain = _LIST_MARKER.sub("", plain)
        total += sum(1 for word in plain.split() if any(ch.isalnum() for ch in word))
    return total


class Written(Protocol):
    heading: str
    body: str


def words_in(positions: Iterable[Written]) -> int:
    """Words in a response's positions, headings and text, as consultation limits count."""
    return sum(word_count(p.heading, p.body) for p in positions)


@dataclass(frozen=True)
class Warning:
    """One thing a reader with a screen reader would miss, and how to fix it."""

    kind: str  # "link-without-text" or "image-without-alt"
    target: str
    message: str


def _link_message(href: str) -> str:
    return (
        f"The link to {href or 'an empty address'} has no text. Write what it leads to "
        "between the square brackets: [the report](address)."
    )


def _image_message(src: str) -> str:
    return (
        f"The image {src or 'with no address'} has no description (alt text). Describe it "
        "between the square brackets: ![what it shows](address)."
    )


def accessibility_warnings(markdown: str) -> list[Warning]:
    """Links without text and images without alt text in a position's Markdown."""
    found: list[Warning] = []
    for token in parser().parse(markdown or ""):
        if token.type == "inline" and token.children:
            found.extend(_inline_warnings(token.children))
        if len(found) >= MAX_WARNINGS:
            break
    return found[:MAX_WARNINGS]


def _inline_warnings(children: Iterable[Token]) -> list[Warning]:
    found: list[Warning] = []
    open_links: list[tuple[str, list[str]]] = []  # (href, text seen inside it)
    for child in children:
        if child.type == "link_open":
            open_links.append((str(child.attrGet("href") or ""), []))
        elif child.type == "link_close" and open_links:
            href, words = open_links.pop()
            if not "".join(words).strip():
                found.append(Warning("link-without-text", href, _link_message(href)))
        elif child.type == "image":
            if not child.content.strip():
                src = str(child.attrGet("src") or "")
                found.append(Warning("image-without-alt", src, _image_message(src)))
            for _, words in open_links:
                words.append(child.content)
        elif child.type in ("text", "code_inline") and open_links:
            for _, words in open_links:
                words.append(child.content)
    return found


@dataclass(frozen=True)
class Preview:
    """What the preview beside the editor shows: the rendered text and the warnings."""

    html: str
    warnings: list[Warning]


def preview_of(body: str) -> Preview:
    """The preview of a position's Markdown, as it will render once saved."""
    if not body.strip():
        return Preview("", [])
    return Preview(render_markdown(body, doc_id="preview"), accessibility_warnings(body))
