"""Loading and checking workflow files, with errors that name the file, line and fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KNOWN_WHO = {"owner", "admin", "group", "director"}
KNOWN_GATES = {"every-position-themed", "core-themes-covered", "no-unresolved-comments"}


class WorkflowError(Exception):
    """A workflow file is invalid; str() is one line: file:line: problem - fix."""


@dataclass(frozen=True)
class Action:
    name: str
    to: str
    who: tuple[str, ...]
    gates: tuple[str, ...] = ()
    note_required: bool = False


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    editable: bool = False
    group: str | None = None
    quorum: int = 1
    deadline_days: int | None = None
    actions: dict[str, Action] = field(default_factory=dict)


@dataclass(frozen=True)
class Workflow:
    name: str
    title: str
    initial: str
    stages: dict[str, Stage]

    def stage(self, name: str) -> Stage:
        return self.stages[name]

    def is_editable(self, stage: str) -> bool:
        return stage in self.stages and self.stages[stage].editable

    def label(self, stage: str) -> str:
        return self.stages[stage].label if stage in self.stages else stage

    @property
    def groups(self) -> set[str]:
        return {s.group for s in self.stages.values() if s.group}


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (k, v) for k, v in node.value}


def parse_workflow(text: str, source: str = "<workflow>") -> Workflow:
    def fail(node: yaml.Node | None, problem: str) -> WorkflowError:
        return WorkflowError(f"{source}:{_line(node)}: {problem}")

    try:
        root = yaml.compose(text)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise WorkflowError(f"{source}:{line}: {problem} - fix the YAML syntax") from None
    if not isinstance(data, dict) or root is None:
        raise fail(root, "a workflow file is a mapping with name, initial and stages")
    top = _mapping(root)
    for key in ("name", "initial", "stages"):
        if key not in data:
            raise fail(root, f"'{key}' is missing - add it at the top level")
    stages_node = top["stages"][1]
    if not isinstance(data["stages"], dict) or not data["stages"]:
        raise fail(stages_node, "'stages' must map stage names to their settings")
    stage_nodes = _mapping(stages_node)
    stages: dict[str, Stage] = {}
    for stage_name, spec in data["stages"].items():
        key_node, value_node = stage_nodes[str(stage_name)]
        spec = spec or {}
        if not isinstance(spec, dict):
            raise fail(value_node, f"stage '{stage_name}' must be a mapping")
        fields = _mapping(value_node)
        quorum = spec.get("quorum", 1)
        if not isinstance(quorum, int) or quorum < 1:
            node = fields.get("quorum", (key_node, key_node))[1]
            raise fail(
                node, f"stage '{stage_name}' has quorum {quorum!r} - use a whole number >= 1"
            )
        deadline = spec.get("deadline_days")
        if deadline is not None and (not isinstance(deadline, int) or deadline < 1):
            node = fields["deadline_days"][1]
            raise fail(node, f"stage '{stage_name}' has deadline_days {deadline!r} - use days >= 1")
        actions: dict[str, Action] = {}
        action_nodes = _mapping(fields["actions"][1]) if "actions" in fields else {}
        for action_name, aspec in (spec.get("actions") or {}).items():
            anode = action_nodes[str(action_name)][1]
            if not isinstance(aspec, dict) or "to" not in aspec:
                raise fail(anode, f"action '{action_name}' needs 'to: <stage>'")
            who = aspec.get("who", "owner")
            who_list = tuple(who if isinstance(who, list) else [who])
            for w in who_list:
                if w not in KNOWN_WHO:
                    raise fail(
                        anode,
                        f"action '{action_name}' names unknown actor {w!r} - "
                        f"use one of {', '.join(sorted(KNOWN_WHO))}",
                    )
            if "group" in who_list and not spec.get("group"):
                raise fail(
                    anode,
                    f"action '{action_name}' is for 'group' but stage "
                    f"'{stage_name}' names no group - add 'group: <slug>'",
                )
            gates = tuple(aspec.get("gates") or ())
            for gate in gates:
                if gate not in KNOWN_GATES:
                    raise fail(
                        anode,
                        f"unknown gate {gate!r} - use one of {', '.join(sorted(KNOWN_GATES))}",
                    )
            actions[str(action_name)] = Action(
                str(action_name),
                str(aspec["to"]),
                who_list,
                gates,
                aspec.get("note") == "required",
            )
        stages[str(stage_name)] = Stage(
            name=str(stage_name),
            label=str(spec.get("label", stage_name)),
            editable=bool(spec.get("editable", False)),
            group=spec.get("group"),
            quorum=quorum,
            deadline_days=deadline,
            actions=actions,
        )
    workflow = Workflow(
        str(data["name"]), str(data.get("title", data["name"])), str(data["initial"]), stages
    )
    _check_graph(workflow, stage_nodes, top, fail)
    return workflow


def _check_graph(workflow: Workflow, stage_nodes: Any, top: Any, fail: Any) -> None:
    if workflow.initial not in workflow.stages:
        raise fail(
            top["initial"][1],
            f"initial stage '{workflow.initial}' is not defined "
            "under stages - define it or correct the name",
        )
    for stage in workflow.stages.values():
        node = stage_nodes[stage.name][0]
        for action in stage.actions.values():
            if action.to not in workflow.stages:
                raise fail(
                    node,
                    f"action '{action.name}' of stage '{stage.name}' goes to "
                    f"unknown stage '{action.to}' - define it or correct the name",
                )
        if not stage.actions:
            raise fail(node, f"stage '{stage.name}' has no way out - give it at least one action")
    reached = {workflow.initial}
    frontier = [workflow.initial]
    while frontier:
        for action in workflow.stages[frontier.pop()].actions.values():
            if action.to not in reached:
                reached.add(action.to)
                frontier.append(action.to)
    for name in workflow.stages:
        if name not in reached:
            raise fail(
                stage_nodes[name][0],
                f"stage '{name}' cannot be reached from "
                f"'{workflow.initial}' - add an action that leads to it or remove it",
            )


def load_workflow_file(path: Path) -> Workflow:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkflowError(f"{path}: cannot read the file ({exc.strerror})") from None
    workflow = parse_workflow(text, str(path))
    if workflow.name != path.stem:
        raise WorkflowError(
            f"{path}:1: name '{workflow.name}' differs from the file name - "
            f"name it '{path.stem}' or rename the file"
        )
    return workflow


def load_all(folder: Path) -> dict[str, Workflow]:
    """Every workflows/*.yaml; raises WorkflowError on the first invalid file."""
    return {p.stem: load_workflow_file(p) for p in sorted(folder.glob("*.yaml"))}
