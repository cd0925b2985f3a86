"""Workflow files: the shipped ones load; broken ones get file, line and fix."""

from pathlib import Path

import pytest

from server.workflow.definitions import WorkflowError, load_all, parse_workflow

ROOT = Path(__file__).resolve().parents[2]

VALID = """name: tiny
initial: draft
stages:
  draft:
    editable: true
    actions:
      submit: {who: owner, to: review}
  review:
    group: futures
    quorum: 2
    actions:
      approve: {who: group, to: draft}
"""


def test_shipped_workflows_load_with_the_contract_stages():
    flows = load_all(ROOT / "workflows")
    assert set(flows) >= {"socitm-policy", "fast-track"}
    policy = flows["socitm-policy"]
    assert list(policy.stages) == [
        "draft",
        "futures-review",
        "council-review",
        "approved",
        "published",
    ]
    assert policy.stage("futures-review").group == "futures"
    assert policy.stage("futures-review").quorum == 2
    assert policy.stage("council-review").group == "advisory-council"
    assert policy.is_editable("draft") and not policy.is_editable("approved")
    assert policy.stage("draft").actions["submit"].gates == (
        "every-position-themed",
        "core-themes-covered",
    )


def test_a_valid_small_workflow_parses():
    assert parse_workflow(VALID, "tiny.yaml").stage("review").quorum == 2


@pytest.mark.parametrize(
    ("broken", "line", "words"),
    [
        (VALID.replace("to: review}", "to: nowhere}"), 4, "unknown stage 'nowhere'"),
        (VALID.replace("quorum: 2", "quorum: 0"), 10, "quorum 0"),
        (VALID.replace("who: group", "who: anyone"), 12, "unknown actor 'anyone'"),
        (
            VALID.replace(
                "submit: {who: owner, to: review}",
                "submit: {who: owner, to: review, gates: [magic]}",
            ),
            7,
            "unknown gate",
        ),
        (
            VALID + "  orphan:\n    actions:\n      x: {who: owner, to: draft}\n",
            13,
            "cannot be reached",
        ),
        (VALID.replace("      approve: {who: group, to: draft}\n", ""), 8, "no way out"),
        (VALID.replace("initial: draft", "initial: start"), 2, "initial stage 'start'"),
        ("name: x\nstages: [\n", 3, "fix the YAML"),
    ],
)
def test_invalid_workflows_name_file_line_and_fix(broken, line, words):
    with pytest.raises(WorkflowError) as caught:
        parse_workflow(broken, "tiny.yaml")
    message = str(caught.value)
    assert message.startswith(f"tiny.yaml:{line}:"), message
    assert words in message
