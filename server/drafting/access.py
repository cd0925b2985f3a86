"""Who may see, create and edit responses; decided here and nowhere else.

Seeing comes in two degrees (`sight`): the response as published, which every
signed-in person has once it is in a published stage, and its internals - the
draft text, revisions, history, comments and reports - which the owner and
admins always have and others as the workflow file's `drafts_visible_to` says.
Pages and the API both ask `sight`; what is hidden is reported missing (404)."""

from __future__ import annotations

from enum import IntEnum

from ..accounts.users import Actor
from ..errors import Conflict, Forbidden, NotFound
from ..models import Response
from ..workflow.kinds import DraftReader
from ..workflow.registry import workflow_for


class Sight(IntEnum):
    NONE = 0  # the response is not shown at all
    PUBLISHED = 1  # only as published: the library's briefing, the API's record
    INTERNAL = 2  # everything: drafts, revisions, history, comments, reports


def reached(response: Response) -> set[str]:
    """The stages the response has entered, its current one included."""
    return set(response.stages_reached.split()) | {response.stage}


def sight(actor: Actor, response: Response) -> Sight:
    """How much of this response this person may see: the one visibility rule."""
    workflow = workflow_for(response)
    if _reads_internals(actor, response):
        return Sight.INTERNAL
    if workflow.is_published(response.stage):
        return Sight.PUBLISHED
    return Sight.NONE


def _reads_internals(actor: Actor, response: Response) -> bool:
    if actor.is_admin or actor.id == response.owner_id:
        return True
    workflow = workflow_for(response)
    readers = workflow.draft_readers
    if actor.is_director and DraftReader.DIRECTORS in readers:
        return True
    groups = actor.groups & workflow.groups
    if not groups:
        return False
    if DraftReader.REVIEWERS in readers:
        return True
    handed = workflow.groups_of(reached(response))
    return DraftReader.REVIEWERS_ONCE_HANDED in readers and bool(groups & handed)


def can_view(actor: Actor, response: Response) -> bool:
    """Whether the response appears for this person at all (lists, the API record)."""
    return sight(actor, response) >= Sight.PUBLISHED


def reads_internals(actor: Actor, response: Response) -> bool:
    return sight(actor, response) is Sight.INTERNAL


def can_create(actor: Actor) -> bool:
    return actor.is_admin or actor.is_director


def is_owner_or_admin(actor: Actor, response: Response) -> bool:
    return actor.is_admin or actor.id == response.owner_id


def can_edit(actor: Actor, response: Response) -> bool:
    return is_owner_or_admin(actor, response) and workflow_for(response).is_editable(response.stage)


def _missing(response: Response) -> NotFound:
    # Hidden responses are reported as missing so their existence is not revealed.
    return NotFound(f"no response with id {response.id}")


def require_view(actor: Actor, response: Response) -> None:
    """The response's internals (its pages, history, revisions, comments): 404 otherwise."""
    if not reads_internals(actor, response):
        raise _missing(response)


def require_record(actor: Actor, response: Response) -> None:
    """The response's record as it stands, for someone who may see it published."""
    if not can_view(actor, response):
        raise _missing(response)


def require_create(actor: Actor) -> None:
    if not can_create(actor):
        raise Forbidden("only directors and admins can create responses")


def require_edit(actor: Actor, response: Response) -> None:
    require_view(actor, response)
    if not is_owner_or_admin(actor, response):
        raise Forbidden("only the response's owner or an admin can change it")
    workflow = workflow_for(response)
    if not workflow.is_editable(response.stage):
        raise Conflict(
            f"positions can only be changed while the response is in draft; "
            f"it is in {workflow.label(response.stage)}"
        )
