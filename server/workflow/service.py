"""Taking a workflow action: check, change, log - one transaction per move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from ..accounts.users import Actor
from ..config import Settings
from ..drafting.access import require_view
from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from ..models import Approval, AuditEvent, Reminder, Response, User, utcnow
from ..notifications import service as notifications
from ..publishing.service import publish_response
from . import engine, gates
from .registry import workflow_for

__all__ = ["workflow_for"]

NOTE_MAX = 5000
# The moves that count as the reader having reviewed a revision.
REVIEW_ACTIONS = ("approve", "request-changes")
# Entering this stage makes a publication (access.py shows it to every member).
PUBLISHED = "published"


_STATUS_ERRORS: dict[int, type[DomainError]] = {403: Forbidden, 409: Conflict, 422: Invalid}


def who(actor: Actor) -> engine.Who:
    return engine.Who(actor.id, actor.role, actor.groups)


def situation(session: Session, response: Response) -> engine.Situation:
    approvals = session.exec(
        select(Approval.user_id).where(
            Approval.response_id == response.id, Approval.round == response.review_round
        )
    ).all()
    return engine.Situation(response.stage, response.owner_id, frozenset(approvals))


def _locked(session: Session, response_id: int) -> Response:
    # FOR UPDATE serialises racing actions on PostgreSQL, across server processes;
    # SQLite's write transactions are serialised already by BEGIN IMMEDIATE.
    query = select(Response).where(Response.id == response_id).with_for_update()
    response = session.exec(query).first()
    if response is None:
        raise NotFound(f"no response with id {response_id}")
    session.refresh(response)
    return response


@dataclass
class ActionResult:
    response: Response
    outcome: engine.Outcome
    event: AuditEvent


def take_action(
    session: Session,
    actor: Actor,
    response_id: int,
    action: str,
    note: str = "",
    revision: int | None = None,
    *,
    settings: Settings,
    annex: bool = False,
) -> ActionResult:
    response = _locked(session, response_id)
    require_view(actor, response)
    if len(note) > NOTE_MAX:
        raise Invalid(f"the note must be at most {NOTE_MAX} characters", field="note")
    if revision is not None and revision != response.revision:
        raise Conflict(
            f"you are acting on revision {revision}, but the current revision is "
            f"{response.revision}; reload and review the current text"
        )
    workflow = workflow_for(response)
    state = situation(session, response)
    failed = gates.failed(session, response, engine.gates_for(workflow, response.stage, action))
    outcome = engine.decide(workflow, state, who(actor), action, note, failed)
    if not outcome.allowed:
        error = _STATUS_ERRORS[outcome.status]
        raise error("; ".join(outcome.reasons), field="action", extra=list(outcome.reasons))
    from_stage = response.stage
    if outcome.records_approval:
        session.add(
            Approval(
                response_id=response_id,
                round=response.review_round,
                stage=from_stage,
                revision=response.revision,
                user_id=actor.id,
            )
        )
    if outcome.moves_to == PUBLISHED:
        # Publication hook (issue 5): the briefing is made in this same transaction,
        # so a refused note or a failed rendering publishes nothing and moves nothing.
        publish_response(session, actor, response, note, settings=settings, annex=annex)
    if outcome.moves_to is not None:
        _move(session, response, from_stage, outcome.moves_to)
    event = AuditEvent(
        response_id=response_id,
        actor_id=actor.id,
        action=action,
        from_stage=from_stage,
        to_stage=response.stage,
        note=note.strip(),
        revision=response.revision,
    )
    session.add(event)
    session.flush()
    # Messages are written in the same transaction: a move is never silent, and a
    # refused or rolled-back move never sends anything.
    notifications.after_move(
        session, response, action, from_stage, note.strip(), actor.name, settings.base_url
    )
    return ActionResult(response, outcome, event)


def _move(session: Session, response: Response, from_stage: str, to_stage: str) -> None:
    workflow = workflow_for(response)
    target = workflow.stages[to_stage]
    reviewing = target.group is not None
    values: dict[str, object] = {"stage": to_stage, "updated_at": utcnow()}
    if reviewing:
        values["review_round"] = response.review_round + 1
        values["due_at"] = (
            utcnow() + timedelta(days=target.deadline_days) if target.deadline_days else None
        )
    else:
        values["due_at"] = None
    # Compare-and-set on the stage: a second racer finds the stage moved and fails.
    result = session.execute(
        update(Response)
        .where(col(Response.id) == response.id, col(Response.stage) == from_stage)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the response moved on while you were acting; reload and try again")
    session.refresh(response)


@dataclass
class HistoryEntry:
    event: AuditEvent
    actor: str


def history(
    session: Session,
    response_id: int,
    *,
    action: str | None = None,
    actor_id: int | None = None,
) -> list[HistoryEntry]:
    query = (
        select(AuditEvent, User.name)
        .join(User, col(User.id) == AuditEvent.actor_id)
        .where(AuditEvent.response_id == response_id)
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    return [HistoryEntry(event, name) for event, name in session.exec(query).all()]


def is_overdue(response: Response, now: datetime | None = None) -> bool:
    if response.due_at is None:
        return False
    due = response.due_at
    return (now or utcnow()) > due


ACTION_LABELS = {
    "submit": "Submit for review",
    "approve": "Approve",
    "request-changes": "Request changes",
    "publish": "Publish",
    "revise": "Revise (back to draft)",
}


@dataclass
class ActionChoice:
    name: str
    label: str
    note_required: bool


@dataclass
class Panel:
    """What the response page shows about the workflow to this person."""

    stage_label: str
    group: str | None
    quorum: int
    approvals: int
    approved_by_me: bool
    due_at: datetime | None
    overdue: bool
    actions: list[ActionChoice]
    last_reviewed: int | None = None
    can_extend: bool = False


def panel(session: Session, actor: Actor, response: Response) -> Panel:
    workflow = workflow_for(response)
    state = situation(session, response)
    stage = workflow.stages.get(response.stage)
    names = engine.available_actions(workflow, state, who(actor))
    if actor.id in state.approved_by:
        names = [n for n in names if n != "approve"]
    choices = [
        ActionChoice(
            n,
            ACTION_LABELS.get(n, n.replace("-", " ").capitalize()),
            bool(stage and stage.actions[n].note_required),
        )
        for n in names
    ]
    return Panel(
        stage_label=workflow.label(response.stage),
        group=stage.group if stage else None,
        quorum=stage.quorum if stage and stage.group else 0,
        approvals=len(state.approved_by),
        approved_by_me=actor.id in state.approved_by,
        due_at=response.due_at,
        overdue=is_overdue(response),
        actions=choices,
        last_reviewed=last_reviewed_revision(session, actor.id, response.id or 0),
        can_extend=response.due_at is not None
        and (actor.is_admin or actor.id == response.owner_id),
    )


@dataclass
class Waiting:
    response: Response
    stage_label: str
    due_at: datetime | None
    overdue: bool
    decided: bool


def waiting_for_review(session: Session, actor: Actor, responses: list[Response]) -> list[Waiting]:
    """Responses in a stage reviewed by one of the actor's groups, soonest due first."""
    mine: list[Response] = []
    for response in responses:
        stage = workflow_for(response).stages.get(response.stage)
        if stage and stage.group in actor.groups and response.owner_id != actor.id:
            mine.append(response)
    if not mine:
        return []
    approved = session.exec(
        select(Approval.response_id, Approval.round).where(
            Approval.user_id == actor.id, col(Approval.response_id).in_([r.id for r in mine])
        )
    ).all()
    decided = set(approved)
    rows = [
        Waiting(
            r,
            workflow_for(r).label(r.stage),
            r.due_at,
            is_overdue(r),
            (r.id, r.review_round) in decided,
        )
        for r in mine
    ]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda w: (w.decided, w.due_at or far))


def extend_deadline(
    session: Session, actor: Actor, response_id: int, new_due: date, note: str
) -> AuditEvent:
    """The owner (or an admin) moves a review deadline later, saying why; audited."""
    response = _locked(session, response_id)
    require_view(actor, response)
    if not (actor.is_admin or actor.id == response.owner_id):
        raise Forbidden("only the response's owner or an admin can extend its deadline")
    if response.due_at is None:
        raise Conflict("the response is not in a review stage with a deadline")
    if not note.strip():
        raise Invalid("say why the deadline moves", field="note")
    if len(note) > NOTE_MAX:
        raise Invalid(f"the note must be at most {NOTE_MAX} characters", field="note")
    due = datetime.combine(new_due, time(17, 0), tzinfo=UTC)
    if due <= response.due_at:
        raise Invalid(
            f"the new deadline must be later than {response.due_at:%-d %B %Y}", field="due"
        )
    old = response.due_at
    response.due_at = due
    session.add(response)
    # A later deadline earns a fresh reminder two days before it.
    reminder = session.get(Reminder, (response.id, response.review_round))
    if reminder is not None:
        session.delete(reminder)
    event = AuditEvent(
        response_id=response_id,
        actor_id=actor.id,
        action="extend-deadline",
        from_stage=response.stage,
        to_stage=response.stage,
        note=f"Deadline moved from {old:%-d %B %Y} to {due:%-d %B %Y}: {note.strip()}",
        revision=response.revision,
    )
    session.add(event)
    session.flush()
    return event


def last_reviewed_revision(session: Session, actor_id: int, response_id: int) -> int | None:
    return session.exec(
        select(func.max(AuditEvent.revision)).where(
            AuditEvent.response_id == response_id,
            AuditEvent.actor_id == actor_id,
            col(AuditEvent.action).in_(REVIEW_ACTIONS),
        )
    ).one()


def changes_requested(session: Session, response_ids: list[int]) -> set[int]:
    """Of these responses, those whose latest workflow move was a request for changes."""
    if not response_ids:
        return set()
    latest = (
        select(AuditEvent.response_id, func.max(AuditEvent.id).label("last"))
        .where(col(AuditEvent.response_id).in_(response_ids))
        .group_by(col(AuditEvent.response_id))
        .subquery()
    )
    rows = session.exec(
        select(AuditEvent.response_id)
        .join(latest, col(AuditEvent.id) == latest.c.last)
        .where(AuditEvent.action == "request-changes")
    ).all()
    return set(rows)
