"""Anchors: find a quoted passage again in the current text of a response.

A comment keeps the passage it quoted and a few words either side, exactly as
they were. Each time the page is built the quote is looked for in the current
text: found verbatim it is "attached" (the context words choose between repeats),
found nearly (a reworded passage) it is "changed" and points at the new wording,
and not found it is "outdated" with the original quote kept. Nothing is dropped.

Text is compared as the reader sees it - Markdown reduced to its words, with
runs of white space made single spaces - so a selection made in the browser and
the stored Markdown meet on the same ground.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it.token import Token

from ..rendering.cache import ByteCache, text_bytes
from ..rendering.markdown import parser

ATTACHED = "attached"
CHANGED = "changed"
OUTDATED = "outdated"
LABELS = {ATTACHED: "On this passage", CHANGED: "Text changed", OUTDATED: "Outdated"}

CONTEXT_WORDS = 8
# A reworded passage must keep this share of its words (in order) to count as the same.
FUZZY_THRESHOLD = 0.6
# Windows this close to the best likeness compete on their context words.
NEAR = 0.1
CONTEXT_WEIGHT = 0.3

_WORD = re.compile(r"\w+", re.UNICODE)


def squeeze(text: str) -> str:
    """White space made single spaces, ends trimmed: how quotes and text are compared."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Block:
    """One top-level block of a position (paragraph, list, table...) for display."""

    html: str
    text: str  # the block's words as a reader sees them, squeezed
    commentable: bool


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


# Positions split into blocks, kept by their text (so never stale), bounded in bytes;
# create_app sizes it from the settings.
BLOCKS: ByteCache[tuple[Block, ...]] = ByteCache(16 * 1024 * 1024, ttl=math.inf)


def blocks(body: str, doc_id: str = "") -> tuple[Block, ...]:
    """The position's top-level blocks, each rendered and with its plain text.

    Rendered with the shared parser and the same doc_id as the stored body_html,
    so the blocks joined give the same HTML; cached because bodies repeat."""
    return BLOCKS.get_or_make(
        (body, doc_id),
        lambda: _split(body, doc_id),
        lambda found: text_bytes(body, doc_id, *(b.html for b in found), *(b.text for b in found)),
    )


def _split(body: str, doc_id: str) -> tuple[Block, ...]:
    md = parser()
    env: dict[str, object] = {"docId": doc_id} if doc_id else {}
    tokens = md.parse(body, env)
    out: list[Block] = []
    start = 0
    depth = 0
    for i, token in enumerate(tokens):
        depth += token.nesting
        if depth != 0:
            continue
        chunk = tokens[start : i + 1]
        start = i + 1
        html = md.renderer.render(chunk, md.options, env)
        text = squeeze(" ".join(_inline_text(t) for t in chunk if t.type == "inline"))
        footnotes = chunk[0].type == "footnote_block_open"
        out.append(Block(html, text, bool(text) and not footnotes))
    return tuple(out)


def plain_text(body: str) -> str:
    """The whole position as one line of reader-visible words."""
    return " ".join(b.text for b in blocks(body) if b.text)


@dataclass(frozen=True)
class Context:
    prefix: str
    suffix: str


def context_at(text: str, start: int, end: int, words: int = CONTEXT_WORDS) -> Context:
    """A few words either side of text[start:end], to find the passage again later."""
    before = text[:start].split()
    after = text[end:].split()
    return Context(" ".join(before[-words:]) if words else "", " ".join(after[:words]))


@dataclass(frozen=True)
class Found:
    """Where a quote sits in the current text of one position."""

    state: str  # ATTACHED, CHANGED or OUTDATED
    position_id: int | None
    start: int = 0
    end: int = 0
    passage: str = ""  # the current wording (same as the quote when attached)
    score: float = 0.0


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _similar(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a.lower(), b.lower(), autojunk=False).ratio()


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    near = context_at(text, start, end, max(len(prefix.split()), len(suffix.split())))
    before = " ".join(near.prefix.split()[-len(prefix.split()) :]) if prefix else ""
    after = " ".join(near.suffix.split()[: len(suffix.split())]) if suffix else ""
    return _similar(before, prefix) + _similar(after, suffix)


def exact(text: str, quote: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """The span of the quote in text; among repeats, the one whose context fits best."""
    starts = _occurrences(text, quote) if quote else []
    if not starts:
        return None
    if len(starts) > 1 and (prefix or suffix):
        starts.sort(key=lambda s: -_context_score(text, s, s + len(quote), prefix, suffix))
    return starts[0], starts[0] + len(quote)


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def fuzzy(
    text: str, quote: str, prefix: str = "", suffix: str = "", threshold: float = FUZZY_THRESHOLD
) -> tuple[int, int, float] | None:
    """The window of words most like the quote, if it is alike enough.

    Windows a little shorter and longer than the quote are tried, since rewording
    adds and drops words; quick upper bounds skip most of them cheaply. Among
    windows nearly as alike as the best, the context words settle where the
    passage begins and ends (so a trailing word is not cut off)."""
    wanted = [w for w, _s, _e in _words(quote)]
    words = _words(text)
    if not wanted or not words:
        return None
    n = len(wanted)
    slack = max(1, n // 3)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)  # the quote is fixed: its index is built once
    candidates: list[tuple[float, int, int]] = []
    floor = threshold
    for size in range(max(1, n - slack), min(len(words), n + slack) + 1):
        for i in range(0, len(words) - size + 1):
            matcher.set_seq1([w for w, _s, _e in words[i : i + size]])
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            ratio = matcher.ratio()
            if ratio >= floor:
                candidates.append((ratio, i, i + size))
                floor = max(floor, ratio - NEAR)
    if not candidates:
        return None
    top = max(c[0] for c in candidates)

    def score(candidate: tuple[float, int, int]) -> float:
        ratio, i, j = candidate
        start, end = _widen(text, quote, words[i][1], words[j - 1][2])
        fit = _context_score(text, start, end, prefix, suffix) / 2 if prefix or suffix else 0
        return ratio + CONTEXT_WEIGHT * fit

    ratio, i, j = max((c for c in candidates if c[0] >= top - NEAR), key=score)
    start, end = _widen(text, quote, words[i][1], words[j - 1][2])
    return start, end, ratio


def _widen(text: str, quote: str, start: int, end: int) -> tuple[int, int]:
    """Words are matched, but the passage keeps the punctuation the quote had."""
    if not quote[-1:].isalnum():
        while end < len(text) and not text[end].isspace() and not text[end].isalnum():
            end += 1
    if not quote[:1].isalnum():
        while start > 0 and not text[start - 1].isspace() and not text[start - 1].isalnum():
            start -= 1
    return start, end


def locate(
    quote: str,
    prefix: str,
    suffix: str,
    home: int | None,
    texts: Mapping[int, str],
) -> Found:
    """Where a quote made on position `home` is now, among the live positions' texts.

    Verbatim beats reworded, and the position it was made on beats the others: a
    passage moved whole to another position is followed there."""
    quote = squeeze(quote)
    order = ([home] if home is not None and home in texts else []) + [
        pid for pid in texts if pid != home
    ]
    for pid in order:
        span = exact(texts[pid], quote, prefix, suffix)
        if span is not None:
            return Found(ATTACHED, pid, span[0], span[1], quote, 1.0)
    best: Found | None = None
    for pid in order:
        near = fuzzy(texts[pid], quote, prefix, suffix)
        if near is not None and (best is None or near[2] > best.score):
            start, end, score = near
            best = Found(CHANGED, pid, start, end, texts[pid][start:end], score)
    if best is not None:
        return best
    return Found(OUTDATED, home, passage=quote)


def block_of(body: str, start: int) -> int:
    """The index of the commentable block a plain-text offset falls in."""
    at = 0
    index = 0
    for i, block in enumerate(blocks(body)):
        if not block.text:
            continue
        if start < at + len(block.text) + 1:
            return i
        at += len(block.text) + 1
        index = i
    return index
