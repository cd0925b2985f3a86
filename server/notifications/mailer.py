"""Delivering queued emails over SMTP: claim, commit, send outside any transaction, mark.

A deliverer (the server's delivery loop, `tabled mail`, `tabled remind`) claims the
messages that are due in one short transaction - on PostgreSQL with FOR UPDATE SKIP
LOCKED, so two deliverers never claim the same message; on SQLite under the write
lock - and commits. It then talks to the SMTP server holding no transaction and no
lock, so a slow or silent server delays only the email, and marks each message on its
own as soon as its fate is known: sent, failed for now (attempts, reason, and the next
attempt after a growing back-off), or given up (the server refused it for good). One
bad message never stops the others, and a message marked sent is never sent again.

A claim is a lease: a deliverer that dies mid-batch leaves its claims to expire after
LEASE, when the messages become due again (sent at least once, never lost)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import and_, func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from ..config import Settings
from ..db import read_session
from ..models import OutboxMessage, utcnow
from ..textfields import one_line

log = logging.getLogger("tabled.mail")

BATCH = 20  # messages claimed at a time: BATCH x SMTP_TIMEOUT stays well inside LEASE
SMTP_TIMEOUT = 10.0  # seconds for each SMTP operation
LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 8  # about 4 hours of retries with the back-off below
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """How long a message waits after its n-th failed attempt: 1, 2, 4 ... 60 minutes."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass(frozen=True)
class Letter:
    """A claimed message, detached from the database while it is being sent."""

    id: int
    to_email: str
    subject: str
    body: str
    attempts: int


@dataclass
class Delivery:
    """What one delivery run did; `next_due` is when something is due next, if ever."""

    sent: int = 0
    failed: int = 0
    unavailable: str = ""  # why the SMTP server could not be used, if it could not
    next_due: datetime | None = None


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        col(OutboxMessage.sent_at).is_(None),
        col(OutboxMessage.gave_up).is_(False),
        or_(
            col(OutboxMessage.next_attempt_at).is_(None),
            col(OutboxMessage.next_attempt_at) <= now,
        ),
        or_(
            col(OutboxMessage.claimed_at).is_(None),
            col(OutboxMessage.claimed_at) < now - LEASE,
        ),
    )


def claim(engine: Engine, now: datetime, limit: int = BATCH) -> list[Letter]:
    """Claim up to `limit` due messages, oldest first, and commit the claim."""
    with read_session(engine) as session:
        query = (
            select(OutboxMessage)
            .where(_due(now))
            .order_by(col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = session.exec(query).all()
        letters = []
        for row in rows:
            assert row.id is not None
            row.claimed_at = now
            session.add(row)
            letters.append(Letter(row.id, row.to_email, row.subject, row.body, row.attempts))
        session.commit()
    return letters


def next_due(engine: Engine, now: datetime) -> datetime | None:
    """When the next message waiting for a retry is due (None: nothing waits)."""
    with read_session(engine) as session:
        query = select(func.min(OutboxMessage.next_attempt_at)).where(
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.gave_up).is_(False),
            col(OutboxMessage.next_attempt_at).is_not(None),
        )
        found = session.exec(query).one()
    return found


def _mark(engine: Engine, letter_id: int, **values: object) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == letter_id).values(**values)
        )


def mark_sent(engine: Engine, letter: Letter, now: datetime) -> None:
    _mark(engine, letter.id, sent_at=now, claimed_at=None, error="", next_attempt_at=None)


def mark_failed(
    engine: Engine, letter: Letter, reason: str, now: datetime, *, permanent: bool
) -> None:
    attempts = letter.attempts + 1
    gave_up = permanent or attempts >= MAX_ATTEMPTS
    _mark(
        engine,
        letter.id,
        attempts=attempts,
        error=reason[:500],
        claimed_at=None,
        gave_up=gave_up,
        next_attempt_at=None if gave_up else now + backoff(attempts),
    )


def as_email(settings: Settings, letter: Letter) -> EmailMessage:
    """The message to send. Header values are made one line whatever is stored, so a
    title stored before titles were checked cannot add a header (or break delivery)."""
    email = EmailMessage()
    email["From"] = one_line(settings.smtp_from)
    email["To"] = one_line(letter.to_email)
    email["Subject"] = one_line(letter.subject) or "(no subject)"
    email.set_content(letter.body.replace("\x00", "\N{REPLACEMENT CHARACTER}"))
    return email


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
    except BaseException:
        with suppress(Exception):
            smtp.close()
        raise
    return smtp


def _refusal(exc: smtplib.SMTPException) -> tuple[str, bool] | None:
    """(reason, permanent) when the server refused this one message; None when the
    failure is the connection's (it concerns every message still to send)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (450, b"refused"))
        reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"the SMTP server refused the recipient: {code} {reason}", 500 <= code < 600
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        said = exc.smtp_error
        reason = (
            f"{exc.smtp_code} {said.decode(errors='replace') if isinstance(said, bytes) else said}"
        )
        return f"the SMTP server refused the message: {reason}", exc.smtp_code >= 500
    return None


def send(
    settings: Settings,
    letters: list[Letter],
    engine: Engine,
    clock: Callable[[], datetime] = utcnow,
) -> Delivery:
    """Send claimed messages over one SMTP connection, marking each as it goes."""
    result = Delivery()
    smtp: smtplib.SMTP | None = None
    waiting: list[Letter] = []  # not sent because the server could not be used
    try:
        for index, letter in enumerate(letters):
            try:
                email = as_email(settings, letter)
            except (ValueError, TypeError) as exc:
                mark_failed(engine, letter, f"not a valid email: {exc}", clock(), permanent=True)
                result.failed += 1
                continue
            try:
                if smtp is None:
                    smtp = _connect(settings)
                smtp.send_message(email)
            except smtplib.SMTPException as exc:
                refused = _refusal(exc)
                if refused is None:
                    result.unavailable = f"SMTP server unavailable: {exc}"
                    waiting = letters[index:]
                    break
                mark_failed(engine, letter, refused[0], clock(), permanent=refused[1])
                result.failed += 1
            except OSError as exc:
                result.unavailable = f"SMTP server unavailable: {exc}"
                waiting = letters[index:]
                break
            else:
                mark_sent(engine, letter, clock())
                result.sent += 1
        # This message and the rest of the batch wait for the next attempt.
        for letter in waiting:
            mark_failed(engine, letter, result.unavailable, clock(), permanent=False)
            result.failed += 1
    finally:
        if smtp is not None:
            with suppress(Exception):
                smtp.quit()
    return result


def deliver_due(engine: Engine, settings: Settings, *, now: datetime | None = None) -> Delivery:
    """Send everything that is due now; with no SMTP host configured, nothing (the
    messages stay in the outbox that admins read)."""
    total = Delivery()
    if not settings.smtp_host:
        return total
    clock = (lambda: now) if now is not None else utcnow
    while True:
        letters = claim(engine, clock())
        if letters:
            part = send(settings, letters, engine, clock)
            total.sent += part.sent
            total.failed += part.failed
            total.unavailable = total.unavailable or part.unavailable
        if not letters or len(letters) < BATCH or total.unavailable:
            break
    total.next_due = next_due(engine, clock())
    if total.unavailable:
        log.warning("email waits for its next attempt: %s", total.unavailable)
    return total


def deliver_in_background(engine: Engine, settings: Settings) -> None:
    """Wake this process's delivery loop (a route's background task after a workflow
    move). The commit that queued the messages has woken it already: see delivery.py."""
    from .delivery import wake_deliverers

    wake_deliverers()
