"""The workflow engine: given where a response stands, who acts and what they ask,
say whether it is allowed, why not, and what follows. No database, no web."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .definitions import Workflow


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
    allowed: bool
    status: int = 200  # the HTTP status a refusal maps to: 403, 409 or 422
    reasons: tuple[str, ...] = ()
    moves_to: str | None = None  # None: an approval short of quorum, nothing moves yet
    records_approval: bool = False
    approvals_after: int = 0
    quorum: int = 0
    gates: tuple[str, ...] = field(default=())


def refuse(status: int, *reasons: str) -> Outcome:
    return Outcome(False, status, tuple(reasons))


def may_act(workflow: Workflow, situation: Situation, who: Who, action: str) -> bool:
    """Whether the person is one of those the stage lets take the action."""
    stage = workflow.stages.get(situation.stage)
    if stage is None or action not in stage.actions:
        return False
    allowed = stage.actions[action].who
    if action == "approve" and who.id == situation.owner_id:
        return False
    return (
        ("owner" in allowed and who.id == situation.owner_id)
        or ("admin" in allowed and who.role == "admin")
        or ("director" in allowed and who.role == "director")
        or ("group" in allowed and stage.group is not None and stage.group in who.groups)
    )


def available_actions(workflow: Workflow, situation: Situation, who: Who) -> list[str]:
    stage = workflow.stages.get(situation.stage)
    if stage is None:
        return []
    return [name for name in stage.actions if may_act(workflow, situation, who, name)]


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
        return refuse(409, f"the response is in an unknown stage '{situation.stage}'")
    if action not in stage.actions:
        known = {a for s in workflow.stages.values() for a in s.actions}
        possible = ", ".join(stage.actions) or "nothing"
        if action not in known:
            return refuse(422, f"unknown action '{action}': in {stage.label} you can {possible}")
        return refuse(409, f"'{action}' is not possible in {stage.label}; possible: {possible}")
    spec = stage.actions[action]
    if action == "approve" and who.id == situation.owner_id:
        return refuse(403, "you cannot approve your own response")
    if not may_act(workflow, situation, who, action):
        return refuse(403, _who_may(spec.who, stage.group, action))
    if spec.note_required and not note.strip():
        return refuse(422, f"'{action}' needs a note saying what should change")
    if failed_gates:
        return refuse(409, *failed_gates)
    if action == "approve":
        if who.id in situation.approved_by:
            return refuse(409, "you have already approved in this round")
        count = len(situation.approved_by) + 1
        reached = count >= stage.quorum
        return Outcome(True, 200, (), spec.to if reached else None, True, count, stage.quorum)
    return Outcome(True, 200, (), spec.to)


def gates_for(workflow: Workflow, stage: str, action: str) -> tuple[str, ...]:
    spec = workflow.stages.get(stage)
    if spec is None or action not in spec.actions:
        return ()
    return spec.actions[action].gates


def _who_may(who: tuple[str, ...], group: str | None, action: str) -> str:
    names = []
    for w in who:
        names.append(f"members of the {group} group" if w == "group" else f"the {w}")
    return f"only {' or '.join(names)} can {action} at this stage"
