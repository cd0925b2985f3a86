"""Who may read, write and answer comments; decided here and nowhere else.

Reading is part of a response's internals (drafting.access.sight): comments are
the body's internal consultation, so whoever may not read them is told nothing
exists (404), at every stage, published included. Writing: the owner and admins
always; a reviewer group while the response is in that group's stage, read-only
before and after (403, as the workflow refuses an approval out of turn).
Dispositions are the owner's (or an admin's) answer.
"""

from __future__ import annotations

from sqlmodel import Session

from ..accounts.users import Actor
from ..drafting.access import is_owner_or_admin, reads_internals, require_view
from ..drafting.responses import get_response
from ..errors import Conflict, Forbidden, NotFound
from ..models import Comment, Response
from ..workflow.registry import workflow_for


def can_read(actor: Actor, response: Response) -> bool:
    return reads_internals(actor, response)


def require_read(actor: Actor, response: Response) -> None:
    require_view(actor, response)  # 404 for anyone who may not read the internals


def _stage_group(response: Response) -> str | None:
    stage = workflow_for(response).stages.get(response.stage)
    return stage.group if stage else None


def can_write(actor: Actor, response: Response) -> bool:
    if is_owner_or_admin(actor, response):
        return True
    group = _stage_group(response)
    return group is not None and group in actor.groups


def require_write(actor: Actor, response: Response) -> None:
    require_read(actor, response)
    if can_write(actor, response):
        return
    workflow = workflow_for(response)
    if actor.groups & workflow.groups:
        # A reviewer whose group's turn is not now: refused like an approval out of turn.
        raise Forbidden(
            f"your group comments during its review stage; the response is in "
            f"{workflow.label(response.stage)}, so its comments are read-only for you"
        )
    raise Forbidden("only the owner, admins and the reviewing group can comment")


def require_author(actor: Actor, response: Response, comment: Comment) -> None:
    """Authors change their own comment while they may write and it is still open."""
    require_write(actor, response)
    if comment.author_id != actor.id:
        raise Forbidden("only its author can change or delete a comment")
    if comment.deleted or comment.hidden:
        raise Conflict("this comment has been removed and can no longer be changed")
    if comment.status != "open" or comment.disposition:
        raise Conflict("this comment has been answered and can no longer be changed")


def require_answer(actor: Actor, response: Response) -> None:
    require_read(actor, response)
    if not is_owner_or_admin(actor, response):
        raise Forbidden("only the response's owner or an admin can answer comments")


def require_moderate(actor: Actor, response: Response) -> None:
    require_read(actor, response)
    if not actor.is_admin:
        raise Forbidden("only admins can hide comments")


def visible_comment(session: Session, actor: Actor, comment_id: int) -> tuple[Comment, Response]:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"no comment with id {comment_id}")
    response = get_response(session, comment.response_id)
    try:
        require_read(actor, response)
    except (Forbidden, NotFound) as exc:
        # Someone who may not read the comments is not told the comment exists.
        raise NotFound(f"no comment with id {comment_id}") from exc
    return comment, response
