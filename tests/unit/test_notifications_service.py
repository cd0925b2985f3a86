"""Who hears about what, as plain function calls (no HTTP): one message and one
email per active person, digests held back, reminders once per round."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from server.accounts.users import Actor
from server.drafting.transfer import import_text
from server.models import Approval, Notification, OutboxMessage, Response, User, utcnow
from server.notifications import service
from server.workflow.kinds import ActionKind
from tests.conftest import add_user, reached_on_the_way

DRAFT = """---
title: Notified response
responding_to:
  title: A consultation
workflow: socitm-policy
---

## Shared services

Themes: efficiency

Councils save money by sharing.
"""
BASE = "https://tabled.example.org/"


@pytest.fixture
def response(session: Session, people) -> Response:  # type: ignore[no-untyped-def]
    made = import_text(session, people.director, DRAFT)
    session.commit()
    return made


def _set(session: Session, user: Actor, **values: object) -> None:
    row = session.get(User, user.id)
    assert row is not None
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()


def _in_stage(session: Session, response: Response, stage: str, **values: object) -> Response:
    response.stage = stage
    response.stages_reached = reached_on_the_way(response, stage)
    for name, value in values.items():
        setattr(response, name, value)
    session.add(response)
    session.commit()
    return response


def _emails(session: Session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def _kinds(session: Session, user: Actor) -> list[str]:
    rows = session.exec(select(Notification).where(Notification.user_id == user.id)).all()
    return [n.kind for n in rows]


def test_each_active_person_gets_one_message_and_one_email_linking_to_the_response(
    session, people, response
):
    _set(session, people.member, active=False)
    told = service.notify(
        session,
        [people.futures.id, people.council.id, people.member.id, people.futures.id],
        response,
        "review-open",
        "S" * 400,
        "Please look.",
        BASE,
    )
    session.commit()
    assert told == 2  # the deactivated member is skipped; a repeated id counts once
    assert _kinds(session, people.futures) == ["review-open"]
    assert _kinds(session, people.member) == []
    emails = _emails(session)
    assert sorted(e.to_email for e in emails) == ["council@example.org", "futures@example.org"]
    first = emails[0]
    assert len(first.subject) == 300
    assert f"https://tabled.example.org/responses/{response.id}" in first.body
    assert first.body.startswith("Dear ") and "Please look." in first.body


def test_someone_on_the_daily_digest_gets_the_message_but_no_email_yet(session, people, response):
    _set(session, people.futures, digest=True)
    service.notify(session, [people.futures.id], response, "reminder", "Due", "Soon.", BASE)
    session.commit()
    message = session.exec(
        select(Notification).where(Notification.user_id == people.futures.id)
    ).one()
    assert message.digest_pending is True
    assert _emails(session) == []


def test_a_message_may_link_somewhere_other_than_the_working_page(session, people, response):
    service.notify(session, [people.member.id], response, "x", "S", "B", BASE, path="/library/7")
    assert "https://tabled.example.org/library/7" in _emails(session)[0].body


def test_a_move_that_stays_put_tells_nobody(session, people, response):
    _in_stage(session, response, "futures-review")
    service.after_move(
        session, response, ActionKind.APPROVE, "futures-review", "", people.futures, BASE
    )
    session.commit()
    assert session.exec(select(Notification)).all() == []


def test_publishing_tells_every_active_person_with_a_link_to_the_library(session, people, response):
    _set(session, people.member, active=False)
    _in_stage(session, response, "published")
    service.after_move(session, response, ActionKind.PUBLISH, "approved", "", people.director, BASE)
    session.commit()
    told = session.exec(select(Notification).where(Notification.kind == "briefing-published"))
    assert {n.user_id for n in told} == {
        p.id for p in (people.admin, people.director, people.director2, people.futures)
    } | {people.council.id}
    assert all(f"/library/{response.id}" in e.body for e in _emails(session))


def test_reviewers_who_have_not_decided_are_reminded_once_two_days_before(
    session, people, response
):
    other = add_user(session, "futures2@example.org", "member", ("futures",))
    now = utcnow()
    _in_stage(session, response, "futures-review", due_at=now + timedelta(days=1), review_round=1)
    session.add(
        Approval(
            response_id=response.id,
            round=1,
            stage="futures-review",
            revision=response.revision,
            user_id=other.id,
        )
    )
    session.commit()
    assert service.send_due_reminders(session, BASE, now=now) == 1
    session.commit()
    assert _kinds(session, people.futures) == ["reminder"]
    assert _kinds(session, other) == []  # already decided
    assert _kinds(session, people.council) == []  # not their stage
    # Once per round: asking again the same day reminds nobody.
    assert service.send_due_reminders(session, BASE, now=now) == 0


def test_no_reminder_while_the_deadline_is_far_off_or_once_it_has_passed(session, people, response):
    now = utcnow()
    _in_stage(session, response, "futures-review", due_at=now + timedelta(days=5))
    assert service.send_due_reminders(session, BASE, now=now) == 0
    assert service.send_due_reminders(session, BASE, now=now + timedelta(days=6)) == 0
    assert _kinds(session, people.futures) == []


def test_recent_lists_newest_first_and_mark_all_read_reads_only_mine(session, people, response):
    for n in range(3):
        service.notify(session, [people.futures.id], response, "k", f"S{n}", "B", BASE)
    service.notify(session, [people.council.id], response, "k", "theirs", "B", BASE)
    session.commit()
    assert [m.subject for m in service.recent(session, people.futures.id)] == ["S2", "S1", "S0"]
    assert [m.subject for m in service.recent(session, people.futures.id, limit=1)] == ["S2"]
    service.mark_all_read(session, people.futures.id)
    session.commit()
    session.expire_all()
    assert all(m.read_at is not None for m in service.recent(session, people.futures.id))
    assert all(m.read_at is None for m in service.recent(session, people.council.id))


def test_a_reminder_gives_the_deadline_in_the_reader_s_time_zone(session, people, response):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    now = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # summer: London is an hour ahead of UTC
    due = datetime(2026, 7, 2, 16, 0, tzinfo=UTC)
    _in_stage(session, response, "futures-review", due_at=due, review_round=1)
    session.commit()
    zone = ZoneInfo("Europe/London")
    assert service.send_due_reminders(session, BASE, now=now, zone=zone) == 1
    session.commit()
    [email] = [e for e in _emails(session) if e.to_email == people.futures.email]
    assert "2 Jul 2026, 17:00 BST" in email.body
    assert "UTC" not in email.body
