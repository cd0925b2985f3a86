"""Anchors: find a quoted passage again in the current text of a response.

A comment keeps the passage it quoted and a few words either side, exactly as
they were. Each time the page is built the quote is looked for in the current
text: found verbatim it is "attached" (the context words choose between repeats),
found nearly (a reworded passage) it is "changed" and points at the new wording,
and not found it is "outdated" with the original quote kept. Nothing is dropped.

Text is compared as the reader sees it - Markdown reduced to its words, with
runs of white space made single spaces - so a selection made in the browser and
the stored Markdown meet on the same ground.

Bounds (issue 11): contexts are cut to CONTEXT_WORDS words and CONTEXT_CHARS
characters before any matching; a verbatim search is linear and compares at
most MAX_OCCURRENCES repeats on their context words; a reworded quote is looked
for at FUZZY_CANDIDATES places per position, proposed by a word index of the
text, each skipped unless its shared words could reach the threshold, and
aligned with difflib only for quotes of at most FUZZY_WORDS words on a window a
third longer than the quote - so the work per quote does not grow with the
square of anything a person can type.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it.token import Token

from ..cache import ByteCache, text_bytes
from ..text.markdown import parser

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
# A likeness this close on the comment's own position beats the words verbatim
# on another position.
HOME_LIKENESS = 0.8

# Bounds on the work per quote (see the functions' docstrings).
CONTEXT_CHARS = 200  # context kept either side, in characters, before matching
MAX_OCCURRENCES = 2_000  # repeats of a quote (or of one of its words) looked at
RARE_WORDS = 5  # the quote's rarest words that propose where a rewording sits
MAX_VOTES = 500  # places each of those words proposes
FUZZY_CANDIDATES = 8  # places aligned with difflib per position
FUZZY_WORDS = 60  # longer quotes are compared by shared words, not aligned
FUZZY_SCAN_WORDS = 60_000  # words of text searched for a rewording, per quote

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


def cap_context(prefix: str, suffix: str) -> tuple[str, str]:
    """At most CONTEXT_WORDS words and CONTEXT_CHARS characters either side: cut
    before any matching, so a long stored or posted context costs nothing extra."""
    before = squeeze(prefix[-CONTEXT_CHARS * 2 :])[-CONTEXT_CHARS:].split()[-CONTEXT_WORDS:]
    after = squeeze(suffix[: CONTEXT_CHARS * 2])[:CONTEXT_CHARS].split()[:CONTEXT_WORDS]
    return " ".join(before), " ".join(after)


def _occurrences(text: str, quote: str) -> list[int]:
    """Where the quote starts, at most MAX_OCCURRENCES of them (str.find: linear)."""
    found: list[int] = []
    at = text.find(quote)
    while at != -1 and len(found) < MAX_OCCURRENCES:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _similar(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """How well the words around text[start:end] match the context: 0 to 2.

    Only CONTEXT_CHARS * 2 characters either side are looked at, and the words
    are compared as words (at most CONTEXT_WORDS a side), so one call is cheap."""
    want_before = prefix.lower().split()
    want_after = suffix.lower().split()
    near_before = text[max(0, start - CONTEXT_CHARS * 2) : start].lower().split()
    near_after = text[end : end + CONTEXT_CHARS * 2].lower().split()
    before = near_before[-len(want_before) :] if want_before else []
    after = near_after[: len(want_after)] if want_after else []
    return _similar(before, want_before) + _similar(after, want_after)


def exact(text: str, quote: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """The span of the quote in text; among repeats, the one whose context fits best.

    Bound: one linear scan for the quote, then at most MAX_OCCURRENCES repeats
    each compared on a few words of context."""
    starts = _occurrences(text, quote) if quote else []
    if not starts:
        return None
    prefix, suffix = cap_context(prefix, suffix)
    if len(starts) > 1 and (prefix or suffix):
        starts.sort(key=lambda s: -_context_score(text, s, s + len(quote), prefix, suffix))
    return starts[0], starts[0] + len(quote)


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


Index = tuple[list[tuple[str, int, int]], dict[str, list[int]]]
# Word indexes of texts being re-anchored, kept by content and bounded in bytes
# (about 150 bytes a word): a page view indexes each position once.
INDEXES: ByteCache[Index] = ByteCache(8 * 1024 * 1024, ttl=math.inf)


def _indexed(text: str) -> Index:
    """The text's words, and where each word occurs: built once per text, linear."""
    return INDEXES.get_or_make(
        text, lambda: _index(text), lambda found: len(text) + 150 * len(found[0])
    )


def _index(text: str) -> Index:
    words = _words(text)
    where: dict[str, list[int]] = {}
    for i, (word, _s, _e) in enumerate(words):
        where.setdefault(word, []).append(i)
    return words, where


def _candidate_starts(wanted: list[str], where: dict[str, list[int]]) -> list[int]:
    """Word indexes where a window like the quote may start, best first.

    The quote's RARE_WORDS rarest words that occur in the text vote for the start
    their place in the quote implies (each at most MAX_VOTES times, so a text of
    a few words repeated costs no more than a varied one); nearby starts share a
    bucket, and the FUZZY_CANDIDATES buckets most words voted for win."""
    offset: dict[str, int] = {}
    for i, word in enumerate(wanted):
        offset.setdefault(word, i)
    present = sorted((len(where[w]), w) for w in offset if w in where)[:RARE_WORDS]
    width = max(1, len(wanted) // 4)
    votes: dict[int, int] = {}
    first: dict[int, int] = {}
    for _count, word in present:
        shift = offset[word]
        voted: set[int] = set()  # one vote per word and bucket
        for at in where[word][:MAX_VOTES]:
            start = at - shift if at > shift else 0
            bucket = start // width
            if bucket in voted:
                continue
            voted.add(bucket)
            votes[bucket] = votes.get(bucket, 0) + 1
            if start < first.get(bucket, start + 1):
                first[bucket] = start
    best = sorted(votes, key=lambda b: (-votes[b], b))[:FUZZY_CANDIDATES]
    return [first[b] for b in best]


def _spans(window: list[str], wanted: list[str]) -> dict[tuple[int, int], float]:
    """Likely (start, end) word spans of the quote inside a window, with their likeness.

    One difflib alignment of the window with the quote; each span runs from the
    first or second aligned run to the last or second last, give or take two
    words, and its likeness is the aligned words inside it, 2M / (span + quote),
    as difflib's ratio counts them - so the spans cost no further alignment."""
    n = len(wanted)
    if n > FUZZY_WORDS:  # too long to align word by word: its extent and shared words
        bag = set(wanted)
        inside = [i for i, w in enumerate(window) if w in bag]
        if not inside:
            return {}
        lo, hi = inside[0], inside[-1] + 1
        return {(lo, hi): 2.0 * _shared(window[lo:hi], wanted) / (hi - lo + n)}
    matcher = difflib.SequenceMatcher(None, window, wanted, autojunk=False)
    runs = [b for b in matcher.get_matching_blocks() if b.size]
    if not runs:
        return {}
    second, second_last = runs[min(1, len(runs) - 1)], runs[max(0, len(runs) - 2)]
    starts = {runs[0].a, second.a}
    ends = {runs[-1].a + runs[-1].size, second_last.a + second_last.size}
    out: dict[tuple[int, int], float] = {}
    for s in starts:
        for e in ends:
            for grow_s in range(3):
                for grow_e in range(3):
                    lo, hi = max(0, s - grow_s), min(len(window), e + grow_e)
                    if lo >= hi:
                        continue
                    aligned = sum(max(0, min(hi, r.a + r.size) - max(lo, r.a)) for r in runs)
                    out[(lo, hi)] = 2.0 * aligned / (hi - lo + n)
    return out


def _shared(span: list[str], wanted: list[str]) -> int:
    """How many of the quote's words the span has, counted as a bag: linear."""
    have: dict[str, int] = {}
    for w in span:
        have[w] = have.get(w, 0) + 1
    common = 0
    for w in wanted:
        if have.get(w, 0) > 0:
            have[w] -= 1
            common += 1
    return common


def fuzzy(
    text: str, quote: str, prefix: str = "", suffix: str = "", threshold: float = FUZZY_THRESHOLD
) -> tuple[int, int, float] | None:
    """The span of words most like the quote, if it is alike enough.

    Bound: the text's word index is built once (linear, cached); the quote's rarest
    words propose at most FUZZY_CANDIDATES places; each is aligned with difflib
    on a window of the quote's length plus a third (quotes over FUZZY_WORDS words
    by shared words only). Among spans nearly as alike as the best, the context
    words settle where the passage begins and ends."""
    wanted = [w for w, _s, _e in _words(quote)]
    words, where = _indexed(text)
    if not wanted or not words:
        return None
    prefix, suffix = cap_context(prefix, suffix)
    n = len(wanted)
    slack = max(2, n // 3)
    candidates: dict[tuple[int, int], float] = {}
    for begin in _candidate_starts(wanted, where):
        lo, hi = max(0, begin - slack), min(len(words), begin + n + slack)
        window = [w for w, _s, _e in words[lo:hi]]
        common = _shared(window, wanted)
        if 2.0 * common / (common + n) < threshold:
            continue  # no span of this window can be alike enough: skip the alignment
        for (s, e), ratio in _spans(window, wanted).items():
            if ratio >= threshold:
                candidates[(lo + s, lo + e)] = ratio
    if not candidates:
        return None
    top = max(candidates.values())

    def score(span: tuple[int, int]) -> float:
        start, end = _widen(text, quote, words[span[0]][1], words[span[1] - 1][2])
        fit = _context_score(text, start, end, prefix, suffix) / 2 if prefix or suffix else 0
        return candidates[span] + CONTEXT_WEIGHT * fit

    near = [span for span, ratio in candidates.items() if ratio >= top - NEAR]
    i, j = max(near, key=lambda span: (score(span), -span[0]))
    start, end = _widen(text, quote, words[i][1], words[j - 1][2])
    return start, end, candidates[(i, j)]


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

    The position it was made on comes first: verbatim there, then a close likeness
    there (HOME_LIKENESS), then verbatim elsewhere (a passage moved whole to
    another position is followed there), then the likeliest rewording anywhere.
    Bound: one linear search per position, and fuzzy() per position until
    FUZZY_SCAN_WORDS words of text have been searched."""
    quote = squeeze(quote)
    prefix, suffix = cap_context(prefix, suffix)
    others: list[int] = [pid for pid in texts if pid != home]
    order: list[int] = others
    if home is not None and home in texts:
        order = [home, *others]
        span = exact(texts[home], quote, prefix, suffix)
        if span is not None:
            return Found(ATTACHED, home, span[0], span[1], quote, 1.0)
        near = fuzzy(texts[home], quote, prefix, suffix, HOME_LIKENESS)
        if near is not None:
            start, end, score = near
            return Found(CHANGED, home, start, end, texts[home][start:end], score)
    for pid in others:
        span = exact(texts[pid], quote, prefix, suffix)
        if span is not None:
            return Found(ATTACHED, pid, span[0], span[1], quote, 1.0)
    best: Found | None = None
    scanned = 0
    for pid in order:
        if scanned > FUZZY_SCAN_WORDS:
            break
        scanned += texts[pid].count(" ") + 1
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
