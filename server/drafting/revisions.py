"""Revisions: a snapshot per save, the history list, diffs and restoring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, col, select

from ..errors import NotFound
from ..models import Response, Revision, User
from ..text.diff import diff_html, has_changes, word_diff
from ..text.mddiff import markdown_diff_html
from .question_links import snapshot as questions_snapshot
from .responses import PositionView, positions_of


def snapshot(response: Response, positions: list[PositionView]) -> dict[str, Any]:
    return {
        "title": response.title,
        "summary": response.summary,
        "closes": response.rt_closes.isoformat() if response.rt_closes else None,
        "positions": [
            {
                "id": p.id,
                "heading": p.heading,
                "body": p.body,
                "body_html": p.body_html,
                "themes": p.theme_slugs,
                "key": p.key,
            }
            for p in positions
        ],
    }


def record(
    session: Session,
    response: Response,
    author_id: int,
    description: str,
    changed: list[str],
) -> Revision:
    """Store the response as it now stands under its current revision number."""
    assert response.id is not None
    revision = Revision(
        response_id=response.id,
        number=response.revision,
        author_id=author_id,
        description=description[:500],
        changed=changed,
        snapshot={
            **snapshot(response, positions_of(session, response.id)),
            "questions": questions_snapshot(session, response.id),
        },
    )
    session.add(revision)
    session.flush()
    return revision


@dataclass
class HistoryRow:
    revision: Revision
    author: str


def history(session: Session, response_id: int) -> list[HistoryRow]:
    rows = session.exec(
        select(Revision, User.name)
        .join(User, col(User.id) == Revision.author_id)
        .where(Revision.response_id == response_id)
        .order_by(col(Revision.number).desc())
    ).all()
    return [HistoryRow(rev, name) for rev, name in rows]


def get_revision(session: Session, response_id: int, number: int) -> Revision:
    revision = session.exec(
        select(Revision).where(Revision.response_id == response_id, Revision.number == number)
    ).first()
    if revision is None:
        raise NotFound(f"revision {number} does not exist for this response")
    return revision


@dataclass
class PositionChange:
    kind: str  # "added", "removed", "changed" or "same"
    heading_old: str
    heading_new: str
    heading_diff: Markup
    body_diff: Markup
    themes_old: list[str]
    themes_new: list[str]


@dataclass
class RevisionDiff:
    old: int
    new: int
    title_diff: Markup | None
    summary_diff: Markup | None
    positions: list[PositionChange]

    @property
    def changed(self) -> list[PositionChange]:
        return [p for p in self.positions if p.kind != "same"]


def _changed_text(old: str, new: str, *, markdown: bool = False) -> Markup | None:
    if not has_changes(word_diff(old, new)):
        return None
    return markdown_diff_html(old, new) if markdown else diff_html(old, new)


def compare(old: Revision, new: Revision) -> RevisionDiff:
    """Position by position, matched by id so a moved position is not 'rewritten'."""
    before = {p["id"]: p for p in old.snapshot.get("positions", [])}
    after = {p["id"]: p for p in new.snapshot.get("positions", [])}
    order = [p["id"] for p in new.snapshot.get("positions", [])]
    order += [pid for pid in before if pid not in after]
    changes: list[PositionChange] = []
    for pid in order:
        a, b = before.get(pid), after.get(pid)
        heading_a, heading_b = (a or {}).get("heading", ""), (b or {}).get("heading", "")
        body_a, body_b = (a or {}).get("body", ""), (b or {}).get("body", "")
        themes_a, themes_b = (a or {}).get("themes", []), (b or {}).get("themes", [])
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        elif (heading_a, body_a, sorted(themes_a)) != (heading_b, body_b, sorted(themes_b)):
            kind = "changed"
        else:
            kind = "same"
        changes.append(
            PositionChange(
                kind,
                heading_a,
                heading_b,
                diff_html(heading_a, heading_b),
                markdown_diff_html(body_a, body_b),
                themes_a,
                themes_b,
            )
        )
    return RevisionDiff(
        old.number,
        new.number,
        _changed_text(old.snapshot.get("title", ""), new.snapshot.get("title", "")),
        _changed_text(
            old.snapshot.get("summary", ""), new.snapshot.get("summary", ""), markdown=True
        ),
        changes,
    )
