"""access.sight, the one visibility rule, for each choice of drafts_visible_to."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.accounts.users import Actor
from server.drafting import access
from server.drafting.access import Sight
from server.models import Response
from server.workflow.definitions import parse_workflow

ROOT = Path(__file__).resolve().parents[2]
POLICY = (ROOT / "workflows" / "socitm-policy.yaml").read_text()

OWNER = Actor(1, "o@x.org", "Owner", "director", frozenset())
DIRECTOR = Actor(2, "d@x.org", "Director", "director", frozenset())
ADMIN = Actor(3, "a@x.org", "Admin", "admin", frozenset())
FUTURES = Actor(4, "f@x.org", "Futures", "member", frozenset({"futures"}))
COUNCIL = Actor(5, "c@x.org", "Council", "member", frozenset({"advisory-council"}))
MEMBER = Actor(6, "m@x.org", "Member", "member", frozenset())


def _response(stage: str, reached: str) -> Response:
    return Response(
        id=1, title="T", rt_title="P", stage=stage, stages_reached=reached, owner_id=OWNER.id
    )


@pytest.fixture
def readers(monkeypatch):  # type: ignore[no-untyped-def]
    def use(choice: str | None) -> None:
        text = POLICY.replace(
            "drafts_visible_to: [directors, reviewers-once-handed]",
            f"drafts_visible_to: {choice}" if choice else "",
        )
        workflow = parse_workflow(text, "socitm-policy.yaml")
        monkeypatch.setattr(access, "workflow_for", lambda response: workflow)

    return use


def test_by_default_a_group_reads_a_draft_only_once_its_stage_has_had_it(readers):
    readers(None)  # the default: [directors, reviewers-once-handed]
    fresh = _response("draft", "draft")
    assert [access.sight(p, fresh) for p in (OWNER, ADMIN, DIRECTOR)] == [Sight.INTERNAL] * 3
    assert [access.sight(p, fresh) for p in (FUTURES, COUNCIL, MEMBER)] == [Sight.NONE] * 3
    sent_back = _response("draft", "draft futures-review")
    assert access.sight(FUTURES, sent_back) is Sight.INTERNAL
    assert access.sight(COUNCIL, sent_back) is Sight.NONE


def test_a_plain_member_sees_a_published_response_only_as_published(readers):
    readers(None)
    published = _response("published", "draft futures-review council-review approved published")
    assert access.sight(MEMBER, published) is Sight.PUBLISHED
    assert access.sight(FUTURES, published) is Sight.INTERNAL
    assert not access.reads_internals(MEMBER, published)


def test_a_workflow_may_show_drafts_to_its_reviewers_from_creation(readers):
    readers("[reviewers]")
    fresh = _response("draft", "draft")
    assert access.sight(FUTURES, fresh) is Sight.INTERNAL
    assert access.sight(DIRECTOR, fresh) is Sight.NONE  # directors not listed
    assert access.sight(MEMBER, fresh) is Sight.NONE


def test_an_unknown_choice_is_refused_with_the_choices(readers):
    from server.workflow.definitions import WorkflowError

    with pytest.raises(WorkflowError, match="use one of directors, reviewers"):
        readers("[everyone]")
