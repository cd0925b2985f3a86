"""No code branches on a stage or action name: the workflow file is the truth.

Every stage and action name of the shipped workflows is searched for, as a string
literal, in server/ (Python, read with ast) and in the expressions of templates/
(Jinja). Rules are keyed by the kinds in server/workflow/kinds.py - the one file
allowed to spell words like "approve", since that is where the kinds are declared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from server.workflow.definitions import load_all

ROOT = Path(__file__).resolve().parents[2]
DECLARES_KINDS = ROOT / "server" / "workflow" / "kinds.py"
JINJA = re.compile(r"\{[{%](.*?)[%}]\}", re.S)
QUOTED = re.compile(r"""(['"])([a-z][a-z0-9-]*)\1""")


def workflow_names() -> set[str]:
    names: set[str] = set()
    for workflow in load_all(ROOT / "workflows").values():
        for stage in workflow.stages.values():
            names.add(stage.name)
            names.update(stage.actions)
    return names


def python_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
    return found


def template_literals(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    found = []
    for block in JINJA.finditer(text):
        line = text.count("\n", 0, block.start()) + 1
        found.extend((line, q.group(2)) for q in QUOTED.finditer(block.group(1)))
    return found


def test_the_shipped_workflows_have_names_to_look_for():
    names = workflow_names()
    assert {"approve", "published", "endorse", "released", "withdraw"} <= names


def test_no_python_in_server_spells_a_stage_or_action_name():
    names = workflow_names()
    hits = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in sorted((ROOT / "server").rglob("*.py"))
        if path != DECLARES_KINDS
        for line, value in python_literals(path)
        if value in names
    ]
    assert not hits, "branch on kinds (server/workflow/kinds.py), not names:\n" + "\n".join(hits)


def test_no_template_expression_spells_a_stage_or_action_name():
    names = workflow_names()
    hits = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for line, value in template_literals(path)
        if value in names
    ]
    assert not hits, "templates ask the action's kind, not its name:\n" + "\n".join(hits)


def test_the_search_would_find_a_name_if_one_crept_back(tmp_path):
    """The check itself works: a literal comparison is found in code and templates."""
    code = tmp_path / "x.py"
    code.write_text('if action == "approve":\n    pass\n')
    page = tmp_path / "x.html"
    page.write_text("<p>{% if choice.name == 'publish' %}x{% endif %}</p>")
    assert (1, "approve") in python_literals(code)
    assert (1, "publish") in template_literals(page)
