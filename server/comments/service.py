"""Writing comments: post, reply, edit, delete, answer with a disposition, hide.

Each function is one unit of work for one transaction; the caller commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..accounts.users import Actor
from ..config import Settings
from ..drafting.questions import normalise_ref
from ..drafting.responses import get_response
from ..errors import Conflict, Invalid, Problems
from ..models import (
    AuditEvent,
    Comment,
    CommentStatus,
    Disposition,
    Position,
    Question,
    Response,
    utcnow,
)
from ..notifications.comment_events import (
    decision_recorded,
    plan_comment_messages,
    send_comment_messages,
)
from ..notifications.service import notify
from ..text.markdown import render_markdown
from . import access, anchors, suggestions

BODY_MAX = 20_000
QUOTE_MAX = 5_000
CONTEXT_MAX = 400
NOTE_MAX = suggestions.NOTE_MAX
REASON_MAX = 500


def _clean_body(body: str, *, required: bool = True) -> str:
    body = body.replace("\r\n", "\n")
    if "\x00" in body:
        raise Invalid("the comment contains a NUL character, which cannot be stored", field="body")
    if required and not body.strip():
        raise Invalid("Write your comment", field="body")
    if len(body) > BODY_MAX:
        raise Invalid(
            f"a comment must be at most {BODY_MAX:,} characters; this one has {len(body):,}",
            field="body",
        )
    return body.strip()


def _render(comment: Comment) -> None:
    """Rendered once, before the comment is written (so never under SQLite's write
    lock); raw HTML is off, so markup typed in a comment shows as text."""
    # The footnote anchors need a name unique on the page. A new comment has no id
    # until its INSERT, which takes the write lock, so it gets a random name instead.
    doc_id = f"c{comment.id}" if comment.id is not None else f"c{secrets.token_hex(6)}"
    comment.body_html = render_markdown(comment.body, doc_id=doc_id)


def _position(session: Session, response: Response, position_id: int) -> Position:
    position = session.get(Position, position_id)
    if position is None or position.response_id != response.id or position.deleted:
        raise Invalid(f"position {position_id} is not part of this response", field="position_id")
    return position


def _question(session: Session, response: Response, ref: str) -> str:
    key = normalise_ref(ref)
    found = session.exec(
        select(Question.ref).where(Question.response_id == response.id, Question.ref == key)
    ).first()
    if found is None:
        raise Invalid(f"this response has no question {ref.strip()[:20]!r}", field="question")
    return found


def _anchor(
    position: Position, quote: str, prefix: str, suffix: str
) -> tuple[str, anchors.Context]:
    quote = anchors.squeeze(quote)
    if len(quote) > QUOTE_MAX:
        raise Invalid(f"a quote must be at most {QUOTE_MAX:,} characters", field="quote")
    text = anchors.plain_text(position.body)
    span = anchors.exact(text, quote, anchors.squeeze(prefix), anchors.squeeze(suffix))
    if span is None:
        raise Invalid(
            "the quoted passage is not in the current text of this position; "
            "reload the page and select it again",
            field="quote",
        )
    context = anchors.context_at(text, *span)
    return quote, anchors.Context(context.prefix[-CONTEXT_MAX:], context.suffix[:CONTEXT_MAX])


def _thread_root(session: Session, response: Response, parent_id: int) -> Comment:
    parent = session.get(Comment, parent_id)
    if parent is None or parent.response_id != response.id:
        raise Invalid(f"comment {parent_id} is not part of this response", field="parent_id")
    # Threads are one level deep: a reply to a reply joins the same thread.
    root = session.get(Comment, parent.parent_id) if parent.parent_id else parent
    assert root is not None
    if root.status != CommentStatus.OPEN:
        raise Conflict("this thread has been answered and closed; reopen it to reply")
    return root


def create_comment(
    session: Session,
    actor: Actor,
    response_id: int,
    *,
    body: str,
    position_id: int | None = None,
    parent_id: int | None = None,
    quote: str = "",
    prefix: str = "",
    suffix: str = "",
    suggestion: str = "",
    base_url: str = "",
    question_ref: str = "",
) -> Comment:
    """A new comment on the response, a position, a quoted passage or a consultation
    question (`question_ref`), or a reply; with `suggestion`, replacement wording for
    the quote or the whole position."""
    response = get_response(session, response_id)
    access.require_write(actor, response)
    problems = Problems()  # every field's problem at once, for the form
    offered = suggestion
    with problems.check("suggestion"):
        suggestion = ""
        suggestion = suggestions.clean(offered)
    # A suggestion speaks for itself; saying why is welcome but not required.
    with problems.check("body"):
        body = _clean_body(body, required=not offered.strip())
    comment = Comment(
        response_id=response_id,
        author_id=actor.id,
        body=body,
        revision=response.revision,
        stage=response.stage,
    )
    if parent_id is not None:
        if quote.strip():
            problems.add("quote", "A reply answers its thread and cannot quote a passage")
        if offered.strip():
            problems.add("suggestion", "A reply cannot suggest wording; suggest it on the position")
        with problems.check("parent_id"):
            root = _thread_root(session, response, parent_id)
            comment.parent_id, comment.position_id = root.id, root.position_id
            comment.question_ref = root.question_ref
    elif question_ref.strip():
        if position_id is not None:
            problems.add("question", "A comment is on a position or on a question, not both")
        if quote.strip() or offered.strip():
            problems.add(
                "quote" if quote.strip() else "suggestion",
                "A comment on a question cannot quote or suggest wording: comment on the "
                "position that answers it for that",
            )
        with problems.check("question"):
            comment.question_ref = _question(session, response, question_ref)
    elif position_id is not None:
        position = None
        with problems.check("position_id"):
            position = _position(session, response, position_id)
        comment.position_id = position_id
        if position is not None and quote.strip():
            with problems.check("quote"):
                comment.quote, context = _anchor(position, quote, prefix, suffix)
                comment.prefix, comment.suffix = context.prefix, context.suffix
        if position is not None and suggestion:
            with problems.check("suggestion"):
                suggestions.check_new(position, comment.quote, suggestion)
            comment.suggestion = suggestion
    elif quote.strip():
        problems.add("position_id", "Say which position the quoted passage is in")
    elif offered.strip():
        problems.add("position_id", "Say which position the suggested wording is for")
    problems.raise_any()
    # Everything slow or read-only happens before the INSERT, which takes the write
    # lock: the rendering, and deciding who is told (mentions, thread members).
    _render(comment)
    planned = plan_comment_messages(session, actor, response, comment)
    session.add(comment)
    session.flush()
    send_comment_messages(session, response, comment, planned, base_url)
    return comment


visible_comment = access.visible_comment


def require_thread_open(session: Session, comment: Comment) -> None:
    root = session.get(Comment, comment.parent_id) if comment.parent_id else comment
    if root is not None and root.status != CommentStatus.OPEN:
        raise Conflict("this thread has been answered and closed; it can no longer be changed")


def edit_comment(session: Session, actor: Actor, comment_id: int, body: str) -> Comment:
    comment, response = visible_comment(session, actor, comment_id)
    access.require_author(actor, response, comment)
    require_thread_open(session, comment)
    comment.body = _clean_body(body, required=not comment.suggestion)
    comment.edited_at = utcnow()
    _render(comment)
    session.add(comment)
    session.flush()
    return comment


def delete_comment(session: Session, actor: Actor, comment_id: int) -> Comment:
    """The author withdraws a comment; the row stays so its replies keep their thread."""
    comment, response = visible_comment(session, actor, comment_id)
    access.require_author(actor, response, comment)
    require_thread_open(session, comment)
    comment.deleted = True
    comment.body, comment.body_html, comment.suggestion = "", "", ""
    comment.edited_at = utcnow()
    session.add(comment)
    session.flush()
    return comment


@dataclass
class Answer:
    """A change the owner makes to a thread: any field left None is kept."""

    status: str | None = None
    disposition: str | None = None
    disposition_note: str | None = None


def answer_comment(
    session: Session, actor: Actor, comment_id: int, answer: Answer, *, base_url: str = ""
) -> Comment:
    """Record the owner's disposition (which resolves the thread), or reopen it."""
    comment, response = visible_comment(session, actor, comment_id)
    access.require_answer(actor, response)
    if answer.status is None and answer.disposition is None and answer.disposition_note is None:
        raise Invalid("send a status, a disposition or a disposition note", field="disposition")
    if answer.status is not None and answer.status not in CommentStatus.ALL:
        raise Invalid(f"status must be one of: {', '.join(CommentStatus.ALL)}", field="status")
    if answer.disposition is not None and answer.disposition not in Disposition.ALL:
        raise Invalid(
            f"disposition must be one of: {', '.join(Disposition.ALL)}", field="disposition"
        )
    if answer.disposition_note is not None and len(answer.disposition_note) > NOTE_MAX:
        raise Invalid(f"the note must be at most {NOTE_MAX:,} characters", field="disposition_note")
    if answer.disposition_note is not None and "\x00" in answer.disposition_note:
        raise Invalid("the note contains a NUL character", field="disposition_note")
    if comment.parent_id is not None and (answer.disposition or answer.status):
        raise Invalid(
            "a disposition closes a whole thread: answer its first comment", field="disposition"
        )
    if answer.status == CommentStatus.OPEN and answer.disposition:
        raise Invalid("a disposition closes the thread; it cannot also be reopened", field="status")
    if answer.status == CommentStatus.OPEN:
        comment.status = CommentStatus.OPEN
        comment.disposition, comment.disposition_note = "", ""
        comment.disposed_at = comment.disposed_by = comment.answered_revision = None
    if answer.disposition:
        comment.disposition = answer.disposition
        comment.status = CommentStatus.RESOLVED
        comment.disposed_at, comment.disposed_by = utcnow(), actor.id
        comment.answered_revision = response.revision
    elif answer.status == CommentStatus.RESOLVED:
        comment.status = CommentStatus.RESOLVED
    if answer.disposition_note is not None:
        comment.disposition_note = answer.disposition_note.strip()
    session.add(comment)
    session.flush()
    if answer.disposition or answer.status == CommentStatus.RESOLVED:
        decision_recorded(session, actor, response, comment, base_url)
    return comment


def hide_comment(
    session: Session, actor: Actor, comment_id: int, reason: str, *, settings: Settings
) -> Comment:
    """An admin hides a comment, says why; the hiding is in the audit trail and the
    author is told. The text is kept for the record, never shown on the page."""
    comment, response = visible_comment(session, actor, comment_id)
    access.require_moderate(actor, response)
    reason = reason.strip()
    if not reason:
        raise Invalid("say why the comment is hidden", field="reason")
    if len(reason) > REASON_MAX or "\x00" in reason:
        raise Invalid(f"the reason must be at most {REASON_MAX} characters", field="reason")
    if comment.hidden:
        raise Conflict("this comment is hidden already")
    comment.hidden, comment.hidden_reason, comment.hidden_by = True, reason, actor.id
    session.add(comment)
    session.add(
        AuditEvent(
            response_id=response.id or 0,
            actor_id=actor.id,
            action="hide-comment",
            from_stage=response.stage,
            to_stage=response.stage,
            note=f"Comment {comment.id} hidden: {reason}",
            revision=response.revision,
        )
    )
    session.flush()
    notify(
        session,
        [comment.author_id],
        response,
        "comment-hidden",
        f"Your comment on “{response.title}” was hidden",
        f"An admin hid your comment on “{response.title}”. The reason given:\n\n{reason}",
        settings.base_url,
    )
    return comment


def list_comments(session: Session, actor: Actor, response: Response) -> list[Comment]:
    """Every comment on the response, oldest first (the caller checks visibility)."""
    access.require_read(actor, response)
    return list(
        session.exec(
            select(Comment)
            .where(Comment.response_id == response.id)
            .order_by(col(Comment.created_at), col(Comment.id))
        ).all()
    )
