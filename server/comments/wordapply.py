"""Adding what a reviewed Word copy holds (wordreview.read_review) as comments and suggestions.

One unit of work for one transaction; the caller commits. Each Word comment or
change is added at most once per response (its fingerprint is kept), so taking
the same file in twice adds nothing the second time. Anything that cannot be
added is skipped with its reason; the rest still goes in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..accounts.users import Actor
from ..drafting.responses import get_response, positions_of
from ..errors import DomainError
from ..models import WordImport
from . import access, anchors, service
from .wordedits import EDIT
from .wordreview import Mark, Outcome


def _label(mark: Mark) -> str:
    if mark.kind == EDIT:
        return f"Edits made without tracking changes to “{mark.heading[:80]}”"
    what = "Word comment" if mark.kind == "comment" else "tracked change"
    who = f" by {mark.author}" if mark.author else ""
    return f"{what}{who}" + (f" on “{mark.quote[:80]}”" if mark.quote else "")


def _body(mark: Mark, actor: Actor) -> str:
    by = mark.author.strip()
    named = by and by.casefold() not in (actor.name.casefold(), actor.email.casefold())
    if mark.kind == EDIT:
        who = f" by {by}" if named else ""
        return (
            f"Edited in Word without tracking changes{who}: the position's whole text as "
            "the reviewed copy has it."
        )
    if mark.kind == "change":
        return f"Tracked change in Word by {by}." if named else ""
    return f"*From Word, by {by}:*\n\n{mark.body}" if named else mark.body


@dataclass
class Target:
    """Where one Word mark goes: worked out before anything is written."""

    position_id: int | None
    body: str
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    suggestion: str = ""
    revision: int | None = None  # the revision a whole-position suggestion was made on


class Skip(DomainError):
    """A Word mark that cannot become a comment (the reason says why)."""


def take_in(session: Session, actor: Actor, response_id: int, marks: list[Mark]) -> Outcome:
    """Add the marks as comments, replies and suggested edits; report what was skipped.

    Every passage is found (anchors.locate, the slow part) before the first write,
    so the write lock is held only for the inserts."""
    response = get_response(session, response_id)
    access.require_write(actor, response)
    positions = positions_of(session, response_id)
    by_heading = {anchors.squeeze(p.heading).casefold(): p.id for p in positions}
    texts = {p.id: anchors.plain_text(p.body) for p in positions}
    seen = {
        row.fingerprint: row.comment_id
        for row in session.exec(select(WordImport).where(WordImport.response_id == response_id))
    }
    planned: dict[int, Target | Skip] = {}
    for n, mark in enumerate(marks):
        if not mark.parent and mark.fingerprint() not in seen:
            try:
                planned[n] = _target(mark, actor, by_heading, texts)
            except Skip as exc:
                planned[n] = exc
    made: dict[str, int] = {}  # Word comment id -> Tabled comment id
    outcome = Outcome()
    order = sorted(range(len(marks)), key=lambda i: bool(marks[i].parent))  # roots first
    for n in order:
        mark = marks[n]
        label = _label(mark)
        key = mark.fingerprint()
        if key in seen:
            if seen[key] is not None and mark.kind == "comment":
                made[mark.word_id] = int(seen[key] or 0)
            outcome.skipped.append({"item": label, "reason": "already taken in from this file"})
            continue
        try:
            comment_id = _write(session, actor, response_id, mark, planned.get(n), made)
        except DomainError as exc:
            outcome.skipped.append({"item": label, "reason": exc.message})
            continue
        made[mark.word_id] = comment_id
        seen[key] = comment_id  # the same comment twice in one file goes in once
        session.add(WordImport(response_id=response_id, fingerprint=key, comment_id=comment_id))
        outcome.added.append({"item": label, "comment_id": comment_id})
    session.flush()
    return outcome


def _write(
    session: Session,
    actor: Actor,
    response_id: int,
    mark: Mark,
    target: Target | Skip | None,
    made: dict[str, int],
) -> int:
    if mark.parent:
        if mark.parent not in made:
            raise Skip("the comment it replies to was not taken in")
        if not mark.body.strip():
            raise Skip("the reply is empty")
        body = _body(mark, actor)
        reply = service.create_comment(
            session, actor, response_id, body=body, parent_id=made[mark.parent]
        )
        return reply.id or 0
    if isinstance(target, Skip):
        raise target
    assert target is not None
    comment = service.create_comment(
        session,
        actor,
        response_id,
        body=target.body,
        position_id=target.position_id,
        quote=target.quote,
        prefix=target.prefix,
        suffix=target.suffix,
        suggestion=target.suggestion,
    )
    if target.revision is not None and target.revision < comment.revision:
        # Made on the exported revision: accepting it must not undo a later redraft.
        comment.revision = target.revision
        session.add(comment)
    return comment.id or 0


def _target(mark: Mark, actor: Actor, by_heading: dict[str, int], texts: dict[int, str]) -> Target:
    """Where a comment or change belongs in the current text; no database."""
    body = _body(mark, actor)
    if mark.kind == "comment" and not mark.body.strip():
        raise Skip("the comment is empty")
    home = by_heading.get(anchors.squeeze(mark.heading).casefold())
    if mark.kind == EDIT:
        if home is None:
            raise Skip("the position is no longer in the response under that heading")
        if not mark.inserted.strip():
            raise Skip("the position's text was deleted; say so in a comment instead")
        return Target(home, body, suggestion=mark.inserted, revision=mark.revision)
    if not mark.quote:
        if mark.kind == "change":
            raise Skip("the change has no words to attach to")
        return Target(home, body)
    found = anchors.locate(mark.quote, mark.prefix, mark.suffix, home, texts)
    if found.position_id is None or found.state == anchors.OUTDATED:
        if mark.kind == "change":
            raise Skip("the words it changes are no longer in the text")
        return Target(home, f"{body}\n\n(On a passage no longer in the text: “{mark.quote[:300]}”)")
    if mark.kind == "change" and found.state != anchors.ATTACHED:
        raise Skip("the words it changes have been reworded since the copy was made")
    context = anchors.context_at(texts[found.position_id], found.start, found.end)
    suggestion = mark.inserted if mark.kind == "change" else ""
    return Target(
        found.position_id, body, found.passage, context.prefix, context.suffix, suggestion
    )
