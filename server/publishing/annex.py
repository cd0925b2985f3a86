"""The consultation report as a briefing's optional annex: the report page's rows and
decisions, as plain text, without anything withdrawn or hidden."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..accounts.users import Actor
from ..comments import anchors, report, threads
from ..drafting.responses import owner_of, positions_of
from ..models import Response
from ..workflow.registry import workflow_for


def _plain(markdown: str) -> str:
    """What a reader sees of a comment's Markdown, as words: a table cell of the annex
    is plain text, so `**no**` prints as "no", never with its asterisks."""
    return anchors.plain_text(markdown)


def _where(row: report.Row) -> str:
    if row.position_number:
        return str(row.position_number)
    return f"Question {row.question}" if row.question else "Whole response"


def consultation_rows(session: Session, response: Response) -> list[dict[str, Any]]:
    """One row per comment thread on record, as the report page shows it to the owner."""
    assert response.id is not None
    owner = owner_of(session, response)
    # Read as the owner without admin rights: the report the owner sees, the same
    # function the report page uses; what is not on record is then left out.
    reader = Actor(owner.id or 0, owner.email, owner.name, "director", frozenset())
    board = threads.build(session, reader, response, positions_of(session, response.id))
    if board is None:
        return []
    out: list[dict[str, Any]] = []
    for row in report.published_rows(board, workflow_for(response).label):
        comment = _plain(row.comment)
        if row.suggestion:
            comment += f" Suggested wording: {_plain(row.suggestion)}"
        what_we_did = " ".join(p for p in (_plain(row.disposition_note), row.outcome) if p)
        out.append(
            {
                "position": _where(row),
                "stage": row.stage,
                "comment": comment.strip(),
                "decision": row.decision,
                "note": what_we_did,
            }
        )
    return [r for r in out if r["comment"]]
