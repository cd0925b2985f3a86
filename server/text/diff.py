"""Word-level diffs, marked up so insertions and deletions differ by more than colour.

Bounded work: difflib's matcher (autojunk off) is quadratic in the worst case -
two 45,000-character texts took 7-18 s - so texts are compared paragraph by
paragraph first (common paragraphs at either end are trimmed in linear time,
then at most PARAGRAPHS_MAX paragraphs a side are matched), and words are
compared only within a changed pair of paragraphs whose differing middle (after
their common words at either end) has at most PAIR_TOKENS tokens, and
BUDGET_TOKENS per diff in all. Past a limit the changed paragraphs are
shown whole, removed then added, under a visible note (NOTE).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_PARAGRAPH = re.compile(r".*?(?:\n[ \t]*\n\s*|\Z)", re.DOTALL)

PARAGRAPHS_MAX = 400  # changed paragraphs a side that are matched to each other
PAIR_TOKENS = 2_000  # words, spaces and marks in a pair compared word by word
BUDGET_TOKENS = PAIR_TOKENS * 3  # for the whole diff
NOTE = "Too large to compare word by word: showing whole paragraphs."


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "ins", "del", or "note" (the diff was coarsened)
    text: str


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def paragraphs(text: str) -> list[str]:
    """The text cut after each blank line; joined, they give the text back."""
    return [p for p in _PARAGRAPH.findall(text) if p]


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """How many items a and b share at the start, and then at the end."""
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _words(old: str, new: str, limit: int) -> tuple[list[Piece], int] | None:
    """A word diff and the tokens it cost, or None when its changed middle (after
    the common words at either end, trimmed in linear time) is over `limit`."""
    a, b = tokenize(old), tokenize(new)
    head, tail = _common_ends(a, b)
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    cost = len(middle_a) + len(middle_b)
    if cost > limit:
        return None
    pieces = [Piece("same", "".join(a[:head]))] if head else []
    matcher = difflib.SequenceMatcher(a=middle_a, b=middle_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(middle_a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("del", "".join(middle_a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("ins", "".join(middle_b[j1:j2])))
    if tail:
        pieces.append(Piece("same", "".join(a[len(a) - tail :])))
    return pieces, cost


def _whole(old: list[str], new: list[str]) -> list[Piece]:
    out = [Piece("del", "".join(old))] if old else []
    return out + ([Piece("ins", "".join(new))] if new else [])


def word_diff(old: str, new: str) -> list[Piece]:
    """Pieces that rebuild old (same + del) and new (same + ins), within the bounds above."""
    if old == new:
        return [Piece("same", old)] if old else []
    a, b = paragraphs(old), paragraphs(new)
    head, tail = _common_ends(a, b)
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    pieces = [Piece("same", "".join(a[:head]))] if head else []
    budget = BUDGET_TOKENS
    coarse = False
    if len(middle_a) > PARAGRAPHS_MAX or len(middle_b) > PARAGRAPHS_MAX:
        pieces += _whole(middle_a, middle_b)
        coarse = True
    else:
        matcher = difflib.SequenceMatcher(a=middle_a, b=middle_b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            old_part, new_part = middle_a[i1:i2], middle_b[j1:j2]
            if op == "equal":
                pieces.append(Piece("same", "".join(old_part)))
                continue
            if op != "replace":
                pieces += _whole(old_part, new_part)
                continue
            # The changed paragraphs whole, else one by one in pairs (a redraft
            # usually keeps the paragraphs), each word by word while the budget lasts.
            pairs = [("".join(old_part), "".join(new_part))]
            if len(old_part) == len(new_part) > 1:
                pairs = list(zip(old_part, new_part, strict=True))
            for old_text, new_text in pairs:
                words = _words(old_text, new_text, min(PAIR_TOKENS, budget))
                if words is None:
                    coarse = True
                    pieces += _whole([old_text], [new_text])
                else:
                    pieces += words[0]
                    budget -= words[1]
    if tail:
        pieces.append(Piece("same", "".join(a[len(a) - tail :])))
    return ([Piece("note", NOTE)] if coarse else []) + [p for p in pieces if p.text]


def has_changes(pieces: list[Piece]) -> bool:
    return any(p.kind in ("ins", "del") for p in pieces)


def diff_html(old: str, new: str) -> Markup:
    """<ins>/<del> with hidden 'added'/'removed' words for screen readers and
    underline/strike-through for sighted readers, so colour is never the only cue."""
    out: list[str] = []
    for piece in word_diff(old, new):
        text = str(escape(piece.text))
        if piece.kind == "same":
            out.append(text)
        elif piece.kind == "note":
            out.append(f'<strong class="tbl-diff__note">{text}</strong>\n')
        elif piece.kind == "ins":
            out.append(
                '<ins class="tbl-ins"><span class="govuk-visually-hidden">[added: </span>'
                f'{text}<span class="govuk-visually-hidden">]</span></ins>'
            )
        else:
            out.append(
                '<del class="tbl-del"><span class="govuk-visually-hidden">[removed: </span>'
                f'{text}<span class="govuk-visually-hidden">]</span></del>'
            )
    return Markup("".join(out))  # noqa: S704  (every piece was escaped above)
