"""Who hears about what: one in-app notification and one email per person per event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select, update

from ..models import (
    Approval,
    Notification,
    OutboxMessage,
    Reminder,
    Response,
    User,
    UserGroup,
    utcnow,
)
from ..text.times import DEFAULT_ZONE, when
from ..workflow.kinds import ActionKind, StageKind
from ..workflow.registry import workflow_for

if TYPE_CHECKING:
    from ..accounts.users import Actor

REMIND_BEFORE = timedelta(days=2)


def _people(session: Session, ids: Iterable[int]) -> list[User]:
    wanted = set(ids)
    if not wanted:
        return []
    query = select(User).where(col(User.id).in_(wanted), col(User.active).is_(True))
    return list(session.exec(query).all())


def group_members(session: Session, group: str) -> list[int]:
    return list(session.exec(select(UserGroup.user_id).where(UserGroup.group == group)).all())


def notify(
    session: Session,
    user_ids: Iterable[int],
    response: Response | None,
    kind: str,
    subject: str,
    body: str,
    base_url: str,
    *,
    path: str | None = None,
) -> int:
    """Store the in-app notification and queue the email for each active person; a
    person who chose the daily digest gets the email in their next digest instead.
    `path` is where the email links (default: the response's working page)."""
    if path is None:
        path = f"/responses/{response.id}" if response else "/"
    link = f"{base_url.rstrip('/')}{path}"
    people = _people(session, user_ids)
    for person in people:
        assert person.id is not None
        session.add(
            Notification(
                user_id=person.id,
                response_id=response.id if response else None,
                kind=kind,
                subject=subject[:300],
                body=body,
                digest_pending=person.digest,
            )
        )
        if person.digest:
            continue
        session.add(
            OutboxMessage(
                to_email=person.email,
                subject=subject[:300],
                body=f"Dear {person.name},\n\n{body}\n\n{link}\n\n-- Tabled\n",
            )
        )
    session.flush()
    return len(people)


def after_move(
    session: Session,
    response: Response,
    kind: ActionKind,
    from_stage: str,
    note: str,
    actor: Actor,
    base_url: str,
) -> None:
    """The messages one workflow action sends; called inside the action's transaction.
    Chosen by the kinds the workflow file declares, never by stage or action names."""
    workflow = workflow_for(response)
    title = response.title
    if response.stage == from_stage:
        return  # an approval short of quorum moves nothing and tells nobody
    stage = workflow.stages.get(response.stage)
    if stage is not None and stage.group:
        due = f" by {response.due_at:%-d %B %Y}" if response.due_at else ""
        notify(
            session,
            group_members(session, stage.group),
            response,
            "review-open",
            f"Review needed: {title}",
            f"“{title}” is now in {stage.label} and waits for your review{due}.",
            base_url,
        )
    if kind is ActionKind.RETURN:
        notify(
            session,
            [response.owner_id],
            response,
            "changes-requested",
            f"Changes requested: {title}",
            f"{actor.name} asked for changes to “{title}”:\n\n{note}",
            base_url,
        )
    if kind is ActionKind.WITHDRAW:
        # Everyone whose group the response reached: their review has stopped.
        reviewers = {
            u
            for group in workflow.groups_of(set(response.stages_reached.split()))
            for u in group_members(session, group)
        }
        notify(
            session,
            sorted(reviewers - {actor.id, response.owner_id}),
            response,
            "withdrawn",
            f"Withdrawn from review: {title}",
            f"{actor.name} withdrew “{title}” from {workflow.label(from_stage)} "
            f"back to {workflow.label(response.stage)}; your approvals of this round "
            f"no longer count:\n\n{note}",
            base_url,
        )
    if workflow.kind_of(response.stage) is StageKind.APPROVED:
        notify(
            session,
            [response.owner_id],
            response,
            "response-approved",
            f"Approved: {title}",
            f"“{title}” has been approved and can now be published.",
            base_url,
        )
    if workflow.is_published(response.stage):
        everyone = session.exec(select(User.id).where(col(User.active).is_(True))).all()
        notify(
            session,
            [i for i in everyone if i is not None],
            response,
            "briefing-published",
            f"New briefing: {title}",
            f"“{title}” has been published.",
            base_url,
            # Readers want the briefing in the library, not the working document.
            path=f"/library/{response.id}",
        )


def send_due_reminders(
    session: Session, base_url: str, now: datetime | None = None, zone: tzinfo = DEFAULT_ZONE
) -> int:
    """Remind reviewers who have not decided, two days before a review deadline; once
    per review round, the deadline given in `zone` (TABLED_TIMEZONE). Returns how many
    people were reminded."""
    now = now or utcnow()
    query = select(Response).where(
        col(Response.due_at).is_not(None),
        col(Response.due_at) > now,
        col(Response.due_at) <= now + REMIND_BEFORE,
    )
    reminded = 0
    for response in session.exec(query).all():
        stage = workflow_for(response).stages.get(response.stage)
        if stage is None or not stage.group:
            continue
        if session.get(Reminder, (response.id, response.review_round)) is not None:
            continue
        decided = set(
            session.exec(
                select(Approval.user_id).where(
                    Approval.response_id == response.id, Approval.round == response.review_round
                )
            ).all()
        )
        waiting = [
            u
            for u in group_members(session, stage.group)
            if u not in decided and u != response.owner_id
        ]
        assert response.id is not None and response.due_at is not None
        reminded += notify(
            session,
            waiting,
            response,
            "reminder",
            f"Review due soon: {response.title}",
            f"Your review of “{response.title}” is due by {when(response.due_at, zone)}.",
            base_url,
        )
        session.add(Reminder(response_id=response.id, round=response.review_round))
        session.flush()
    return reminded


def recent(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def mark_all_read(session: Session, user_id: int) -> None:
    session.exec(
        update(Notification)
        .where(col(Notification.user_id) == user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )


def outbox(session: Session, limit: int = 200) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
    return list(session.exec(query).all())
