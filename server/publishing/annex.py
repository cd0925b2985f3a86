"""The consultation report as a briefing's optional annex: what reviewers said and
what the body did, as the owner would show it - hidden and withdrawn comments stay out."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..accounts.users import Actor
from ..comments import report, threads
from ..drafting.responses import owner_of, positions_of
from ..models import Response
from ..workflow.registry import workflow_for

DECISIONS = {
    "accepted": "Accepted",
    "partly-accepted": "Partly accepted",
    "noted": "Noted",
    "not-accepted": "Not accepted",
}


def consultation_rows(session: Session, response: Response) -> list[dict[str, Any]]:
    assert response.id is not None
    owner = owner_of(session, response)
    # Seen as the owner without admin rights, so a hidden comment's text never ships.
    reader = Actor(owner.id or 0, owner.email, owner.name, "director", frozenset())
    board = threads.build(session, reader, response, positions_of(session, response.id))
    if board is None:
        return []
    rows = report.rows(board, workflow_for(response).label)
    return [
        {
            "position": str(row.position_number or "Whole response"),
            "stage": row.stage,
            "comment": row.comment
            + (f"\n\nSuggested wording: {row.suggestion}" if row.suggestion else ""),
            "decision": DECISIONS.get(row.disposition, "Open"),
            "note": row.disposition_note,
        }
        for row in rows
        if row.comment.strip() or row.suggestion
    ]
