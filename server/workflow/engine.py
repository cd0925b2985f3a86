"""The workflow engine: given where a response stands, who acts and what they ask,
say whether it is allowed, why not, and what follows. No database, no web.

Every rule is keyed by the kinds the workflow file declares (kinds.py), never by
a stage or action name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DomainError
from . import refusals
from .definitions import Action, Workflow
from .kinds import ActionKind


@dataclass(frozen=True)
class Who:
    id: int
    role: str
    groups: frozenset[str]


@dataclass(frozen=True)
class Situation:
    stage: str
    owner_id: int
    # Reviewers who approved in the current round (approvals are per round).
    approved_by: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Outcome:
    refusal: DomainError | None = None  # a refusals.* error; None when allowed
    moves_to: str | None = None  # None: an approval short of quorum, nothing moves yet
    records_approval: bool = False
    approvals_after: int = 0
    quorum: int = 0
    kind: ActionKind | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def reasons(self) -> tuple[str, ...]:
        if self.refusal is None:
            return ()
        extra = self.refusal.extra
        return tuple(extra) if isinstance(extra, list) else (self.refusal.message,)


def refuse(error: type[DomainError], *reasons: str) -> Outcome:
    return Outcome(error("; ".join(reasons), field="action", extra=list(reasons)))


def action_of(workflow: Workflow, stage: str, action: str) -> Action | None:
    found = workflow.stages.get(stage)
    return found.actions.get(action) if found else None


def may_act(workflow: Workflow, situation: Situation, who: Who, action: str) -> bool:
    """Whether the person is one of those the stage lets take the action."""
    stage = workflow.stages.get(situation.stage)
    spec = action_of(workflow, situation.stage, action)
    if stage is None or spec is None:
        return False
    if spec.kind is ActionKind.APPROVE and who.id == situation.owner_id:
        return False
    allowed = spec.who
    return (
        ("owner" in allowed and who.id == situation.owner_id)
        or ("admin" in allowed and who.role == "admin")
        or ("director" in allowed and who.role == "director")
        or ("group" in allowed and stage.group is not None and stage.group in who.groups)
    )


def available_actions(workflow: Workflow, situation: Situation, who: Who) -> list[str]:
    """The actions this person could take now (an approval they gave is not offered twice)."""
    stage = workflow.stages.get(situation.stage)
    if stage is None:
        return []
    return [
        name
        for name, spec in stage.actions.items()
        if may_act(workflow, situation, who, name)
        and not (spec.kind is ActionKind.APPROVE and who.id in situation.approved_by)
    ]


def decide(
    workflow: Workflow,
    situation: Situation,
    who: Who,
    action: str,
    note: str = "",
    failed_gates: Sequence[str] = (),
) -> Outcome:
    """The verdict for one request. failed_gates are the messages of the gates the
    caller evaluated for this action (see gates_for); any of them refuses it."""
    stage = workflow.stages.get(situation.stage)
    if stage is None:
        return refuse(
            refusals.UnknownStage, f"the response is in an unknown stage '{situation.stage}'"
        )
    spec = stage.actions.get(action)
    if spec is None:
        known = {a for s in workflow.stages.values() for a in s.actions}
        possible = ", ".join(stage.actions) or "nothing"
        if action not in known:
            return refuse(
                refusals.UnknownAction,
                f"unknown action '{action}': in {stage.label} you can {possible}",
            )
        return refuse(
            refusals.NotPossibleHere,
            f"'{action}' is not possible in {stage.label}; possible: {possible}",
        )
    approving = spec.kind is ActionKind.APPROVE
    if approving and who.id == situation.owner_id:
        return refuse(refusals.SelfApproval, "you cannot approve your own response")
    if not may_act(workflow, situation, who, action):
        return refuse(refusals.NotYours, _who_may(spec.who, stage.group, action))
    if spec.note_required and not note.strip():
        return refuse(refusals.NoteRequired, f"'{action}' needs a note saying why")
    if failed_gates:
        return refuse(refusals.GateFailed, *failed_gates)
    if approving:
        if who.id in situation.approved_by:
            return refuse(refusals.AlreadyApproved, "you have already approved in this round")
        count = len(situation.approved_by) + 1
        reached = count >= stage.quorum
        return Outcome(None, spec.to if reached else None, True, count, stage.quorum, spec.kind)
    return Outcome(None, spec.to, kind=spec.kind)


def gates_for(workflow: Workflow, stage: str, action: str) -> tuple[str, ...]:
    spec = action_of(workflow, stage, action)
    return spec.gates if spec else ()


def _who_may(who: tuple[str, ...], group: str | None, action: str) -> str:
    names = []
    for w in who:
        names.append(f"members of the {group} group" if w == "group" else f"the {w}")
    return f"only {' or '.join(names)} can {action} at this stage"
