"""A comment on one paragraph: its words offered as the quote, narrowed by the reviewer.

"Comment on this paragraph" (the keyboard's way to quote) fills the form with the
whole paragraph; the reviewer deletes the words they are not commenting on. What
is left must still be words of that paragraph as it stands, so the quote is
checked against it - not against the whole position, where the same words might
sit elsewhere - and its context is taken from where it sits in that paragraph.

Paragraphs are numbered as the page numbers its "Comment on this paragraph"
links: every top-level block of the position counts, from 1, and only blocks
with text to quote can be asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Invalid, NotFound
from . import anchors


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: str  # its words as a reader sees them, squeezed
    offset: int  # where they start in the position's plain text


def paragraph(body: str, number: int, label: str) -> Paragraph:
    """Paragraph `number` of a position's text (label names the position in errors)."""
    found = anchors.blocks(body)
    if not 1 <= number <= len(found) or not found[number - 1].commentable:
        raise NotFound(f"{label} has no paragraph {number}")
    offset = 0
    for block in found[: number - 1]:
        if block.text:
            offset += len(block.text) + 1
    return Paragraph(number, found[number - 1].text, offset)


@dataclass(frozen=True)
class Narrowed:
    quote: str
    prefix: str
    suffix: str


def narrow(body: str, number: int, quote: str, label: str) -> Narrowed:
    """The quote as part of paragraph `number`, with the words either side of it.

    An emptied quote is a comment on the position as a whole. Refused (422, beside
    the quote) when the words are not in the paragraph as it stands now, or the
    paragraph is gone since the form was opened."""
    try:
        para = paragraph(body, number, label)
    except NotFound as exc:
        raise Invalid(
            f"paragraph {number} of {label} is no longer there: the text has changed "
            "since you opened the form; reload the page and choose the paragraph again",
            field="quote",
        ) from exc
    words = anchors.squeeze(quote)
    if not words:
        return Narrowed("", "", "")
    at = para.text.find(words)
    if at == -1:
        raise Invalid(
            f"the passage must be words from paragraph {number} of {label} as it stands: "
            "delete the words you are not commenting on, but do not change or add any",
            field="quote",
        )
    start = para.offset + at
    context = anchors.context_at(anchors.plain_text(body), start, start + len(words))
    return Narrowed(words, context.prefix, context.suffix)
