"""Loading and checking workflow files, with errors that name the file, line and fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .checks import check_workflow
from .kinds import DEFAULT_DRAFT_READERS, ActionKind, DraftReader, Hook, StageKind

KNOWN_WHO = {"owner", "admin", "group", "director"}
KNOWN_GATES = {
    "every-position-themed",
    "core-themes-covered",
    "no-unresolved-comments",
    "briefing-renders",
    "all-questions-answered",
}
NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,59}$")


class WorkflowError(Exception):
    """A workflow file is invalid; str() is one line: file:line: problem - fix."""


@dataclass(frozen=True)
class Action:
    name: str
    to: str
    who: tuple[str, ...]
    gates: tuple[str, ...] = ()
    note_required: bool = False
    kind: ActionKind = ActionKind.ADVANCE
    label: str = ""


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    editable: bool = False
    group: str | None = None
    group_name: str | None = None  # the group as people call it: "National Advisory Council"
    quorum: int = 1
    deadline_days: int | None = None
    actions: dict[str, Action] = field(default_factory=dict)
    kind: StageKind = StageKind.DRAFT
    on_enter: tuple[Hook, ...] = ()


@dataclass(frozen=True)
class Workflow:
    name: str
    title: str
    initial: str
    stages: dict[str, Stage]
    draft_readers: tuple[DraftReader, ...] = DEFAULT_DRAFT_READERS

    def stage(self, name: str) -> Stage:
        return self.stages[name]

    def kind_of(self, stage: str) -> StageKind | None:
        found = self.stages.get(stage)
        return found.kind if found else None

    def is_editable(self, stage: str) -> bool:
        return stage in self.stages and self.stages[stage].editable

    def is_published(self, stage: str) -> bool:
        return self.kind_of(stage) is StageKind.PUBLISHED

    def label(self, stage: str) -> str:
        return self.stages[stage].label if stage in self.stages else stage

    @property
    def groups(self) -> set[str]:
        return {s.group for s in self.stages.values() if s.group}

    def groups_of(self, stages: set[str]) -> set[str]:
        """The reviewer groups of these stages (those this workflow knows)."""
        return {s.group for n, s in self.stages.items() if n in stages and s.group}


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (k, v) for k, v in node.value}


def _choice(enum: Any, value: Any, what: str, fail: Any, node: yaml.Node) -> Any:
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise fail(node, f"{what} has unknown kind {value!r} - use one of {known}") from None


def _words(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


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
    readers_node = top.get("drafts_visible_to", (root, root))[1]
    readers = tuple(
        _choice(DraftReader, r, "drafts_visible_to", fail, readers_node)
        for r in _words(data.get("drafts_visible_to", [r.value for r in DEFAULT_DRAFT_READERS]))
    )
    stage_nodes = _mapping(stages_node)
    stages = {
        str(name): _stage(str(name), spec, stage_nodes[str(name)], fail)
        for name, spec in data["stages"].items()
    }
    workflow = Workflow(
        str(data["name"]),
        str(data.get("title", data["name"])),
        str(data["initial"]),
        stages,
        readers,
    )
    check_workflow(workflow, {n: k for n, (k, _) in stage_nodes.items()}, top, fail)
    return workflow


def _stage(name: str, spec: Any, nodes: tuple[yaml.Node, yaml.Node], fail: Any) -> Stage:
    key_node, value_node = nodes
    if not NAME_RE.match(name):
        raise fail(key_node, f"stage name {name!r} - use lower-case letters, digits and hyphens")
    spec = spec or {}
    if not isinstance(spec, dict):
        raise fail(value_node, f"stage '{name}' must be a mapping")
    fields = _mapping(value_node)
    if "kind" not in spec:
        known = ", ".join(k.value for k in StageKind)
        raise fail(key_node, f"stage '{name}' has no kind - add 'kind:' ({known})")
    kind = _choice(StageKind, spec["kind"], f"stage '{name}'", fail, fields["kind"][1])
    quorum = spec.get("quorum", 1)
    if not isinstance(quorum, int) or isinstance(quorum, bool) or quorum < 1:
        node = fields.get("quorum", (key_node, key_node))[1]
        raise fail(node, f"stage '{name}' has quorum {quorum!r} - use a whole number >= 1")
    if "quorum" in spec and kind is not StageKind.REVIEW:
        raise fail(
            fields["quorum"][1],
            f"stage '{name}' sets a quorum but is not a review stage - a quorum counts "
            "approvals: remove it or make the stage kind review",
        )
    deadline = spec.get("deadline_days")
    if deadline is not None and (not isinstance(deadline, int) or deadline < 1):
        raise fail(
            fields["deadline_days"][1],
            f"stage '{name}' has deadline_days {deadline!r} - use days >= 1",
        )
    hooks_node = fields.get("on_enter", (key_node, key_node))[1]
    hooks = tuple(
        _choice(Hook, h, f"on_enter of stage '{name}'", fail, hooks_node)
        for h in _words(spec.get("on_enter"))
    )
    action_nodes = _mapping(fields["actions"][1]) if "actions" in fields else {}
    actions = {
        str(a): _action(str(a), aspec, action_nodes[str(a)], name, spec, fail)
        for a, aspec in (spec.get("actions") or {}).items()
    }
    return Stage(
        name=name,
        label=str(spec.get("label", name)),
        editable=bool(spec.get("editable", kind is StageKind.DRAFT)),
        group=spec.get("group"),
        group_name=str(spec["group_name"]) if spec.get("group_name") else None,
        quorum=quorum,
        deadline_days=deadline,
        actions=actions,
        kind=kind,
        on_enter=hooks,
    )


def _action(
    name: str,
    aspec: Any,
    nodes: tuple[yaml.Node, yaml.Node],
    stage_name: str,
    stage_spec: dict[str, Any],
    fail: Any,
) -> Action:
    key_node, anode = nodes
    if not NAME_RE.match(name):
        raise fail(key_node, f"action name {name!r} - use lower-case letters, digits and hyphens")
    if not isinstance(aspec, dict) or "to" not in aspec:
        raise fail(anode, f"action '{name}' needs 'to: <stage>'")
    if "kind" not in aspec:
        known = ", ".join(k.value for k in ActionKind)
        raise fail(anode, f"action '{name}' has no kind - add 'kind:' ({known})")
    kind = _choice(ActionKind, aspec["kind"], f"action '{name}'", fail, anode)
    if "quorum" in aspec:
        raise fail(
            anode,
            f"action '{name}' sets a quorum - a quorum belongs to a review stage with an "
            "approve action: move it to the stage",
        )
    who_list = tuple(_words(aspec.get("who", "owner")))
    for w in who_list:
        if w not in KNOWN_WHO:
            raise fail(
                anode,
                f"action '{name}' names unknown actor {w!r} - "
                f"use one of {', '.join(sorted(KNOWN_WHO))}",
            )
    if "group" in who_list and not stage_spec.get("group"):
        raise fail(
            anode,
            f"action '{name}' is for 'group' but stage "
            f"'{stage_name}' names no group - add 'group: <slug>'",
        )
    gates = tuple(_words(aspec.get("gates")))
    for gate in gates:
        if gate not in KNOWN_GATES:
            raise fail(
                anode, f"unknown gate {gate!r} - use one of {', '.join(sorted(KNOWN_GATES))}"
            )
    return Action(
        name,
        str(aspec["to"]),
        who_list,
        gates,
        aspec.get("note") == "required",
        kind,
        str(aspec.get("label", "")),
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
