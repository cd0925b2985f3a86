"""submission.docx: each consultation question, then the response's answer to it.

Built as a pandoc tree like the briefing's DOCX, so position texts are read with
every raw passthrough off (document.parse_chunks) and nothing they say reaches Word raw."""

from __future__ import annotations

import json
from datetime import date

from ..drafting.submission import Entry
from ..text.engines import run_pandoc
from .document import Node, header, meta_text, para, parse_chunks, text_inlines
from .render import LAYOUT, long_date


def _paragraphs(text: str) -> list[Node]:
    return [para(text_inlines(p)) for p in text.split("\n\n") if p.strip()]


def submission_tree(
    title: str, responding_to: str, entries: list[Entry], closes: date | None = None
) -> dict[str, object]:
    positions = [p for e in entries for p in e.positions]
    bodies = iter(parse_chunks([p.body for p in positions]) if positions else [])
    blocks: list[Node] = []
    for entry in entries:
        blocks.append(header(1, text_inlines(f"Question {entry.ref}"), f"question-{entry.ref}"))
        blocks.append({"t": "BlockQuote", "c": _paragraphs(entry.question)})
        if entry.not_answering and not entry.positions:
            reason = f"We are not answering this question: {entry.not_answering}"
            blocks.append(para(text_inlines(reason)))
        elif not entry.positions:
            blocks.append(para(text_inlines("Not answered yet.")))
        for position in entry.positions:
            blocks.append(header(2, text_inlines(position.heading)))
            blocks += next(bodies)
    return {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {
            "title": meta_text(title),
            "subtitle": meta_text(f"Responding to {responding_to}{_closing(closes)}"),
        },
        "blocks": blocks,
    }


def _closing(closes: date | None) -> str:
    return f" (the consultation closes on {long_date(closes)})" if closes else ""


def render_submission_docx(
    title: str, responding_to: str, entries: list[Entry], closes: date | None = None
) -> bytes:
    args = ["-f", "json", "-t", "docx", "-o", "-"]
    reference = LAYOUT / "reference.docx"
    if reference.exists():
        args.append(f"--reference-doc={reference}")
    tree = submission_tree(title, responding_to, entries, closes)
    return run_pandoc(args, json.dumps(tree).encode("utf-8"))
