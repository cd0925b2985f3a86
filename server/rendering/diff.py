"""Word-level diffs, marked up so insertions and deletions differ by more than colour."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "ins" or "del"
    text: str


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Piece]:
    a, b = tokenize(old), tokenize(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("ins", "".join(b[j1:j2])))
    return pieces


def has_changes(pieces: list[Piece]) -> bool:
    return any(p.kind != "same" for p in pieces)


def diff_html(old: str, new: str) -> Markup:
    """<ins>/<del> with hidden 'added'/'removed' words for screen readers and
    underline/strike-through for sighted readers, so colour is never the only cue."""
    out: list[str] = []
    for piece in word_diff(old, new):
        text = str(escape(piece.text))
        if piece.kind == "same":
            out.append(text)
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
