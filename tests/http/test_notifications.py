"""Notifications: email over a real local SMTP server, the outbox, the in-app list,
deadline reminders and deadline extensions."""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from email import message_from_string
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from server.accounts.tokens import create_token
from server.app import create_app
from server.drafting.transfer import import_text
from server.models import AuditEvent, OutboxMessage, Response, utcnow
from server.notifications.service import send_due_reminders

from .conftest import oep_text


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"

    def to(self, email: str) -> list[EmailMessage]:
        return [
            message_from_string(raw, policy=default)  # type: ignore[misc]
            for rcpts, raw in self.messages
            if email in rcpts
        ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def oep(session, people) -> int:
    response = import_text(session, people.director, oep_text())
    session.commit()
    return response.id


def _token_client(app, session, actor) -> TestClient:
    token = create_token(session, actor.id)[1]
    session.commit()
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def _wait_for(predicate, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.05)


def test_emails_reach_a_real_smtp_server_when_a_stage_opens_and_changes_are_asked(
    engine, session, people, settings, oep, smtp
):
    controller, inbox = smtp
    app = create_app(
        settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": controller.port}), engine
    )
    # Entered, so the app runs its lifespan: the delivery loop sends the mail.
    with (
        _token_client(app, session, people.director) as director,
        _token_client(app, session, people.futures) as futures,
    ):
        assert director.post(
            f"/api/v1/responses/{oep}/actions", json={"action": "submit"}
        ).is_success
        _wait_for(lambda: inbox.to("futures@example.org"))
        (mail,) = inbox.to("futures@example.org")
        assert (
            str(mail["Subject"])
            .strip()
            .startswith("Review needed: Response to the Operational Efficiency")
        )
        assert f"/responses/{oep}" in mail.get_content()
        assert not inbox.to("council@example.org")
        futures.post(
            f"/api/v1/responses/{oep}/actions",
            json={"action": "request-changes", "note": "Position 2 needs numbers"},
        )
        _wait_for(lambda: inbox.to("director@example.org"))
        (asked,) = inbox.to("director@example.org")
        assert str(asked["Subject"]).strip().startswith("Changes requested")
        assert "Position 2 needs numbers" in asked.get_content()
    with Session(engine) as fresh:
        assert all(m.sent_at for m in fresh.exec(select(OutboxMessage)))


def test_without_smtp_emails_wait_in_the_outbox_that_admins_read(api_for, browser_for, people, oep):
    api_for(people.director).post(f"/api/v1/responses/{oep}/actions", json={"action": "submit"})
    outbox = browser_for(people.admin).get("/admin/outbox")
    assert "futures@example.org" in outbox.text and "Waiting" in outbox.text
    assert browser_for(people.futures).get("/admin/outbox").status_code == 403


def test_the_notification_list_shows_an_unread_count_until_read(api_for, browser_for, people, oep):
    api_for(people.director).post(f"/api/v1/responses/{oep}/actions", json={"action": "submit"})
    futures = browser_for(people.futures)
    home = futures.get("/").text
    assert '1<span class="govuk-visually-hidden"> unread</span>' in home
    listing = futures.get("/notifications").text
    assert "Review needed: Response to the Operational Efficiency" in listing
    futures.submit("/notifications/read")
    assert "unread</span>" not in futures.get("/").text


def test_reviewers_who_have_not_decided_are_reminded_once_two_days_before(
    engine, session, api_for, people, oep
):
    api_for(people.director).post(f"/api/v1/responses/{oep}/actions", json={"action": "submit"})
    with Session(engine) as fresh:
        response = fresh.get(Response, oep)
        response.due_at = utcnow() + timedelta(days=1)
        fresh.add(response)
        fresh.commit()
        assert send_due_reminders(fresh, "http://tabled.test") == 1
        fresh.commit()
        assert send_due_reminders(fresh, "http://tabled.test") == 0
        reminder = fresh.exec(
            select(OutboxMessage).where(OutboxMessage.subject.startswith("Review due soon"))
        ).one()  # type: ignore[attr-defined]
        assert reminder.to_email == "futures@example.org"


def test_the_owner_extends_a_deadline_with_a_reason_and_it_is_audited(
    engine, api_for, browser_for, people, oep
):
    api_for(people.director).post(f"/api/v1/responses/{oep}/actions", json={"action": "submit"})
    director = browser_for(people.director)
    refused = director.submit(f"/responses/{oep}/deadline", {"due": "2001-01-01", "note": "x"})
    assert refused.status_code == 422 and "must be in the future" in refused.text
    no_reason = director.submit(f"/responses/{oep}/deadline", {"due": "2099-01-01", "note": ""})
    assert no_reason.status_code == 422 and "Say why" in no_reason.text
    done = director.submit(
        f"/responses/{oep}/deadline", {"due": "2099-01-01", "note": "Council meets late"}
    )
    assert done.status_code == 303
    assert "1 Jan 2099, 17:00 GMT" in director.get(f"/responses/{oep}").text
    with Session(engine) as fresh:
        event = fresh.exec(select(AuditEvent).where(AuditEvent.action == "extend-deadline")).one()
        assert "Council meets late" in event.note
    futures = browser_for(people.futures)
    assert (
        futures.submit(
            f"/responses/{oep}/deadline", {"due": "2099-02-01", "note": "mine"}
        ).status_code
        == 403
    )
