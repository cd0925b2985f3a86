"""Every change to a response's text: each is one transaction and one new revision."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, delete, select

from ..accounts.users import Actor
from ..errors import Invalid, NotFound, Problems
from ..models import Position, PositionTheme, Response, Revision
from ..text.markdown import render_markdown
from ..textfields import check_line
from ..themes import service as themes
from ..workflow.registry import get_workflow
from . import access, question_links, revisions
from .closing import check_closes
from .limits import BODY_MAX, HEADING_MAX, check_nesting
from .responses import ResponseInput, claim_revision, get_response, validate_input


def create_response(session: Session, actor: Actor, data: ResponseInput) -> Response:
    access.require_create(actor)
    data = validate_input(data)
    workflow = get_workflow(data.workflow)
    assert workflow is not None  # validate_input checked it
    response = Response(
        title=data.title,
        rt_title=data.rt_title,
        rt_publisher=data.rt_publisher,
        rt_date=data.rt_date,
        rt_url=data.rt_url,
        rt_closes=data.rt_closes,
        summary=data.summary,
        workflow=data.workflow,
        stage=workflow.initial,
        stages_reached=workflow.initial,
        owner_id=actor.id,
        revision=1,
    )
    session.add(response)
    session.flush()
    revisions.record(session, response, actor.id, "Created the response", [])
    return response


def update_details(
    session: Session, actor: Actor, response_id: int, data: ResponseInput, base_revision: int
) -> Response:
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    data = validate_input(data)
    data.workflow = response.workflow  # the workflow is chosen once, at creation
    claim_revision(session, response, base_revision)
    response.title, response.rt_title = data.title, data.rt_title
    response.rt_publisher, response.rt_date = data.rt_publisher, data.rt_date
    response.rt_url, response.summary = data.rt_url, data.summary
    response.rt_closes = data.rt_closes
    session.add(response)
    session.flush()
    revisions.record(session, response, actor.id, "Edited the response's details", [])
    return response


def set_closing_date(
    session: Session, actor: Actor, response_id: int, closes: date | None, base_revision: int
) -> Response:
    """Set or clear the closing date: one new revision, like any other edit."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    check_closes(closes, response.rt_date, field="closes")
    claim_revision(session, response, base_revision)
    response.rt_closes = closes
    session.add(response)
    session.flush()
    if closes is None:
        what = "Removed the consultation's closing date"
    else:
        what = f"Set the consultation's closing date to {closes.isoformat()}"
    revisions.record(session, response, actor.id, what, [])
    return response


def _validate_position(heading: str, body: str, problems: Problems) -> tuple[str, str]:
    heading = heading.strip()
    with problems.check("heading"):
        if not heading:
            raise Invalid("Enter a heading for the position", field="heading")
        if len(heading) > HEADING_MAX:
            raise Invalid(f"The heading must be at most {HEADING_MAX} characters", field="heading")
        check_line(heading, field="heading", label="The heading")
    with problems.check("body"):
        if len(body) > BODY_MAX:
            raise Invalid(
                f"The text must be at most {BODY_MAX:,} characters; it has {len(body):,}",
                field="body",
            )
        check_nesting(body, "body")
    return heading, body.replace("\r\n", "\n")


def _live_position(session: Session, response: Response, position_id: int) -> Position:
    position = session.get(Position, position_id)
    if position is None or position.response_id != response.id or position.deleted:
        raise NotFound(f"no position {position_id} in this response")
    return position


def _set_themes(session: Session, position: Position, theme_refs: Sequence[str]) -> None:
    existing = session.exec(
        select(PositionTheme.theme_id).where(PositionTheme.position_id == position.id)
    ).all()
    chosen = themes.resolve(session, theme_refs, already_linked=existing)
    session.exec(delete(PositionTheme).where(col(PositionTheme.position_id) == position.id))
    assert position.id is not None
    for theme in chosen:
        session.add(PositionTheme(position_id=position.id, theme_id=theme.id or 0))
    session.flush()


def _render(position: Position) -> None:
    position.body_html = render_markdown(position.body, doc_id=f"p{position.id}")


def add_position(
    session: Session,
    actor: Actor,
    response_id: int,
    *,
    heading: str,
    body: str,
    themes_refs: Sequence[str],
    base_revision: int,
    question_refs: Sequence[str] | None = None,
    key: bool = False,
) -> Position:
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    problems = Problems()
    heading, body = _validate_position(heading, body, problems)
    with problems.check("themes"):  # refuse unknown themes before claiming a revision
        themes.resolve(session, themes_refs)
    answers = []
    with problems.check("questions"):
        answers = question_links.resolve(session, response_id, question_refs or [])
    problems.raise_any()
    # Rendered before claim_revision's UPDATE takes the write lock. The footnotes are
    # named by the new row's id, known only after the INSERT: a marker stands in for
    # it, random, so no text written before it was made can contain it.
    marker = f"p{secrets.token_hex(8)}"
    body_html = render_markdown(body, doc_id=marker)
    claim_revision(session, response, base_revision)
    last = session.exec(
        select(Position.ordering)
        .where(Position.response_id == response_id)
        .order_by(col(Position.ordering).desc())
    ).first()
    position = Position(
        response_id=response_id, heading=heading, body=body, ordering=(last or 0) + 1, key=key
    )
    session.add(position)
    session.flush()
    position.body_html = body_html.replace(marker, f"p{position.id}")
    _set_themes(session, position, themes_refs)
    question_links.set_links(session, position.id or 0, answers)
    revisions.record(session, response, actor.id, f"Added “{heading}”", [heading])
    return position


def update_position(
    session: Session,
    actor: Actor,
    response_id: int,
    position_id: int,
    *,
    heading: str,
    body: str,
    themes_refs: Sequence[str],
    base_revision: int,
    description: str = "",
    question_refs: Sequence[str] | None = None,
    key: bool | None = None,
) -> Position:
    """Replace a position's text and themes; its questions too unless question_refs is
    None, and whether it is a key ask unless key is None."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    position = _live_position(session, response, position_id)
    problems = Problems()
    heading, body = _validate_position(heading, body, problems)
    with problems.check("themes"):
        linked = session.exec(
            select(PositionTheme.theme_id).where(PositionTheme.position_id == position.id)
        ).all()
        themes.resolve(session, themes_refs, already_linked=linked)
    answers = None
    if question_refs is not None:
        with problems.check("questions"):
            answers = question_links.resolve(session, response_id, question_refs)
    problems.raise_any()
    # Rendered before claim_revision's UPDATE takes the write lock.
    body_html = render_markdown(body, doc_id=f"p{position.id}")
    claim_revision(session, response, base_revision)
    position.heading, position.body, position.body_html = heading, body, body_html
    if key is not None:
        position.key = key
    session.add(position)
    _set_themes(session, position, themes_refs)
    if answers is not None:
        question_links.set_links(session, position_id, answers)
    revisions.record(session, response, actor.id, description or f"Edited “{heading}”", [heading])
    return position


def delete_position(
    session: Session, actor: Actor, response_id: int, position_id: int, base_revision: int
) -> None:
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    position = _live_position(session, response, position_id)
    claim_revision(session, response, base_revision)
    # Kept, flagged: comments and old revisions still point at it, and a restore revives it.
    position.deleted = True
    session.add(position)
    session.flush()
    revisions.record(
        session, response, actor.id, f"Deleted “{position.heading}”", [position.heading]
    )


def move_position(
    session: Session,
    actor: Actor,
    response_id: int,
    position_id: int,
    offset: int,
    base_revision: int,
) -> None:
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    position = _live_position(session, response, position_id)
    order = _ordered_ids(session, response_id)
    index = order.index(position_id)
    target = max(0, min(len(order) - 1, index + offset))
    if target == index:
        raise Invalid("the position cannot move further that way", field="order")
    order.insert(target, order.pop(index))
    claim_revision(session, response, base_revision)
    _apply_order(session, order)
    revisions.record(session, response, actor.id, f"Moved “{position.heading}”", [position.heading])


def reorder_positions(
    session: Session, actor: Actor, response_id: int, order: Sequence[int], base_revision: int
) -> None:
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    current = _ordered_ids(session, response_id)
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise Invalid(
            "the new order must list every position of the response exactly once", field="order"
        )
    claim_revision(session, response, base_revision)
    _apply_order(session, list(order))
    revisions.record(session, response, actor.id, "Reordered the positions", [])


def _ordered_ids(session: Session, response_id: int) -> list[int]:
    rows = session.exec(
        select(Position.id)
        .where(Position.response_id == response_id, col(Position.deleted).is_(False))
        .order_by(col(Position.ordering), col(Position.id))
    ).all()
    return [r for r in rows if r is not None]


def _apply_order(session: Session, order: Sequence[int]) -> None:
    for n, pid in enumerate(order, start=1):
        position = session.get(Position, pid)
        assert position is not None
        position.ordering = n
        session.add(position)
    session.flush()


def restore_revision(
    session: Session, actor: Actor, response_id: int, number: int, base_revision: int
) -> Revision:
    """Make the text of an earlier revision the newest one; nothing is thrown away."""
    response = get_response(session, response_id)
    access.require_edit(actor, response)
    old = revisions.get_revision(session, response_id, number)
    claim_revision(session, response, base_revision)
    snap = old.snapshot
    response.title, response.summary = snap.get("title", response.title), snap.get("summary", "")
    if "closes" in snap:  # revisions made before closing dates existed leave it be
        response.rt_closes = date.fromisoformat(snap["closes"]) if snap["closes"] else None
    session.add(response)
    wanted = {p["id"]: (n, p) for n, p in enumerate(snap.get("positions", []), start=1)}
    for position in session.exec(select(Position).where(Position.response_id == response_id)):
        entry = wanted.get(position.id)
        position.deleted = entry is None
        if entry is not None:
            n, p = entry
            position.ordering, position.heading, position.body = n, p["heading"], p["body"]
            position.key = bool(p.get("key", False))
            _render(position)
        session.add(position)
    session.flush()
    for pid, (_n, p) in wanted.items():
        restored = session.get(Position, pid)
        if restored is not None:
            # Themes retired since then stay linked, as they were at that revision.
            _restore_themes(session, restored, p.get("themes", []))
    if "questions" in snap:  # revisions made before questions existed leave them be
        question_links.restore(session, response_id, snap["questions"])
    return revisions.record(session, response, actor.id, f"Restored revision {number}", [])


def _restore_themes(session: Session, position: Position, slugs: Sequence[str]) -> None:
    known = {t.slug: t for t in themes.list_themes(session)}
    session.exec(delete(PositionTheme).where(col(PositionTheme.position_id) == position.id))
    for slug in slugs:
        if slug in known and position.id is not None:
            session.add(PositionTheme(position_id=position.id, theme_id=known[slug].id or 0))
    session.flush()
