"""The daily digest: one email per person who chose it, listing what waited for it.

`tabled digest` (run daily from cron) sends it; nobody gets an empty digest.
Bound: at most DIGEST_ITEMS notifications are written out per email, the rest
counted; every waiting one is marked sent either way."""

from __future__ import annotations

from itertools import groupby

from sqlmodel import Session, col, select, update

from ..models import Notification, OutboxMessage, User

DIGEST_ITEMS = 100


def _path(note: Notification) -> str:
    if note.response_id is None:
        return "/notifications"
    if note.kind == "briefing-published":
        return f"/library/{note.response_id}"
    return f"/responses/{note.response_id}"


def set_digest(session: Session, user_id: int, daily: bool) -> None:
    user = session.get(User, user_id)
    assert user is not None
    user.digest = daily
    session.add(user)
    session.flush()


def send_digests(session: Session, base_url: str) -> int:
    """Queue one digest email per person with notifications waiting; returns how many."""
    waiting = session.exec(
        select(Notification)
        .where(col(Notification.digest_pending).is_(True))
        .order_by(col(Notification.user_id), col(Notification.created_at), col(Notification.id))
    ).all()
    base = base_url.rstrip("/")
    sent = 0
    for user_id, group in groupby(waiting, key=lambda n: n.user_id):
        notes = list(group)
        person = session.get(User, user_id)
        if person is None or not person.active:
            continue
        lines = []
        for note in notes[:DIGEST_ITEMS]:
            lines.append(f"* {note.subject}\n  {base}{_path(note)}")
        if len(notes) > DIGEST_ITEMS:
            lines.append(f"…and {len(notes) - DIGEST_ITEMS} more: {base}/notifications")
        count = f"{len(notes)} notification{'s' if len(notes) != 1 else ''}"
        session.add(
            OutboxMessage(
                to_email=person.email,
                subject=f"Your Tabled digest: {count}",
                body=f"Dear {person.name},\n\nSince your last digest you have {count}:\n\n"
                + "\n\n".join(lines)
                + "\n\nYou chose a daily digest on your account page; change it there.\n\n"
                "-- Tabled\n",
            )
        )
        sent += 1
    ids = [n.id for n in waiting]
    if ids:
        session.exec(
            update(Notification).where(col(Notification.id).in_(ids)).values(digest_pending=False)
        )
    session.flush()
    return sent
