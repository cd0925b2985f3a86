"""Why the workflow refuses a move: one domain error type per reason.

The engine returns these; errors.py's base types carry the HTTP status, so the
mapping to HTTP stays in one place and the engine never speaks HTTP."""

from __future__ import annotations

from ..errors import Conflict, Forbidden, Invalid


class Refusal:
    """Marks the workflow's own refusals among the domain errors."""


class UnknownStage(Conflict, Refusal):
    """The response stands in a stage its workflow no longer has."""


class UnknownAction(Invalid, Refusal):
    """No stage of the workflow has an action of that name."""


class NotPossibleHere(Conflict, Refusal):
    """The action exists, but not in the response's current stage."""


class SelfApproval(Forbidden, Refusal):
    """The owner may not approve their own response."""


class NotYours(Forbidden, Refusal):
    """The person is not among those the stage lets take the action."""


class NoteRequired(Invalid, Refusal):
    """The action needs a note saying why."""


class GateFailed(Conflict, Refusal):
    """A gate's condition does not hold; extra lists every reason."""


class AlreadyApproved(Conflict, Refusal):
    """The reviewer has approved in this round already."""


class MovedMeanwhile(Conflict, Refusal):
    """The stage or the text moved while the slow part of the action ran."""
