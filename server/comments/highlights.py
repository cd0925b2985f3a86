"""Quoted passages highlighted in a position's text: <mark> around each anchored range.

The anchoring (anchors.locate) says where each thread's passage sits as a range of
the position's plain text - Markdown reduced to its words, blocks joined by one
space. This module puts that range back into the HTML: the position is parsed
once more, its inline text pieces are cut where a range begins or ends, and each
covered piece is wrapped in a <mark> naming the threads on it. Working on the
parser's tokens, not on the finished HTML, means a passage that crosses bold,
links or code gets one <mark> per piece and the HTML stays well formed; raw HTML
is still off, so no text of anyone's can become markup.

The highlighted HTML is made on the server, so it shows without JavaScript; the
page's script only moves the threads beside it. It is kept by content (the body,
its doc id and the ranges), so it is never stale and an unchanged position is not
parsed again when a thread elsewhere changes.

Bound: at most MAX_MARKED threads are highlighted per position (open ones first);
the work is one parse of the position (linear, 50,000 characters at most), one
linear pass over its inline pieces, and sorting the at most 2 * MAX_MARKED range
ends - so a position's cost does not grow with the product of its length and its
threads.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from ..cache import ByteCache, text_bytes
from ..text.markdown import parser
from .anchors import Block, blocks

MAX_MARKED = 100
_WORD = re.compile(r"\S+")
_ATOMIC = ("softbreak", "hardbreak", "image")


@dataclass(frozen=True, order=True)
class Mark:
    """One thread's passage: a range of the position's plain text."""

    start: int
    end: int
    thread_id: int
    open: bool = True


@dataclass(frozen=True)
class Highlighted:
    blocks: tuple[Block, ...]  # as anchors.blocks, with <mark>s in the HTML
    targets: tuple[tuple[int, str], ...] = ()  # thread id -> id of its first <mark>

    def target(self, thread_id: int) -> str:
        return dict(self.targets).get(thread_id, "")


def mark_id(thread_id: int) -> str:
    return f"mark-{thread_id}"


# Highlighted positions, kept by content (so never stale), bounded in bytes;
# create_app sizes it from the settings.
HIGHLIGHTS: ByteCache[Highlighted] = ByteCache(8 * 1024 * 1024, ttl=math.inf)


def chosen(marks: Sequence[Mark]) -> tuple[Mark, ...]:
    """The marks that are drawn: non-empty, at most MAX_MARKED, open threads first."""
    usable = [m for m in marks if m.end > m.start]
    usable.sort(key=lambda m: (not m.open, m.thread_id))
    return tuple(sorted(usable[:MAX_MARKED]))


def highlight(body: str, doc_id: str, marks: Sequence[Mark]) -> Highlighted:
    """The position's blocks with each mark's passage highlighted (cached by content)."""
    drawn = chosen(marks)
    if not drawn:
        return Highlighted(blocks(body, doc_id))
    return HIGHLIGHTS.get_or_make(
        (body, doc_id, drawn),
        lambda: _highlight(body, doc_id, drawn),
        lambda found: text_bytes(body, *(b.html for b in found.blocks)) + 100 * len(drawn),
    )


def _chunks(tokens: list[Token]) -> list[list[Token]]:
    """The top-level blocks' tokens, split as anchors.blocks splits them."""
    out: list[list[Token]] = []
    start = depth = 0
    for i, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            out.append(tokens[start : i + 1])
            start = i + 1
    return out


def _highlight(body: str, doc_id: str, marks: tuple[Mark, ...]) -> Highlighted:
    plain = blocks(body, doc_id)
    md = parser()
    env: dict[str, object] = {"docId": doc_id} if doc_id else {}
    chunks = _chunks(md.parse(body, env))
    if len(chunks) != len(plain):  # cannot happen with one parser; never draw wrongly
        return Highlighted(plain)
    # Where each block's text starts in the plain text (blocks with text only).
    starts: list[int] = []
    at = 0
    for block in plain:
        starts.append(at)
        if block.text:
            at += len(block.text) + 1
    targets: dict[int, str] = {}
    out: list[Block] = []
    for index, (block, chunk) in enumerate(zip(plain, chunks, strict=True)):
        begin, end = starts[index], starts[index] + len(block.text)
        local = [
            Mark(max(m.start, begin) - begin, min(m.end, end) - begin, m.thread_id, m.open)
            for m in marks
            if block.text and m.start < end and m.end > begin
        ]
        if not local:
            out.append(block)
            continue
        if not _mark_chunk(chunk, block.text, local, targets):
            out.append(block)
            continue
        html = md.renderer.render(chunk, md.options, env)
        out.append(Block(html, block.text, block.commentable))
    return Highlighted(tuple(out), tuple(sorted(targets.items())))


def _contributes(child: Token) -> str:
    """The text a child adds to the block's plain text (anchors._inline_text's rule)."""
    if child.type in ("text", "code_inline", "image"):
        return child.content
    if child.type in ("softbreak", "hardbreak"):
        return " "
    return ""


def _mark_chunk(chunk: list[Token], text: str, marks: list[Mark], targets: dict[int, str]) -> bool:
    """Wrap the marked pieces of one block's inline tokens in <mark>s, in place.
    False (nothing changed) if the tokens do not give the block's text."""
    inlines = [t for t in chunk if t.type == "inline"]
    # Each child's place in the raw text (inline tokens joined by one space).
    places: list[tuple[int, int]] = []
    raw_parts: list[str] = []
    at = 0
    for n, token in enumerate(inlines):
        if n:
            raw_parts.append(" ")
            at += 1
        for child in token.children or []:
            piece = _contributes(child)
            places.append((at, at + len(piece)))
            raw_parts.append(piece)
            at += len(piece)
    raw = "".join(raw_parts)
    to_raw = _squeeze_map(raw, text)
    if to_raw is None:
        return False
    spans = [(to_raw(m.start), to_raw(m.end - 1) + 1, m) for m in marks]
    cuts, covers = _elementary(spans)
    i = 0
    for token in inlines:
        children: list[Token] = []
        for child in token.children or []:
            start, end = places[i]
            i += 1
            if end <= start:
                children.append(child)
            elif child.type in _ATOMIC:
                cover = _cover_over(cuts, covers, start, end)
                children.extend(_wrap([child], cover, targets))
            else:
                children.extend(_cut(child, start, end, cuts, covers, targets))
        token.children = children
    return True


def _squeeze_map(raw: str, text: str) -> _RawOffset | None:
    """A map from offsets in the squeezed text to offsets in raw, or None when
    squeezing raw does not give text (then nothing is drawn)."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(raw)]
    squeezed_starts: list[int] = []
    at = 0
    for s, e in words:
        squeezed_starts.append(at)
        at += e - s + 1
    if " ".join(raw[s:e] for s, e in words) != text:
        return None
    return _RawOffset(words, squeezed_starts)


class _RawOffset:
    def __init__(self, words: list[tuple[int, int]], starts: list[int]) -> None:
        self.words, self.starts = words, starts

    def __call__(self, offset: int) -> int:
        k = max(0, bisect.bisect_right(self.starts, offset) - 1)
        s, e = self.words[k]
        inside = offset - self.starts[k]
        return s + inside if inside < e - s else e  # a squeezed space: where the gap begins


Cover = tuple[Mark, ...]


def _elementary(spans: list[tuple[int, int, Mark]]) -> tuple[list[int], list[Cover]]:
    """The raw text cut at every span's ends; for each stretch cuts[k]..cuts[k+1],
    the marks covering it, shortest first (that thread is the one a click opens)."""
    cuts = sorted({p for s, e, _m in spans for p in (s, e)})
    covers: list[Cover] = []
    for k in range(len(cuts) - 1):
        lo, hi = cuts[k], cuts[k + 1]
        over = [(e - s, m.thread_id, m) for s, e, m in spans if s <= lo and e >= hi]
        covers.append(tuple(m for _len, _id, m in sorted(over)))
    return cuts, covers


def _cover_over(cuts: list[int], covers: list[Cover], start: int, end: int) -> Cover:
    """Every mark touching raw[start:end] (for a piece that cannot be cut)."""
    found: dict[int, Mark] = {}
    k = max(0, bisect.bisect_right(cuts, start) - 1)
    while k < len(covers) and cuts[k] < end:
        if cuts[k + 1] > start:
            for m in covers[k]:
                found.setdefault(m.thread_id, m)
        k += 1
    return tuple(found.values())


def _cut(
    child: Token,
    start: int,
    end: int,
    cuts: list[int],
    covers: list[Cover],
    targets: dict[int, str],
) -> list[Token]:
    """A text or code piece cut where marks begin and end, the marked parts wrapped."""
    out: list[Token] = []
    inside = cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]
    points = [start, *inside, end]
    for lo, hi in zip(points, points[1:], strict=False):
        k = bisect.bisect_right(cuts, lo) - 1
        cover = covers[k] if 0 <= k < len(covers) and cuts[k + 1] >= hi else ()
        text = child.content[lo - start : hi - start]
        piece = Token(child.type, child.tag, child.nesting, content=text, markup=child.markup)
        out.extend(_wrap([piece], cover, targets))
    return out


def _wrap(pieces: list[Token], cover: Cover, targets: dict[int, str]) -> list[Token]:
    if not cover:
        return pieces
    names = [m.thread_id for m in cover]
    classes = ["tbl-mark"]
    if not any(m.open for m in cover):
        classes.append("tbl-mark--closed")
    if len(cover) > 1:
        classes.append("tbl-mark--overlap")
    attrs: dict[str, str | int | float] = {
        "class": " ".join(classes),
        "data-threads": " ".join(str(n) for n in names),
    }
    new = [n for n in sorted(names) if n not in targets]
    if new:
        attrs["id"] = mark_id(new[0])
        for n in new:
            targets[n] = mark_id(new[0])
    return [Token("mark_open", "mark", 1, attrs=attrs), *pieces, Token("mark_close", "mark", -1)]
