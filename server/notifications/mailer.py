"""Delivering queued emails over SMTP; with no SMTP configured they stay in the outbox."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from ..config import Settings
from ..db import write_session
from ..models import OutboxMessage, utcnow

log = logging.getLogger("tabled.mail")


def deliver_pending(engine: Engine, settings: Settings, limit: int = 200) -> int:
    """Send what is queued; returns the number sent. Failures are kept with their error."""
    if not settings.smtp_host:
        return 0
    sent = 0
    with write_session(engine) as session:
        pending = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.sent_at).is_(None), OutboxMessage.error == "")
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        ).all()
        if not pending:
            return 0
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password)
                for message in pending:
                    email = EmailMessage()
                    email["From"] = settings.smtp_from
                    email["To"] = message.to_email
                    email["Subject"] = message.subject
                    email.set_content(message.body)
                    try:
                        smtp.send_message(email)
                        message.sent_at = utcnow()
                        sent += 1
                    except smtplib.SMTPException as exc:
                        message.error = str(exc)[:500]
                    session.add(message)
        except (OSError, smtplib.SMTPException) as exc:
            # The server is unreachable: leave everything queued for the next attempt.
            for message in pending:
                if message.sent_at is None:
                    message.error = ""
            session.rollback()
            raise MailerUnavailable(str(exc)) from exc
        session.commit()
    return sent


class MailerUnavailable(Exception):
    pass


def deliver_in_background(engine: Engine, settings: Settings) -> None:
    """Run after a response is sent, so a slow mail server never delays a page."""
    try:
        deliver_pending(engine, settings)
    except MailerUnavailable as exc:
        log.warning("email stays queued: SMTP server unavailable (%s)", exc)
