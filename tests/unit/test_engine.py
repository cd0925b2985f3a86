"""The workflow engine on the default workflow: every stage x action x role."""

from pathlib import Path

import pytest

from server.errors import Conflict, Forbidden, Invalid
from server.workflow import gates, refusals
from server.workflow.definitions import KNOWN_GATES, load_workflow_file
from server.workflow.engine import Situation, Who, available_actions, decide

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_workflow_file(ROOT / "workflows" / "socitm-policy.yaml")

OWNER = Who(1, "director", frozenset())
OTHER_DIRECTOR = Who(2, "director", frozenset())
ADMIN = Who(3, "admin", frozenset())
FUTURES = Who(4, "member", frozenset({"futures"}))
COUNCIL = Who(5, "member", frozenset({"advisory-council"}))
MEMBER = Who(6, "member", frozenset())
PEOPLE = {
    "owner": OWNER,
    "other-director": OTHER_DIRECTOR,
    "admin": ADMIN,
    "futures": FUTURES,
    "council": COUNCIL,
    "member": MEMBER,
}
ACTIONS = ["submit", "approve", "request-changes", "publish", "revise", "withdraw"]

# Who may take each action in each stage (CONTRACT.md's workflow table).
ALLOWED = {
    ("draft", "submit"): {"owner"},
    ("futures-review", "approve"): {"futures"},
    ("futures-review", "request-changes"): {"futures"},
    ("council-review", "approve"): {"council"},
    ("council-review", "request-changes"): {"council"},
    ("futures-review", "withdraw"): {"owner", "admin"},
    ("council-review", "withdraw"): {"owner", "admin"},
    ("approved", "withdraw"): {"owner", "admin"},
    ("approved", "publish"): {"owner", "admin"},
    ("published", "revise"): {"owner"},
}
CASES = [
    (stage, action, person) for stage in FLOW.stages for action in ACTIONS for person in PEOPLE
]


@pytest.mark.parametrize(("stage", "action", "person"), CASES)
def test_every_stage_action_and_role(stage, action, person):
    outcome = decide(FLOW, Situation(stage, OWNER.id), PEOPLE[person], action, note="why")
    allowed = person in ALLOWED.get((stage, action), set())
    assert outcome.allowed is allowed, outcome.reasons
    if not allowed:
        expected = Forbidden if (stage, action) in ALLOWED else Conflict
        assert isinstance(outcome.refusal, expected)
        assert outcome.reasons


def test_submit_moves_to_futures_review():
    assert decide(FLOW, Situation("draft", 1), OWNER, "submit").moves_to == "futures-review"


def test_two_distinct_approvals_are_needed_to_move_on():
    first = decide(FLOW, Situation("futures-review", 1), FUTURES, "approve")
    assert first.allowed and first.records_approval and first.moves_to is None
    assert (first.approvals_after, first.quorum) == (1, 2)
    second = decide(FLOW, Situation("futures-review", 1, frozenset({9})), FUTURES, "approve")
    assert second.moves_to == "council-review"


def test_approving_twice_does_not_count_twice():
    again = decide(
        FLOW, Situation("futures-review", 1, frozenset({FUTURES.id})), FUTURES, "approve"
    )
    assert isinstance(again.refusal, refusals.AlreadyApproved)
    assert "already approved" in again.reasons[0]


def test_the_owner_cannot_approve_their_own_response_even_in_the_group():
    owner_in_group = Who(1, "director", frozenset({"futures"}))
    outcome = decide(FLOW, Situation("futures-review", 1), owner_in_group, "approve")
    assert isinstance(outcome.refusal, refusals.SelfApproval) and "your own" in outcome.reasons[0]
    assert "approve" not in available_actions(FLOW, Situation("futures-review", 1), owner_in_group)


def test_request_changes_needs_a_note_and_returns_to_draft():
    unsaid = decide(FLOW, Situation("council-review", 1), COUNCIL, "request-changes")
    assert isinstance(unsaid.refusal, refusals.NoteRequired)
    ok = decide(FLOW, Situation("council-review", 1), COUNCIL, "request-changes", "Fix 3")
    assert ok.moves_to == "draft"


def test_an_unknown_action_is_422_and_a_failed_gate_lists_every_reason():
    unknown = decide(FLOW, Situation("draft", 1), OWNER, "teleport")
    assert isinstance(unknown.refusal, refusals.UnknownAction)
    assert isinstance(unknown.refusal, Invalid)  # which errors.py maps to 422
    refused = decide(
        FLOW,
        Situation("draft", 1),
        OWNER,
        "submit",
        failed_gates=["position 1 has no theme", "no position covers Efficiency"],
    )
    assert isinstance(refused.refusal, refusals.GateFailed) and len(refused.reasons) == 2


def test_every_gate_a_file_may_name_is_implemented():
    assert set(gates.GATES) == KNOWN_GATES


BOARD = load_workflow_file(ROOT / "workflows" / "board-signoff.yaml")
BOARD_MEMBER = Who(7, "member", frozenset({"board"}))


def test_an_approval_named_otherwise_still_needs_its_quorum():
    """board-signoff calls its approval `endorse`: the quorum follows the kind."""
    first = decide(BOARD, Situation("board-review", 1), BOARD_MEMBER, "endorse")
    assert first.records_approval and first.moves_to is None and first.quorum == 2
    owner_in_board = Who(1, "director", frozenset({"board"}))
    own = decide(BOARD, Situation("board-review", 1), owner_in_board, "endorse")
    assert isinstance(own.refusal, refusals.SelfApproval)


def test_withdraw_needs_a_note_and_returns_to_draft_from_review_and_approval():
    for stage in ("futures-review", "council-review", "approved"):
        assert isinstance(
            decide(FLOW, Situation(stage, 1), OWNER, "withdraw").refusal, refusals.NoteRequired
        )
        assert decide(FLOW, Situation(stage, 1), ADMIN, "withdraw", "why").moves_to == "draft"
