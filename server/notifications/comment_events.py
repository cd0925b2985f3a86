"""Who hears about a comment: the owner of new ones, a thread's people of a reply,
everyone it mentions, and the author of the decision on theirs.

One message per person per comment, never to the person who acted, and only to
people who can see the response's comments. Called inside the comment's own
transaction, so the email is queued with it (delivery.py sends it later)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..accounts.users import Actor
from ..models import Comment, Disposition, Response
from .mentions import can_read_comments, mentioned_people
from .service import notify

EXCERPT_MAX = 500


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1].rstrip() + "…"


def _participants(session: Session, root: Comment) -> set[int]:
    replies = session.exec(
        select(Comment.author_id).where(
            Comment.parent_id == root.id, col(Comment.deleted).is_(False)
        )
    ).all()
    return {root.author_id, *replies}


Message = tuple[int, str, str, str]  # user id, kind, subject, body


def comment_posted(
    session: Session, actor: Actor, response: Response, comment: Comment, base_url: str
) -> int:
    """Tell the people a new comment, reply or suggestion concerns; returns how many."""
    return send_comment_messages(
        session, response, comment, plan_comment_messages(session, actor, response, comment),
        base_url,
    )  # fmt: skip


def plan_comment_messages(
    session: Session, actor: Actor, response: Response, comment: Comment
) -> list[Message]:
    """Who hears of a comment not yet stored, and what they are told: reads only, so
    the caller can decide it before its transaction takes the write lock."""
    title = response.title
    said = _excerpt(comment.suggestion or comment.body)
    messages: dict[int, tuple[str, str, str]] = {}
    # A mention is the most personal reason to hear, so it is the one message sent.
    for uid in mentioned_people(session, response, comment.body):
        messages[uid] = (
            "mention",
            f"{actor.name} mentioned you on “{title}”",
            f"{actor.name} mentioned you in a comment on “{title}”:\n\n{said}",
        )
    if comment.parent_id is not None:
        root = session.get(Comment, comment.parent_id)
        assert root is not None
        for uid in sorted(_participants(session, root) | {response.owner_id}):
            messages.setdefault(
                uid,
                (
                    "reply",
                    f"New reply on “{title}”",
                    f"{actor.name} replied to a thread you are part of on “{title}”:\n\n{said}",
                ),
            )
    elif comment.suggestion:
        messages.setdefault(
            response.owner_id,
            (
                "suggestion",
                f"Suggested edit on “{title}”",
                f"{actor.name} suggested new wording for “{title}”:\n\n{said}",
            ),
        )
    else:
        where = f"question {comment.question_ref} of " if comment.question_ref else ""
        messages.setdefault(
            response.owner_id,
            (
                "comment",
                f"New comment on “{title}”",
                f"{actor.name} commented on {where}“{title}”:\n\n{said}",
            ),
        )
    messages.pop(actor.id, None)
    return [
        (uid, *message)
        for uid, message in messages.items()
        if can_read_comments(session, response, uid)
    ]


def send_comment_messages(
    session: Session,
    response: Response,
    comment: Comment,
    planned: list[Message],
    base_url: str,
) -> int:
    """Store and queue the planned messages for the now stored comment."""
    sent = 0
    for uid, kind, subject, body in planned:
        sent += notify(
            session,
            [uid],
            response,
            kind,
            subject,
            body,
            base_url,
            path=f"/responses/{response.id}#comment-{comment.id}",
        )
    return sent


def decision_recorded(
    session: Session, actor: Actor, response: Response, comment: Comment, base_url: str
) -> int:
    """Tell a comment's author what was decided on it (disposition, accept, decline)."""
    if comment.author_id == actor.id or not can_read_comments(session, response, comment.author_id):
        return 0
    title = response.title
    what = "suggested edit" if comment.suggestion else "comment"
    if comment.disposition == Disposition.ACCEPTED and comment.suggestion:
        kind, short, phrase = "suggestion-accepted", "accepted", f"accepted your {what}"
    elif comment.disposition == Disposition.NOT_ACCEPTED and comment.suggestion:
        kind, short = "suggestion-declined", "not accepted"
        phrase = f"did not accept your {what}"
    elif comment.disposition:
        short = Disposition.LABELS.get(comment.disposition, comment.disposition)
        kind, phrase = "comment-answered", f"answered your {what}: {short}"
    else:
        kind, short, phrase = "comment-answered", "resolved", f"resolved the thread of your {what}"
    note = f"\n\n{_excerpt(comment.disposition_note)}" if comment.disposition_note else ""
    return notify(
        session,
        [comment.author_id],
        response,
        kind,
        f"Your {what} on “{title}”: {short.lower()}",
        f"{actor.name} {phrase}, on “{title}”.{note}",
        base_url,
        path=f"/responses/{response.id}#comment-{comment.id}",
    )
