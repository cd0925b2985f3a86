"""Suggested edits: a reviewer's replacement wording, accepted into a new revision or
declined with a reason.

A suggestion is a comment that also carries wording: for its quoted passage, or,
without a quote, for the whole position. It has a thread, an anchor and a
disposition like any comment. Accepting it edits the position's Markdown through
the same path as the editor (so it is a normal, stale-checked revision) and
records that revision on the comment; that is only possible while the response
can be edited, and only while the passage still reads as it did - a suggestion
for words that have since changed is the director's to apply by hand.
"""

from __future__ import annotations

import re

from sqlmodel import Session, select

from ..accounts.users import Actor
from ..drafting import access as drafting_access
from ..drafting import editing
from ..drafting.responses import get_response, positions_of
from ..errors import Conflict, DomainError, Invalid
from ..models import (
    Comment,
    CommentStatus,
    Disposition,
    Position,
    Response,
    Revision,
    User,
    utcnow,
)
from ..notifications.comment_events import decision_recorded
from ..workflow.registry import workflow_for
from . import access, anchors

SUGGESTION_MAX = 20_000
NOTE_MAX = 5_000
ACCEPTED_NOTE = "Suggested wording accepted."


def clean(suggestion: str) -> str:
    """The replacement wording as stored: checked, line endings normalised."""
    suggestion = suggestion.replace("\r\n", "\n").strip()
    if "\x00" in suggestion:
        raise Invalid("the suggested wording contains a NUL character", field="suggestion")
    if len(suggestion) > SUGGESTION_MAX:
        raise Invalid(
            f"suggested wording must be at most {SUGGESTION_MAX:,} characters; "
            f"this has {len(suggestion):,}",
            field="suggestion",
        )
    return suggestion


def check_new(position: Position, quote: str, suggestion: str) -> None:
    """A suggestion must change something: refused when it repeats the text."""
    current = anchors.squeeze(quote) if quote else position.body.strip()
    if anchors.squeeze(suggestion) == anchors.squeeze(current):
        raise Invalid(
            "the suggested wording is the same as the text; change some words",
            field="suggestion",
        )


def _source_span(body: str, plain: str, quote: str, prefix: str, suffix: str) -> tuple[int, int]:
    """Where the quoted words are in the Markdown source.

    The quote is reader-visible text; it is found in the source with any run of
    white space matching any other, choosing among repeats the same occurrence
    the anchor chose in the plain text. Words carrying inline markup (bold,
    links) are not found, and the director is told to apply the change by hand."""
    span = anchors.exact(plain, quote, prefix, suffix)
    if span is None:
        raise Conflict(
            "the passage this suggestion replaces is no longer in the text; "
            "edit the position by hand, then record your answer"
        )
    nth = plain[: span[0]].count(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    matches = list(re.finditer(pattern, body))
    if len(matches) != plain.count(quote) or nth >= len(matches):
        raise Conflict(
            "the passage has formatting (bold, a link or similar) in the Markdown, so it "
            "cannot be replaced automatically; edit the position by hand, then record "
            "your answer"
        )
    return matches[nth].start(), matches[nth].end()


def new_body(position: Position, comment: Comment, revision: Revision | None) -> str:
    """The position's Markdown with the suggestion applied."""
    if comment.quote:
        plain = anchors.plain_text(position.body)
        start, end = _source_span(
            position.body, plain, comment.quote, comment.prefix, comment.suffix
        )
        return position.body[:start] + comment.suggestion + position.body[end:]
    # A whole-position suggestion replaces the text it was made against, never a
    # later redraft the reviewer did not see.
    if revision is not None:
        for stored in revision.snapshot.get("positions", []):
            if stored.get("id") == position.id and stored.get("body") != position.body:
                raise Conflict(
                    f"the position has been redrafted since this suggestion was made on "
                    f"revision {comment.revision}; compare them and edit by hand, then "
                    f"record your answer"
                )
    return comment.suggestion


def _suggestion(session: Session, actor: Actor, comment_id: int) -> tuple[Comment, Position]:
    comment, response = access.visible_comment(session, actor, comment_id)
    access.require_answer(actor, response)
    if not comment.suggestion:
        raise Invalid("this comment does not suggest any wording", field="comment")
    if comment.status != CommentStatus.OPEN or comment.disposition:
        raise Conflict("this suggestion has been answered already; reopen it to answer again")
    if comment.deleted or comment.hidden:
        raise Conflict("this suggestion has been removed")
    position = session.get(Position, comment.position_id) if comment.position_id else None
    if position is None or position.deleted:
        raise Conflict("the position this suggestion was made on has been deleted")
    return comment, position


NOT_IN_DRAFT = (
    "Suggested wording can go into the text only while the response is in draft. "
    "You can decline the suggestion, or answer the thread, now."
)


def _way_back(actor: Actor, response: Response) -> str:
    """The workflow action that takes this response back to drafting for this person
    (withdraw, revise...), named as a sentence; "" if there is none from here."""
    workflow = workflow_for(response)
    stage = workflow.stages.get(response.stage)
    if stage is None or not drafting_access.is_owner_or_admin(actor, response):
        return ""
    for action in stage.actions.values():
        target = workflow.stages.get(action.to)
        if target is not None and target.editable and {"owner", "admin"} & set(action.who):
            return f" To accept it, first take the response back to draft with “{action.name}”."
    return ""


def why_not_accept(session: Session, actor: Actor, comment: Comment) -> str:
    """Why accepting this suggestion would be refused now, or "" if it would work: the
    checks of accept(), with nothing written - so the page offers it only when it works."""
    response = get_response(session, comment.response_id)
    if not drafting_access.can_edit(actor, response):
        return NOT_IN_DRAFT + _way_back(actor, response)
    try:
        comment, position = _suggestion(session, actor, comment.id or 0)
        new_body(position, comment, _made_on(session, comment))
    except DomainError as exc:
        return exc.message
    return ""


def _made_on(session: Session, comment: Comment) -> Revision | None:
    return session.exec(
        select(Revision).where(
            Revision.response_id == comment.response_id, Revision.number == comment.revision
        )
    ).first()


def accept(
    session: Session, actor: Actor, comment_id: int, note: str = "", *, base_url: str = ""
) -> Comment:
    """Apply the wording as a new revision linked to the suggestion; close the thread."""
    comment, position = _suggestion(session, actor, comment_id)
    response = get_response(session, comment.response_id)
    drafting_access.require_edit(actor, response)  # before any text work: says why not
    body = new_body(position, comment, _made_on(session, comment))
    author = session.get(User, comment.author_id)
    view = next(p for p in positions_of(session, response.id or 0) if p.id == position.id)
    saved = editing.update_position(
        session,
        actor,
        response.id or 0,
        position.id or 0,
        heading=position.heading,
        body=body,
        themes_refs=view.theme_slugs,
        base_revision=response.revision,
        description=f"Accepted a suggestion from {author.name if author else 'a reviewer'} "
        f"(comment {comment.id}) in “{position.heading}”",
    )
    assert saved is not None
    session.refresh(response)  # update_position moved it to the new revision
    comment.status = CommentStatus.RESOLVED
    comment.disposition = Disposition.ACCEPTED
    comment.disposition_note = note.strip() or ACCEPTED_NOTE
    comment.disposed_at, comment.disposed_by = utcnow(), actor.id
    comment.answered_revision = comment.applied_revision = response.revision
    session.add(comment)
    session.flush()
    decision_recorded(session, actor, response, comment, base_url)
    return comment


def decline(
    session: Session, actor: Actor, comment_id: int, reason: str, *, base_url: str = ""
) -> Comment:
    """Close the suggestion as not accepted; the reason is the "we did"."""
    comment, _position = _suggestion(session, actor, comment_id)
    reason = reason.strip()
    if not reason:
        raise Invalid("say why the suggestion is declined", field="disposition_note")
    if len(reason) > NOTE_MAX or "\x00" in reason:
        raise Invalid(
            f"the reason must be at most {NOTE_MAX:,} characters", field="disposition_note"
        )
    response = get_response(session, comment.response_id)
    comment.status = CommentStatus.RESOLVED
    comment.disposition = Disposition.NOT_ACCEPTED
    comment.disposition_note = reason
    comment.disposed_at, comment.disposed_by = utcnow(), actor.id
    comment.answered_revision = response.revision
    session.add(comment)
    session.flush()
    decision_recorded(session, actor, response, comment, base_url)
    return comment
