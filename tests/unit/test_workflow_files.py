"""Workflow files: the shipped ones load; broken ones get file, line and fix."""

from pathlib import Path

import pytest

from server.workflow.definitions import WorkflowError, load_all, parse_workflow

ROOT = Path(__file__).resolve().parents[2]

VALID = """name: tiny
initial: draft
stages:
  draft:
    kind: draft
    actions:
      submit: {kind: advance, who: owner, to: review}
  review:
    kind: review
    group: futures
    quorum: 2
    actions:
      approve: {kind: approve, who: group, to: ready}
      withdraw: {kind: withdraw, who: owner, to: draft, note: required}
  ready:
    kind: approved
    actions:
      publish: {kind: publish, who: owner, to: out}
      withdraw: {kind: withdraw, who: owner, to: draft, note: required}
  out:
    kind: published
    on_enter: [publish-briefing]
    actions:
      revise: {kind: revise, who: owner, to: draft}
"""


def test_shipped_workflows_load_with_the_contract_stages():
    flows = load_all(ROOT / "workflows")
    assert set(flows) >= {"socitm-policy", "fast-track", "board-signoff"}
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
        "all-questions-answered",
        "briefing-renders",
    )


def test_a_valid_small_workflow_parses():
    assert parse_workflow(VALID, "tiny.yaml").stage("review").quorum == 2


@pytest.mark.parametrize(
    ("broken", "line", "words"),
    [
        (VALID.replace("to: review}", "to: nowhere}"), 4, "unknown stage 'nowhere'"),
        (VALID.replace("quorum: 2", "quorum: 0"), 11, "quorum 0"),
        (VALID.replace("who: group", "who: anyone"), 13, "unknown actor 'anyone'"),
        (
            VALID.replace(
                "submit: {kind: advance, who: owner, to: review}",
                "submit: {kind: advance, who: owner, to: review, gates: [magic]}",
            ),
            7,
            "unknown gate",
        ),
        (
            VALID + "  orphan:\n    kind: draft\n    actions:\n"
            "      x: {kind: advance, who: owner, to: review}\n",
            25,
            "cannot be reached",
        ),
        (VALID.replace("initial: draft", "initial: start"), 2, "initial stage 'start'"),
        ("name: x\nstages: [\n", 3, "fix the YAML"),
        # The kinds: what each stage and action is, and where it may be used.
        (VALID.replace("kind: advance", "kind: teleport"), 7, "unknown kind 'teleport'"),
        (VALID.replace("    kind: review\n", ""), 8, "has no kind"),
        (VALID.replace("{kind: approve,", "{"), 13, "has no kind"),
        (
            VALID.replace("{kind: approve,", "{kind: advance,"),
            8,
            "has no action of kind approve",
        ),
        (
            VALID.replace(
                "  draft:\n    kind: draft\n", "  draft:\n    kind: draft\n    quorum: 2\n"
            ),
            6,
            "sets a quorum but is not a review stage",
        ),
        (
            VALID.replace("approve: {kind: approve,", "approve: {kind: approve, quorum: 2,"),
            13,
            "a quorum belongs to a review stage",
        ),
        (VALID.replace("kind: published", "kind: approved"), 3, "no published stage"),
        (
            VALID.replace(
                "publish: {kind: publish, who: owner, to: out}",
                "publish: {kind: publish, who: owner, to: review}",
            ),
            15,
            "leads to review stage 'review'",
        ),
        (
            VALID.replace("    on_enter: [publish-briefing]\n", ""),
            20,
            "does not publish",
        ),
        (
            VALID.replace(
                "      withdraw: {kind: withdraw, who: owner, to: draft, note: required}\n  ready:",
                "  ready:",
            ),
            8,
            "no way back to draft",
        ),
        (
            VALID.replace("      revise: {kind: revise, who: owner, to: draft}\n", ""),
            20,
            "no way out",
        ),
        (
            VALID.replace(
                "withdraw: {kind: withdraw, who: owner, to: draft, note: required}\n  ready:",
                "withdraw: {kind: withdraw, who: owner, to: draft}\n  ready:",
            ),
            8,
            "add 'note: required'",
        ),
    ],
)
def test_invalid_workflows_name_file_line_and_fix(broken, line, words):
    with pytest.raises(WorkflowError) as caught:
        parse_workflow(broken, "tiny.yaml")
    message = str(caught.value)
    assert message.startswith(f"tiny.yaml:{line}:"), message
    assert words in message
    assert "\n" not in message  # one line


DEAD_END = """name: loop
initial: draft
stages:
  draft:
    kind: draft
    actions:
      submit: {kind: advance, who: owner, to: first}
  first:
    kind: review
    group: futures
    actions:
      approve: {kind: approve, who: group, to: second}
      withdraw: {kind: withdraw, who: owner, to: draft, note: required}
  second:
    kind: review
    group: futures
    actions:
      approve: {kind: approve, who: group, to: first}
      withdraw: {kind: withdraw, who: owner, to: draft, note: required}
  out:
    kind: published
    on_enter: [publish-briefing]
    actions:
      revise: {kind: revise, who: owner, to: draft}
"""


def test_a_workflow_that_can_never_publish_is_refused():
    with pytest.raises(WorkflowError) as caught:
        parse_workflow(DEAD_END, "loop.yaml")
    assert "cannot be reached" in str(caught.value) or "dead end" in str(caught.value)


def test_renaming_approve_keeps_its_quorum_in_the_shipped_board_workflow():
    board = load_all(ROOT / "workflows")["board-signoff"]
    review = board.stage("board-review")
    assert review.quorum == 2 and review.actions["endorse"].kind.value == "approve"
