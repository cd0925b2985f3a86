"""A word diff of two Markdown texts, shown rendered: formatting as formatting, the
changed words marked, and no asterisks or hashes showing through.

The word diff (diff.py, with its bounds) runs on the Markdown source. The old and
new words are merged into one source with private-use characters around each
changed run, placed so that they never break a line's block syntax (after a
heading's hashes, a list's bullet, a quote's marker and leading spaces, and before
the run's closing whitespace). The merged source goes through the one Markdown
renderer (raw HTML off, so whatever the texts say stays text); the marks then
become <ins>/<del> in the HTML's text only - never inside a tag - each closed
within the piece of text it opened in, so the markup always nests."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .diff import NOTE, word_diff
from .markdown import render_markdown

# Private-use characters: nothing a person types, nothing the renderer treats as syntax.
_MARKS = {"ins": ("\ue000", "\ue001"), "del": ("\ue002", "\ue003")}
_ANY_MARK = re.compile("[\ue000-\ue003]")
_LINE_START = re.compile(r"[ \t]*(?:(?:#{1,6}|>|[-*+]|[0-9]{1,9}[.)])[ \t]+)*")
_TAG = re.compile(r"(<[^>]*>)")
_SPLIT = re.compile("([\ue000-\ue003])")
_KIND_OF = {"\ue000": "ins", "\ue001": None, "\ue002": "del", "\ue003": None}
_OPEN = {
    "ins": '<ins class="tbl-ins"><span class="govuk-visually-hidden">[added: </span>',
    "del": '<del class="tbl-del"><span class="govuk-visually-hidden">[removed: </span>',
}
_CLOSE = {
    "ins": '<span class="govuk-visually-hidden">]</span></ins>',
    "del": '<span class="govuk-visually-hidden">]</span></del>',
}


def _marked(kind: str, text: str, at_line_start: bool) -> str:
    """`text` with its changed words between the marks of `kind`."""
    opening, closing = _MARKS[kind]
    lead = len(text) - len(text.lstrip())
    if at_line_start or "\n" in text[:lead]:
        line_start = text.rfind("\n", 0, lead) + 1
        lead = line_start + _LINE_START.match(text, line_start).end()  # type: ignore[union-attr]
    core_end = len(text.rstrip())
    if core_end <= lead:
        return text  # only spaces or markers changed: nothing to mark in the text
    return text[:lead] + opening + text[lead:core_end] + closing + text[core_end:]


def merged_source(old: str, new: str) -> tuple[str, bool]:
    """The Markdown with old and new words together, marked; and whether the diff
    was coarsened to whole paragraphs (too large to compare word by word)."""
    out: list[str] = []
    coarse = False
    for piece in word_diff(old, new):
        if piece.kind == "note":
            coarse = True
            continue
        at_start = not out or out[-1].endswith("\n")
        out.append(
            piece.text if piece.kind == "same" else _marked(piece.kind, piece.text, at_start)
        )
    return "".join(out), coarse


def _to_tags(rendered: str) -> str:
    """The marks in rendered HTML turned into <ins>/<del>, in text only: each run of
    text between tags and marks is wrapped on its own, so the markup always nests."""
    out: list[str] = []
    inside: str | None = None
    for part in _TAG.split(rendered):
        if part.startswith("<"):
            out.append(_ANY_MARK.sub("", part))  # a mark in an attribute is dropped
            continue
        for piece in _SPLIT.split(part):
            if piece in _KIND_OF:
                inside = _KIND_OF[piece]
            elif inside and piece.strip():
                out.append(_OPEN[inside] + piece + _CLOSE[inside])
            else:
                out.append(piece)
    return "".join(out)


def markdown_diff_html(old: str, new: str) -> Markup:
    """Old and new Markdown rendered as one text, removed and added words marked."""
    source, coarse = merged_source(old, new)
    body = _to_tags(render_markdown(source))
    note = (
        f'<p class="govuk-body"><strong class="tbl-diff__note">{escape(NOTE)}</strong></p>'
        if coarse
        else ""
    )
    return Markup(note + body)  # noqa: S704  (the renderer escapes text; raw HTML is off)
