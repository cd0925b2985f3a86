"""Email delivery against a real local SMTP server (aiosmtpd): a stuck server never
blocks a write, a refused message is retried later while the others go, a poisoned
subject stored long ago is still delivered safely, two deliverers never send one
message twice, and the server's own delivery loop sends mail as soon as it is queued."""

from __future__ import annotations

import asyncio
import socket
import threading
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
from server.models import Comment, OutboxMessage, utcnow
from server.notifications import delivery, mailer
from server.notifications.mailer import deliver_due
from tests.conftest import PG_URL

from .conftest import text_of


class Server:
    """An SMTP server's behaviour, changed by the test as it goes."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], str]] = []
        self.refuse: set[str] = set()  # recipients answered 451 (try again later)
        self.stuck = threading.Event()  # set: DATA is answered at once
        self.stuck.set()
        self.arrived = threading.Event()  # a message reached DATA
        self.delivered = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "451 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.stuck.wait)
        self.received.append((list(envelope.rcpt_tos), envelope.content.decode()))
        self.delivered.set()
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [message_from_string(raw, policy=default) for _, raw in self.received]  # type: ignore[misc]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp():
    server = Server()
    controller = Controller(server, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, server
    server.stuck.set()
    controller.stop()


@pytest.fixture
def mail_settings(settings, smtp):
    controller, _ = smtp
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": controller.port})


def _queue(engine, *messages: tuple[str, str]) -> list[int]:
    with Session(engine) as session:
        rows = [
            OutboxMessage(to_email=to, subject=subject, body="Hello.") for to, subject in messages
        ]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def _rows(engine) -> dict[int, OutboxMessage]:
    with Session(engine) as session:
        return {row.id: row for row in session.exec(select(OutboxMessage))}


def test_a_write_completes_while_the_smtp_server_is_stuck(
    engine, people, oep, api_for, mail_settings, smtp
):
    _, server = smtp
    api = api_for(people.director)
    (queued,) = _queue(engine, ("futures@example.org", "Review needed"))
    server.stuck.clear()
    sender = threading.Thread(target=deliver_due, args=(engine, mail_settings))
    sender.start()
    try:
        assert server.arrived.wait(10), "the message never reached the SMTP server"
        # Delivery is now waiting for the server's answer: writes must not wait for it.
        reply = api.post(f"/api/v1/responses/{oep}/comments", json={"body": "Meanwhile."})
        assert reply.status_code == 201
        with Session(engine) as session:
            assert session.get(Comment, reply.json()["id"]).body == "Meanwhile."
        assert _rows(engine)[queued].sent_at is None
    finally:
        server.stuck.set()
        sender.join()
    assert _rows(engine)[queued].sent_at is not None
    assert len(server.received) == 1


def test_a_refused_message_is_retried_later_while_the_others_are_sent(
    engine, people, browser_for, mail_settings, smtp
):
    _, server = smtp
    server.refuse.add("futures@example.org")
    ids = _queue(
        engine,
        ("director@example.org", "First"),
        ("futures@example.org", "Second"),
        ("council@example.org", "Third"),
    )
    start = utcnow()
    done = deliver_due(engine, mail_settings, now=start)
    assert (done.sent, done.failed) == (2, 1)
    rows = _rows(engine)
    refused = rows[ids[1]]
    assert refused.sent_at is None and refused.attempts == 1 and not refused.gave_up
    assert "451" in refused.error and "Mailbox busy" in refused.error
    assert refused.next_attempt_at == start + mailer.backoff(1)
    assert [m["Subject"] for m in server.messages()] == ["First", "Third"]
    outbox = text_of(browser_for(people.admin).get("/admin/outbox").text)
    assert "Retrying 1 failed attempt" in outbox and "Mailbox busy" in outbox

    # Not before its back-off is over, and then once.
    assert deliver_due(engine, mail_settings, now=start + timedelta(seconds=30)).sent == 0
    server.refuse.clear()
    assert deliver_due(engine, mail_settings, now=start + timedelta(minutes=2)).sent == 1
    assert [m["Subject"] for m in server.messages()] == ["First", "Third", "Second"]
    assert all(row.sent_at for row in _rows(engine).values())
    assert deliver_due(engine, mail_settings, now=start + timedelta(hours=1)).sent == 0


def test_a_message_refused_for_good_is_given_up_and_shown_failed(
    engine, people, browser_for, mail_settings, smtp
):
    _, server = smtp
    (bad,) = _queue(engine, ("nobody@example.org", "Hello"))

    async def no_such_mailbox(*_args):  # type: ignore[no-untyped-def]
        return "550 5.1.1 No such mailbox"

    server.handle_RCPT = no_such_mailbox  # type: ignore[method-assign]
    done = deliver_due(engine, mail_settings)
    assert (done.sent, done.failed) == (0, 1)
    row = _rows(engine)[bad]
    assert row.gave_up and row.attempts == 1 and "550" in row.error
    assert deliver_due(engine, mail_settings, now=utcnow() + timedelta(days=1)).failed == 0
    outbox = text_of(browser_for(people.admin).get("/admin/outbox").text)
    assert "Failed after 1 attempt, not retried" in outbox


def test_a_header_injection_subject_stored_earlier_is_delivered_harmlessly(
    engine, mail_settings, smtp
):
    _, server = smtp
    _queue(
        engine,
        ("futures@example.org", "Review needed: Poison\nBcc: attacker@example.org"),
        ("council@example.org", "Review needed: an honest title"),
    )
    done = deliver_due(engine, mail_settings)
    assert (done.sent, done.failed) == (2, 0)
    recipients = [rcpts for rcpts, _ in server.received]
    assert recipients == [["futures@example.org"], ["council@example.org"]]
    poisoned = server.messages()[0]
    assert poisoned["Subject"] == "Review needed: Poison Bcc: attacker@example.org"
    assert poisoned["Bcc"] is None


def test_an_unreachable_smtp_server_leaves_every_message_for_a_later_attempt(engine, settings):
    ids = _queue(engine, ("a@example.org", "One"), ("b@example.org", "Two"))
    closed = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": _free_port()})
    done = deliver_due(engine, closed)
    assert done.sent == 0 and done.unavailable
    for row in _rows(engine).values():
        assert row.id in ids and row.sent_at is None and row.attempts == 1
        assert row.error.startswith("SMTP server unavailable") and row.next_attempt_at


@pytest.mark.skipif(not PG_URL, reason="needs TABLED_TEST_DATABASE_URL (PostgreSQL)")
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_two_deliverers_on_postgresql_send_each_message_once(
    engine, mail_settings, smtp, monkeypatch
):
    _, server = smtp
    monkeypatch.setattr(mailer, "BATCH", 3)  # many small claims, so the two interleave
    count = 40
    _queue(engine, *[(f"person{n}@example.org", f"Message {n}") for n in range(count)])
    barrier = threading.Barrier(2)
    results = []

    def deliverer() -> None:
        barrier.wait()
        results.append(deliver_due(engine, mail_settings))

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    subjects = sorted(str(m["Subject"]) for m in server.messages())
    assert subjects == sorted(f"Message {n}" for n in range(count))
    assert sum(r.sent for r in results) == count
    assert all(row.sent_at for row in _rows(engine).values())


def test_the_servers_delivery_loop_sends_a_message_as_soon_as_it_is_queued(
    engine, session, people, mail_settings, smtp
):
    _, server = smtp
    app = create_app(mail_settings, engine)
    token = create_token(session, people.admin.id)[1]
    session.commit()
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.get("/healthz").status_code == 200
        # Any commit that queues mail wakes the loop, not only a workflow action.
        _queue(engine, ("futures@example.org", "Your comment was hidden"))
        assert server.delivered.wait(10), "the delivery loop did not send the message"
    assert [m["Subject"] for m in server.messages()] == ["Your comment was hidden"]
    assert not delivery._postmen  # stopped with the app


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_tabled_mail_sends_what_is_due_for_cron(engine, smtp, capsys, monkeypatch):
    from server import cli

    controller, server = smtp
    _queue(engine, ("futures@example.org", "Review due soon"))
    monkeypatch.setenv("TABLED_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("TABLED_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TABLED_SMTP_PORT", str(controller.port))
    cli.get_settings.cache_clear()
    try:
        assert cli.main(["mail"]) == 0
        assert cli.main(["mail"]) == 0  # nothing is due the second time
    finally:
        cli.get_settings.cache_clear()
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "1 emails sent, 0 failed (retried later or given up)",
        "0 emails sent, 0 failed (retried later or given up)",
    ]
    assert [m["Subject"] for m in server.messages()] == ["Review due soon"]
