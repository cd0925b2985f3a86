"""Workflow actions as plain function calls (no HTTP): each move checks, changes,
logs and tells people in one go, and a refused move stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from server.accounts.users import Actor
from server.config import Settings
from server.drafting.transfer import import_text
from server.errors import Conflict, Forbidden, Invalid
from server.models import Approval, AuditEvent, Notification, Reminder, Response, utcnow
from server.workflow import service
from server.workflow.refusals import MovedMeanwhile
from tests.conftest import add_user

DRAFT = """---
title: Workflow under test
responding_to:
  title: A consultation
workflow: socitm-policy
---

## Shared services

Themes: efficiency

Councils save money by sharing.

## Green IT

Themes: climate-change, social-inclusion

Data centres waste power.
"""

SETTINGS = Settings(base_url="https://tabled.example.org")


@pytest.fixture
def rid(session: Session, people) -> int:  # type: ignore[no-untyped-def]
    response = import_text(session, people.director, DRAFT)
    session.commit()
    assert response.id is not None
    return response.id


@pytest.fixture
def futures2(session: Session) -> Actor:
    return add_user(session, "futures2@example.org", "member", ("futures",))


def _act(session: Session, actor: Actor, rid: int, action: str, note: str = "", **kw):  # type: ignore[no-untyped-def]
    result = service.take_action(session, actor, rid, action, note, settings=SETTINGS, **kw)
    session.commit()
    return result


def _told(session: Session, actor: Actor) -> list[str]:
    session.expire_all()
    rows = session.exec(select(Notification).where(Notification.user_id == actor.id)).all()
    return [n.kind for n in rows]


def _stage(session: Session, rid: int) -> str:
    session.expire_all()
    response = session.get(Response, rid)
    assert response is not None
    return response.stage


def test_submitting_moves_to_futures_review_logs_it_and_tells_the_group(session, people, rid):
    result = _act(session, people.director, rid, "submit")
    assert result.response.stage == "futures-review"
    assert result.event.from_stage == "draft" and result.event.to_stage == "futures-review"
    assert result.event.kind == "advance"
    response = session.get(Response, rid)
    assert response is not None
    assert set(response.stages_reached.split()) >= {"draft", "futures-review"}
    assert response.review_round == 1
    # The stage's deadline (ten days in the default workflow) starts now.
    assert response.due_at is not None
    due = response.due_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)
    assert timedelta(days=9, hours=23) < due <= timedelta(days=10)
    assert _told(session, people.futures) == ["review-open"]
    assert _told(session, people.council) == []  # not their stage yet


def test_one_approval_short_of_quorum_moves_nothing_and_tells_nobody(
    session, people, rid, futures2
):
    _act(session, people.director, rid, "submit")
    told_before = _told(session, people.director)
    first = _act(session, people.futures, rid, "approve")
    assert first.response.stage == "futures-review" and first.outcome.records_approval
    assert _told(session, people.director) == told_before
    assert _told(session, people.council) == []
    second = _act(session, futures2, rid, "approve")
    assert second.response.stage == "council-review"
    assert _told(session, people.council) == ["review-open"]
    approvals = session.exec(select(Approval).where(Approval.response_id == rid)).all()
    assert sorted(a.user_id for a in approvals) == sorted([people.futures.id, futures2.id])


def test_approving_twice_or_your_own_response_is_refused_and_nothing_is_stored(
    session, people, rid
):
    _act(session, people.director, rid, "submit")
    _act(session, people.futures, rid, "approve")
    with pytest.raises((Conflict, Forbidden)):
        service.take_action(session, people.futures, rid, "approve", settings=SETTINGS)
    session.rollback()
    with pytest.raises((Conflict, Forbidden)):
        service.take_action(session, people.director, rid, "approve", settings=SETTINGS)
    session.rollback()
    assert len(session.exec(select(Approval).where(Approval.response_id == rid)).all()) == 1
    assert _stage(session, rid) == "futures-review"


def test_requesting_changes_returns_to_draft_and_tells_the_owner_the_note(session, people, rid):
    _act(session, people.director, rid, "submit")
    result = _act(session, people.futures, rid, "request-changes", "Say what it costs.")
    assert result.response.stage == "draft" and result.event.kind == "return"
    session.expire_all()
    told = session.exec(
        select(Notification).where(
            Notification.user_id == people.director.id, Notification.kind == "changes-requested"
        )
    ).one()
    assert "Say what it costs." in told.body


def test_withdrawing_voids_the_round_s_approvals_and_tells_the_reviewers(session, people, rid):
    _act(session, people.director, rid, "submit")
    _act(session, people.futures, rid, "approve")
    round_before = session.get(Response, rid).review_round  # type: ignore[union-attr]
    result = _act(session, people.director, rid, "withdraw", "Figures are out of date.")
    assert result.response.stage == "draft"
    assert result.response.review_round == round_before + 1  # the approval no longer counts
    assert "withdrawn" in _told(session, people.futures)
    assert "withdrawn" not in _told(session, people.director)  # who withdrew is not told


def test_a_stale_revision_or_an_overlong_note_is_refused_before_anything_changes(
    session, people, rid
):
    current = session.get(Response, rid).revision  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        service.take_action(
            session, people.director, rid, "submit", revision=current - 1, settings=SETTINGS
        )
    session.rollback()
    with pytest.raises(Invalid) as refused:
        service.take_action(session, people.director, rid, "submit", "x" * 5001, settings=SETTINGS)
    assert refused.value.field == "note"
    session.rollback()
    assert _stage(session, rid) == "draft"
    assert session.exec(select(AuditEvent).where(AuditEvent.response_id == rid)).all() == []


def test_a_response_that_moved_meanwhile_is_refused(session, people, rid, monkeypatch):
    # The stage changes between the read snapshot and the write: compare-and-set refuses.
    real = service._locked

    def moved_under_us(s: Session, response_id: int) -> Response:
        response = real(s, response_id)
        response.revision += 1  # as if someone saved while the briefing was rendered
        return response

    monkeypatch.setattr(service, "_locked", moved_under_us)
    with pytest.raises(MovedMeanwhile):
        service.take_action(session, people.director, rid, "submit", settings=SETTINGS)
    session.rollback()
    assert _stage(session, rid) == "draft"


def test_history_lists_moves_oldest_first_and_filters_by_action_and_person(session, people, rid):
    _act(session, people.director, rid, "submit")
    _act(session, people.futures, rid, "request-changes", "More on costs.")
    everything = service.history(session, rid)
    assert [(e.event.action, e.actor) for e in everything] == [
        ("submit", people.director.name),
        ("request-changes", people.futures.name),
    ]
    assert [e.event.action for e in service.history(session, rid, action="submit")] == ["submit"]
    by_futures = service.history(session, rid, actor_id=people.futures.id)
    assert [e.event.note for e in by_futures] == ["More on costs."]


def test_only_the_owner_or_an_admin_extends_a_deadline_later_saying_why(session, people, rid):
    _act(session, people.director, rid, "submit")
    response = session.get(Response, rid)
    assert response is not None and response.due_at is not None
    session.add(Reminder(response_id=rid, round=response.review_round))
    session.commit()
    later = (response.due_at + timedelta(days=7)).date()
    with pytest.raises(Forbidden):
        service.extend_deadline(session, people.futures, rid, later, "Holidays")
    session.rollback()
    with pytest.raises(Invalid):
        service.extend_deadline(session, people.director, rid, later, "  ")
    session.rollback()
    earlier = (response.due_at - timedelta(days=1)).date()
    with pytest.raises(Invalid):
        service.extend_deadline(session, people.director, rid, earlier, "Sooner")
    session.rollback()
    event = service.extend_deadline(session, people.director, rid, later, "Holidays")
    session.commit()
    assert event.note.endswith("Holidays") and event.action == "extend-deadline"
    session.expire_all()
    moved = session.get(Response, rid)
    assert moved is not None and moved.due_at is not None and moved.due_at.date() == later
    # A later deadline earns a fresh reminder: the one already sent is forgotten.
    assert session.get(Reminder, (rid, moved.review_round)) is None
