"""Who may see, create and edit responses; decided here and nowhere else."""

from __future__ import annotations

from ..accounts.users import Actor
from ..errors import Conflict, Forbidden, NotFound
from ..models import Response
from ..workflow.registry import workflow_for


def can_view(actor: Actor, response: Response) -> bool:
    if actor.is_admin or actor.is_director or actor.is_reviewer:
        return True
    return response.stage == "published"


def can_create(actor: Actor) -> bool:
    return actor.is_admin or actor.is_director


def is_owner_or_admin(actor: Actor, response: Response) -> bool:
    return actor.is_admin or actor.id == response.owner_id


def can_edit(actor: Actor, response: Response) -> bool:
    return is_owner_or_admin(actor, response) and workflow_for(response).is_editable(response.stage)


def require_view(actor: Actor, response: Response) -> None:
    if not can_view(actor, response):
        # Hidden responses are reported as missing so their existence is not revealed.
        raise NotFound(f"no response with id {response.id}")


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
