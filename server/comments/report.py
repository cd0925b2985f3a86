"""The consultation report, "you said, we did": every thread by position, question and
theme, with its disposition and the revision that answered it; as rows for HTML, CSV,
JSON."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import Any

from ..models import Comment, CommentStatus, Disposition
from . import anchors
from .threads import Board, Item, Section, outcome

CSV_FIELDS = [
    "comment_id",
    "position_number",
    "position_heading",
    "themes",
    "anchor",
    "quote",
    "author",
    "comment",
    "suggestion",
    "created_at",
    "stage",
    "revision",
    "replies",
    "status",
    "disposition",
    "disposition_note",
    "answered_revision",
    "applied_revision",
    "decision",
    "outcome",
    "question",
]


@dataclass
class Row:
    comment_id: int
    position_number: int | None
    position_heading: str
    themes: list[str]
    anchor: str
    quote: str
    author: str
    comment: str
    suggestion: str  # wording the comment proposed, if it suggested an edit
    created_at: str
    stage: str
    revision: int
    replies: int
    status: str
    disposition: str
    disposition_note: str
    answered_revision: int | None
    applied_revision: int | None  # the revision that put the suggested wording in
    decision: str  # the disposition's label, or where an unanswered thread stands
    outcome: str  # what the answer did to the text, in words; "" if nothing to say
    on_record: bool  # neither withdrawn by its author nor hidden by a moderator
    question: str = ""  # the ref of the consultation question the thread is on


def _text(item: Item) -> str:
    c = item.comment
    if c.deleted:
        return "(deleted by its author)"
    if c.hidden:
        return f"(hidden by an admin: {c.hidden_reason})"
    return c.body


def _decision(c: Comment) -> str:
    if c.disposition:
        return Disposition.LABELS.get(c.disposition, c.disposition)
    return "Resolved" if c.status == CommentStatus.RESOLVED else "Not answered yet"


def _where(section: Section, c: Comment) -> str:
    if section.position:
        return section.position.heading
    if c.question_ref:
        removed = "" if section.question else " (since removed)"
        return f"Question {c.question_ref}{removed}"
    return "The whole response"


def _row(section: Section, item: Item, stage_label: Any) -> Row:
    c, p = item.comment, section.position
    return Row(
        comment_id=c.id or 0,
        position_number=p.number if p else None,
        position_heading=_where(section, c),
        themes=[t.name for t in p.themes] if p else [],
        anchor=anchors.LABELS.get(item.state, "") if c.quote else "",
        quote=c.quote,
        author=item.author,
        comment=_text(item),
        suggestion="" if c.deleted or c.hidden else c.suggestion,
        created_at=c.created_at.isoformat(),
        stage=stage_label(c.stage),
        revision=c.revision,
        replies=sum(1 for r in item.replies if not r.comment.deleted),
        status=c.status,
        disposition=Disposition.LABELS.get(c.disposition, ""),
        disposition_note=c.disposition_note,
        answered_revision=c.answered_revision,
        applied_revision=c.applied_revision,
        decision=_decision(c),
        outcome=outcome(c),
        on_record=not (c.deleted or c.hidden),
        question=c.question_ref,
    )


def rows(board: Board, stage_label: Any) -> list[Row]:
    """Threads in document order (positions, questions, then the whole response), oldest first;
    a withdrawn comment nobody answered is left out, as on the page."""
    out: list[Row] = []
    for section in board.every_section():
        for item in section.threads:
            if item.comment.deleted and not item.replies:
                continue
            out.append(_row(section, item, stage_label))
    return out


def published_rows(board: Board, stage_label: Any) -> list[Row]:
    """The report as a briefing's annex prints it: the same rows and decisions as the
    report page, without a comment withdrawn by its author or hidden by a moderator
    (a publication is never changed, so what is not on record never goes in)."""
    return [row for row in rows(board, stage_label) if row.on_record]


def by_theme(report: list[Row]) -> list[tuple[str, int, int]]:
    """(theme, threads, answered) for the report's summary table."""
    totals: dict[str, list[int]] = {}
    for row in report:
        for theme in row.themes:
            entry = totals.setdefault(theme, [0, 0])
            entry[0] += 1
            entry[1] += 1 if row.disposition else 0
    return [(name, n, done) for name, (n, done) in sorted(totals.items())]


def _cell(value: Any) -> str:
    text = "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(report: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    for row in report:
        values = asdict(row)
        writer.writerow([_cell(values[name]) for name in CSV_FIELDS])
    return buffer.getvalue()


def as_json(report: list[Row]) -> list[dict[str, Any]]:
    return [asdict(row) for row in report]


def groups(report: list[Row]) -> list[tuple[Row, list[Row]]]:
    """Consecutive rows of one position (or question) together, in document order
    (first row, rows)."""
    out: list[tuple[Row, list[Row]]] = []
    for row in report:
        first = out[-1][0] if out else None
        if first and (first.position_number, first.question) == (
            row.position_number,
            row.question,
        ):
            out[-1][1].append(row)
        else:
            out.append((row, [row]))
    return out
