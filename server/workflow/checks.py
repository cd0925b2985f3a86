"""The consistency rules of a workflow file: each kind used where it makes sense,
a published stage to aim for, and from every stage a way on.

Each rule raises the loader's one-line error (file:line: problem - fix) through
the `fail` it is given; definitions.py parses, this module judges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .kinds import ActionKind, Hook, StageKind

if TYPE_CHECKING:
    from .definitions import Action, Stage, Workflow

# Which stages each kind of action may leave from, and which it may lead to.
LEAVES_FROM: dict[ActionKind, set[StageKind]] = {
    ActionKind.ADVANCE: {StageKind.DRAFT, StageKind.REVIEW, StageKind.APPROVED},
    ActionKind.APPROVE: {StageKind.REVIEW},
    ActionKind.RETURN: {StageKind.REVIEW, StageKind.APPROVED},
    ActionKind.PUBLISH: {StageKind.APPROVED, StageKind.REVIEW},
    ActionKind.WITHDRAW: {StageKind.REVIEW, StageKind.APPROVED},
    ActionKind.REVISE: {StageKind.PUBLISHED},
}
LEADS_TO: dict[ActionKind, set[StageKind]] = {
    ActionKind.ADVANCE: {StageKind.REVIEW, StageKind.APPROVED},
    ActionKind.APPROVE: {StageKind.REVIEW, StageKind.APPROVED},
    ActionKind.RETURN: {StageKind.DRAFT, StageKind.REVIEW},
    ActionKind.PUBLISH: {StageKind.PUBLISHED},
    ActionKind.WITHDRAW: {StageKind.DRAFT},
    ActionKind.REVISE: {StageKind.DRAFT},
}
WITHDRAW_EXAMPLE = "withdraw: {kind: withdraw, who: [owner, admin], to: draft, note: required}"


def _names(kinds: set[StageKind]) -> str:
    return " or ".join(sorted(k.value for k in kinds))


def check_workflow(workflow: Workflow, stage_nodes: dict[str, Any], top: Any, fail: Any) -> None:
    if workflow.initial not in workflow.stages:
        raise fail(
            top["initial"][1],
            f"initial stage '{workflow.initial}' is not defined "
            "under stages - define it or correct the name",
        )
    for stage in workflow.stages.values():
        for action in stage.actions.values():
            if action.to not in workflow.stages:
                raise fail(
                    stage_nodes[stage.name],
                    f"action '{action.name}' of stage '{stage.name}' goes to unknown stage "
                    f"'{action.to}' - define it or correct the name",
                )
    if workflow.stages[workflow.initial].kind is not StageKind.DRAFT:
        raise fail(
            top["initial"][1],
            f"initial stage '{workflow.initial}' is not of kind draft - start in a draft stage",
        )
    published = [s for s in workflow.stages.values() if s.kind is StageKind.PUBLISHED]
    if not published:
        raise fail(
            top["stages"][0],
            "the workflow has no published stage - add a stage of kind published "
            "with on_enter: [publish-briefing]",
        )
    for stage in workflow.stages.values():
        _check_stage(workflow, stage, stage_nodes[stage.name], fail)
    _check_reach(workflow, stage_nodes, fail)


def _check_stage(workflow: Workflow, stage: Stage, node: Any, fail: Any) -> None:
    if not stage.actions:
        raise fail(node, f"stage '{stage.name}' has no way out - give it at least one action")
    if stage.editable and stage.kind is not StageKind.DRAFT:
        raise fail(node, f"stage '{stage.name}' is editable but not a draft - remove editable")
    if stage.kind is StageKind.REVIEW and not stage.group:
        raise fail(node, f"review stage '{stage.name}' names no group - add 'group: <slug>'")
    publishes = Hook.PUBLISH_BRIEFING in stage.on_enter
    if stage.kind is StageKind.PUBLISHED and not publishes:
        raise fail(
            node,
            f"published stage '{stage.name}' does not publish - add on_enter: [publish-briefing]",
        )
    if publishes and stage.kind is not StageKind.PUBLISHED:
        raise fail(
            node,
            f"stage '{stage.name}' publishes on entry but is not of kind published - "
            "change its kind or remove on_enter",
        )
    kinds = {a.kind for a in stage.actions.values()}
    if stage.kind is StageKind.REVIEW and ActionKind.APPROVE not in kinds:
        raise fail(node, f"review stage '{stage.name}' has no action of kind approve - add one")
    if stage.kind in (StageKind.REVIEW, StageKind.APPROVED) and ActionKind.WITHDRAW not in kinds:
        raise fail(
            node,
            f"stage '{stage.name}' offers no way back to draft - add {WITHDRAW_EXAMPLE}",
        )
    for action in stage.actions.values():
        _check_action(workflow, stage, action, node, fail)


def _check_action(workflow: Workflow, stage: Stage, action: Action, node: Any, fail: Any) -> None:
    where = f"action '{action.name}' of stage '{stage.name}'"
    target = workflow.stages[action.to]
    if stage.kind not in LEAVES_FROM[action.kind]:
        raise fail(
            node,
            f"{where} is of kind {action.kind.value}, which leaves only from a "
            f"{_names(LEAVES_FROM[action.kind])} stage - change its kind or move it",
        )
    if target.kind not in LEADS_TO[action.kind]:
        raise fail(
            node,
            f"{where} is of kind {action.kind.value} but leads to {target.kind.value} stage "
            f"'{target.name}' - lead it to a {_names(LEADS_TO[action.kind])} stage",
        )
    if action.kind is ActionKind.APPROVE and action.who != ("group",):
        raise fail(node, f"{where} is an approval - only 'who: group' may approve")
    if action.kind is ActionKind.WITHDRAW:
        if not set(action.who) <= {"owner", "admin"}:
            raise fail(node, f"{where} is a withdrawal - use 'who: [owner, admin]'")
        if not action.note_required:
            raise fail(node, f"{where} is a withdrawal - add 'note: required'")


def _check_reach(workflow: Workflow, stage_nodes: dict[str, Any], fail: Any) -> None:
    reached = _closure(workflow, {workflow.initial})
    for name in workflow.stages:
        if name not in reached:
            raise fail(
                stage_nodes[name],
                f"stage '{name}' cannot be reached from "
                f"'{workflow.initial}' - add an action that leads to it or remove it",
            )
    for name, stage in workflow.stages.items():
        onward = _closure(workflow, {name})
        if stage.kind is not StageKind.PUBLISHED and not any(
            workflow.stages[n].kind is StageKind.PUBLISHED for n in onward
        ):
            raise fail(
                stage_nodes[name],
                f"stage '{name}' is a dead end: no way from it leads to a published stage - "
                "add an action that does",
            )


def _closure(workflow: Workflow, start: set[str]) -> set[str]:
    reached = set(start)
    frontier = list(start)
    while frontier:
        for action in workflow.stages[frontier.pop()].actions.values():
            if action.to not in reached:
                reached.add(action.to)
                frontier.append(action.to)
    return reached
