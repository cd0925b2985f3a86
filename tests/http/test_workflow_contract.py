"""The workflow contract, run on every shipped workflow whatever its names.

Each test finds the actions it needs by kind in the workflow file (an approval is
`approve` in one file and `endorse` in another), walks a response along the
workflow over HTTP and checks what a user would: quorum, no self-approval, a
return for changes, publication, withdraw, and who can see what at each stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from server.accounts.users import Actor
from server.models import Notification, Publication
from server.workflow.definitions import Workflow, load_all
from server.workflow.kinds import ActionKind, StageKind
from tests.conftest import add_user

from .conftest import SMALL_DRAFT

ROOT = Path(__file__).resolve().parents[2]
FLOWS = load_all(ROOT / "workflows")
INTERNAL_PAGES = ["/history", "/revisions", "/revisions/1", "/compare?from=1&to=2", "/export"]
INTERNAL_API = ["/history", "/revisions", "/comments"]


def act(client: TestClient, rid: int, action: str, note: str = "") -> Any:
    return client.post(f"/api/v1/responses/{rid}/actions", json={"action": action, "note": note})


@dataclass
class Walk:
    """One response on one workflow, and the people who move it."""

    flow: Workflow
    rid: int
    owner: TestClient
    admin: TestClient
    member: TestClient
    reviewers: dict[str, list[TestClient]]
    reviewer_ids: dict[str, list[int]]
    stage: str = ""
    seen: list[str] = field(default_factory=list)

    def action(self, stage: str, kind: ActionKind) -> str:
        return next(a.name for a in self.flow.stages[stage].actions.values() if a.kind is kind)

    def kind(self, stage: str) -> StageKind:
        return self.flow.stages[stage].kind

    def review_stages(self) -> list[str]:
        return [s for s in self.path() if self.kind(s) is StageKind.REVIEW]

    def path(self) -> list[str]:
        """The stages from draft to published, going forward at each."""
        stages, here = [self.flow.initial], self.flow.initial
        forward = (ActionKind.ADVANCE, ActionKind.APPROVE, ActionKind.PUBLISH)
        while self.kind(here) is not StageKind.PUBLISHED:
            here = next(a.to for a in self.flow.stages[here].actions.values() if a.kind in forward)
            stages.append(here)
        return stages

    def current(self) -> str:
        return self.owner.get(f"/api/v1/responses/{self.rid}").json()["stage"]

    def step(self) -> str:
        """Move one stage forward along the path; the stage reached."""
        here = self.current()
        kind = self.kind(here)
        if kind is StageKind.REVIEW:
            group = self.flow.stages[here].group or ""
            name = self.action(here, ActionKind.APPROVE)
            for client in self.reviewers[group][: self.flow.stages[here].quorum]:
                reply = act(client, self.rid, name)
                assert reply.status_code == 200, reply.text
        else:
            forward = ActionKind.ADVANCE if kind is StageKind.DRAFT else ActionKind.PUBLISH
            reply = act(self.owner, self.rid, self.action(here, forward))
            assert reply.status_code == 200, reply.text
        return self.current()

    def walk_to(self, stage: str) -> None:
        while self.current() != stage:
            self.step()


@pytest.fixture(params=sorted(FLOWS))
def walk(request, session: Session, people, import_draft, api_for) -> Walk:  # type: ignore[no-untyped-def]
    flow = FLOWS[request.param]
    reviewers: dict[str, list[TestClient]] = {}
    ids: dict[str, list[int]] = {}
    for group in sorted(flow.groups):
        actors: list[Actor] = [
            add_user(session, f"{group}-{n}@example.org", "member", (group,)) for n in (1, 2, 3)
        ]
        ids[group] = [a.id for a in actors]
        reviewers[group] = [api_for(a) for a in actors]
    text = SMALL_DRAFT.replace("workflow: socitm-policy", f"workflow: {flow.name}")
    rid = import_draft(people.director, text)
    return Walk(
        flow,
        rid,
        api_for(people.director),
        api_for(people.admin),
        api_for(people.member),
        reviewers,
        ids,
    )


def test_each_review_moves_on_only_with_its_quorum_of_distinct_approvals(walk: Walk):
    walk.step()
    for stage in walk.review_stages():
        assert walk.current() == stage
        spec = walk.flow.stages[stage]
        approve = walk.action(stage, ActionKind.APPROVE)
        first, second, *_ = walk.reviewers[spec.group or ""]
        reply = act(first, walk.rid, approve).json()
        if spec.quorum > 1:
            assert reply["moved"] is False and (reply["approvals"], reply["quorum"]) == (1, 2)
            assert act(first, walk.rid, approve).status_code == 409  # the same person twice
            assert walk.current() == stage
            reply = act(second, walk.rid, approve).json()
        assert reply["moved"] is True
    assert walk.kind(walk.current()) is StageKind.APPROVED


def test_the_owner_cannot_approve_their_own_response_even_in_the_group(
    walk: Walk, session, import_draft, api_for, browser_for
):
    owner = add_user(session, "both@example.org", "director", tuple(sorted(walk.flow.groups)))
    text = SMALL_DRAFT.replace("workflow: socitm-policy", f"workflow: {walk.flow.name}")
    rid = import_draft(owner, text)
    client = api_for(owner)
    first = walk.flow.initial
    assert act(client, rid, walk.action(first, ActionKind.ADVANCE)).status_code == 200
    stage = walk.review_stages()[0]
    approve = walk.action(stage, ActionKind.APPROVE)
    refused = act(client, rid, approve)
    assert refused.status_code == 403 and "your own" in refused.json()["detail"]
    page = browser_for(owner).get(f"/responses/{rid}").text
    assert f'name="action" value="{approve}"' not in page


def test_a_reviewer_sends_the_response_back_with_a_note_and_the_owner_is_told(walk: Walk, engine):
    walk.step()
    stage = walk.review_stages()[0]
    back = walk.action(stage, ActionKind.RETURN)
    reviewer = walk.reviewers[walk.flow.stages[stage].group or ""][0]
    assert act(reviewer, walk.rid, back).status_code == 422  # a note is required
    assert act(reviewer, walk.rid, back, "Say more about costs").status_code == 200
    assert walk.kind(walk.current()) is StageKind.DRAFT
    history = walk.owner.get(f"/api/v1/responses/{walk.rid}/history").json()
    assert history[-1]["action"] == back and history[-1]["note"] == "Say more about costs"
    with Session(engine) as fresh:
        told = fresh.exec(select(Notification).where(Notification.kind == "changes-requested"))
        assert len(list(told)) == 1


def test_publishing_makes_a_briefing_that_members_read_in_the_library(
    walk: Walk, engine, browser_for, people
):
    walk.walk_to(walk.path()[-1])
    assert walk.kind(walk.current()) is StageKind.PUBLISHED
    versions = walk.member.get(f"/api/v1/responses/{walk.rid}/publications").json()
    assert [v["version"] for v in versions] == [1]
    assert walk.member.get(f"/api/v1/responses/{walk.rid}").status_code == 200
    member = browser_for(people.member)
    sent = member.get(f"/responses/{walk.rid}", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/library/{walk.rid}"
    assert member.get(f"/library/{walk.rid}").status_code == 200
    # Revised for a correction, it is back in draft: the library keeps version 1.
    published = walk.current()
    assert act(walk.owner, walk.rid, walk.action(published, ActionKind.REVISE)).status_code == 200
    assert walk.member.get(f"/api/v1/responses/{walk.rid}").status_code == 404
    assert member.get(f"/library/{walk.rid}").status_code == 200
    with Session(engine) as fresh:
        stored = fresh.exec(select(Publication).where(Publication.response_id == walk.rid))
        assert len(list(stored)) == 1


def _withdrawable(walk: Walk) -> list[str]:
    return [s for s in walk.path() if walk.kind(s) in (StageKind.REVIEW, StageKind.APPROVED)]


def test_withdraw_takes_it_back_to_draft_from_every_review_and_approved_stage(
    walk: Walk, engine, browser_for, people
):
    for stage in _withdrawable(walk):
        walk.walk_to(stage)
        withdraw = walk.action(stage, ActionKind.WITHDRAW)
        spec = walk.flow.stages[stage]
        if spec.group:  # one approval given (short of quorum), which withdrawing makes void
            if spec.quorum > 1:
                approve = walk.action(stage, ActionKind.APPROVE)
                act(walk.reviewers[spec.group][0], walk.rid, approve)
            reviewer = walk.reviewers[spec.group][1]
            assert act(reviewer, walk.rid, withdraw, "mine").status_code == 403
        page = browser_for(people.director).get(f"/responses/{walk.rid}").text
        assert f'name="action" value="{withdraw}"' in page  # offered where allowed
        assert act(walk.member, walk.rid, withdraw, "x").status_code == 404
        assert act(walk.owner, walk.rid, withdraw).status_code == 422  # the note is required
        assert walk.current() == stage
        reply = act(walk.admin if spec.group else walk.owner, walk.rid, withdraw, "Figures changed")
        assert reply.status_code == 200
        assert walk.kind(walk.current()) is StageKind.DRAFT
        last = walk.owner.get(f"/api/v1/responses/{walk.rid}/history").json()[-1]
        assert (last["action"], last["from_stage"], last["note"]) == (
            withdraw,
            stage,
            "Figures changed",
        )
    # Resubmitted, the first review starts again from no approvals.
    walk.step()
    first = walk.review_stages()[0]
    group = walk.flow.stages[first].group or ""
    again = act(walk.reviewers[group][0], walk.rid, walk.action(first, ActionKind.APPROVE))
    assert again.json()["approvals"] == 1
    with Session(engine) as fresh:
        told = fresh.exec(
            select(Notification.user_id).where(Notification.kind == "withdrawn")
        ).all()
    for group, ids in walk.reviewer_ids.items():
        assert set(ids) & set(told), f"the {group} group was not told of a withdrawal"


def test_plain_members_see_nothing_internal_at_any_stage_and_reviewers_wait_their_turn(
    walk: Walk, browser_for, people, session
):
    member = browser_for(people.member)
    first_group = walk.flow.stages[walk.review_stages()[0]].group or ""
    first_reviewer = walk.reviewers[first_group][0]
    assert first_reviewer.get(f"/api/v1/responses/{walk.rid}").status_code == 404  # a draft
    for stage in walk.path():
        walk.walk_to(stage)
        for tail in INTERNAL_PAGES + ["/report", "/report.csv"]:
            url = f"/responses/{walk.rid}{tail}"
            assert member.get(url).status_code == 404, f"{url} in {stage}"
        for tail in INTERNAL_API:
            url = f"/api/v1/responses/{walk.rid}{tail}"
            assert walk.member.get(url).status_code == 404, f"{url} in {stage}"
        if walk.kind(stage) is not StageKind.DRAFT:
            assert first_reviewer.get(f"/api/v1/responses/{walk.rid}/history").status_code == 200
