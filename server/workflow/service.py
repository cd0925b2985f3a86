"""Taking a workflow action: check, change, log - and never a converter inside a
write transaction.

An action runs in up to two steps. When it has slow work - a gate that renders the
briefing, or a stage it enters that publishes - that work runs first from a
snapshot read in its own read transaction, with no transaction open while pandoc
and Typst run. Then one short write transaction locks the response, checks that
its stage and revision (compare-and-set) are those the snapshot was taken at,
decides again, stores, moves and logs. If anything moved meanwhile it refuses
(409) and stores nothing. Actions with no slow work are the second step alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ..accounts.users import Actor
from ..config import Settings
from ..db import read_session
from ..drafting.access import require_view
from ..errors import Conflict, Forbidden, Invalid, NotFound, Problems
from ..models import Approval, AuditEvent, Reminder, Response, User, utcnow
from ..notifications import service as notifications
from ..publishing import service as publishing
from ..publishing.identity import Body
from ..publishing.snapshot import build_snapshot
from . import engine, gates, render_check
from .kinds import ActionKind, Hook
from .panel import (
    changes_requested,
    is_overdue,
    is_published,
    last_reviewed_revision,
    panel,
    situation,
    stage_kind,
    waiting_for_review,
    who,
)
from .refusals import MovedMeanwhile
from .registry import workflow_for

__all__ = [
    "changes_requested",
    "is_overdue",
    "is_published",
    "last_reviewed_revision",
    "panel",
    "stage_kind",
    "waiting_for_review",
    "workflow_for",
]

NOTE_MAX = 5000


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


@dataclass
class SlowWork:
    """What the first step found, and the facts it was found at."""

    stage: str
    revision: int
    comment_serial: int
    failed_gates: list[str]
    publication: publishing.PreparedPublication | None = None


def _check_request(actor: Actor, response: Response, note: str, revision: int | None) -> None:
    require_view(actor, response)
    if len(note) > NOTE_MAX:
        raise Invalid(f"the note must be at most {NOTE_MAX} characters", field="note")
    if revision is not None and revision != response.revision:
        raise Conflict(
            f"you are acting on revision {revision}, but the current revision is "
            f"{response.revision}; reload and review the current text"
        )


def _decide(
    session: Session, actor: Actor, response: Response, action: str, note: str, slow: list[str]
) -> engine.Outcome:
    workflow = workflow_for(response)
    names = engine.gates_for(workflow, response.stage, action)
    failed = gates.failed(session, response, [g for g in names if g not in gates.SLOW]) + slow
    outcome = engine.decide(
        workflow, situation(session, response), who(actor), action, note, failed
    )
    if outcome.refusal is not None:
        raise outcome.refusal
    return outcome


def _hooks_on_entering(response: Response, outcome: engine.Outcome) -> tuple[Hook, ...]:
    if outcome.moves_to is None:
        return ()
    return workflow_for(response).stages[outcome.moves_to].on_enter


def _slow_work(
    session: Session,
    actor: Actor,
    response_id: int,
    action: str,
    note: str,
    revision: int | None,
    annex: bool,
    settings: Settings,
) -> SlowWork | None:
    """Step one: decide from a read snapshot, then render. None: nothing slow to do."""
    # The caller's transaction ends here, so the write lock of a request is not held
    # across the rendering; what it wrote so far (nothing, for an action) is kept.
    session.commit()
    bind = session.get_bind()
    with read_session(bind if isinstance(bind, Engine) else bind.engine) as reader:
        response = reader.get(Response, response_id)
        if response is None:
            raise NotFound(f"no response with id {response_id}")
        workflow = workflow_for(response)
        slow_gates = [
            g for g in engine.gates_for(workflow, response.stage, action) if g in gates.SLOW
        ]
        # Refuse early, before any rendering, if the action is not allowed at all.
        _check_request(actor, response, note, revision)
        outcome = _decide(reader, actor, response, action, note, [])
        hooks = _hooks_on_entering(response, outcome)
        if not slow_gates and Hook.PUBLISH_BRIEFING not in hooks:
            return None
        body = Body.of(settings)
        prepared: tuple[dict[str, Any], int, str] | None = None
        if Hook.PUBLISH_BRIEFING in hooks:
            prepared = publishing.prepare_publication(
                reader, response, note, body_name=body, annex=annex
            )
        # Only a gate that test-renders needs its own snapshot; publishing has its own.
        snapshot = build_snapshot(reader, response, body) if slow_gates else {}
        reader.expunge(response)  # its facts outlive the read transaction
        reader.rollback()  # no transaction stays open while the converters run
    work = SlowWork(response.stage, response.revision, response.comment_serial, [])
    if slow_gates:
        work.failed_gates = render_check.briefing_problems(snapshot)
    if prepared is not None and not work.failed_gates:
        work.publication = publishing.render_publication(response, *prepared)
    return work


def _has_slow_work(session: Session, response_id: int, action: str) -> bool:
    response = session.get(Response, response_id, populate_existing=True)
    if response is None:
        return False
    workflow = workflow_for(response)
    spec = engine.action_of(workflow, response.stage, action)
    if spec is None:
        return False
    return any(g in gates.SLOW for g in spec.gates) or bool(workflow.stages[spec.to].on_enter)


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
    work = None
    if _has_slow_work(session, response_id, action):
        work = _slow_work(session, actor, response_id, action, note, revision, annex, settings)
    response = _locked(session, response_id)
    _check_request(actor, response, note, revision)
    if work is not None and (
        (response.stage, response.revision) != (work.stage, work.revision)
        or (annex and response.comment_serial != work.comment_serial)
    ):
        raise MovedMeanwhile(
            "the response moved on while its briefing was being rendered; reload and try again",
            field="action",
        )
    outcome = _decide(session, actor, response, action, note, work.failed_gates if work else [])
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
    hooks = _hooks_on_entering(response, outcome)
    if Hook.PUBLISH_BRIEFING in hooks:
        if work is None or work.publication is None:  # the stage moved under the check
            raise MovedMeanwhile("the response moved on; reload and try again", field="action")
        publishing.store_publication(session, actor, work.publication)
    if outcome.moves_to is not None:
        _move(session, response, from_stage, outcome.moves_to, outcome.kind)
    event = AuditEvent(
        response_id=response_id,
        actor_id=actor.id,
        action=action,
        kind=outcome.kind.value if outcome.kind else "",
        from_stage=from_stage,
        to_stage=response.stage,
        note=note.strip(),
        revision=response.revision,
    )
    session.add(event)
    session.flush()
    # Messages are written in the same transaction: a move is never silent, and a
    # refused or rolled-back move never sends anything.
    assert outcome.kind is not None
    notifications.after_move(
        session, response, outcome.kind, from_stage, note.strip(), actor, settings.base_url
    )
    return ActionResult(response, outcome, event)


def _move(
    session: Session, response: Response, from_stage: str, to_stage: str, kind: ActionKind | None
) -> None:
    workflow = workflow_for(response)
    target = workflow.stages[to_stage]
    reached = set(response.stages_reached.split()) | {from_stage, to_stage}
    values: dict[str, object] = {
        "stage": to_stage,
        "updated_at": utcnow(),
        "stages_reached": " ".join(sorted(reached)),
    }
    if target.group is not None:
        values["review_round"] = response.review_round + 1
        values["due_at"] = (
            utcnow() + timedelta(days=target.deadline_days) if target.deadline_days else None
        )
    else:
        values["due_at"] = None
    if kind is ActionKind.WITHDRAW:
        # A new round: the approvals given so far count for nothing any more.
        values["review_round"] = response.review_round + 1
    # Compare-and-set on the stage: a second racer finds the stage moved and fails.
    result = session.execute(
        update(Response)
        .where(col(Response.id) == response.id, col(Response.stage) == from_stage)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise MovedMeanwhile(
            "the response moved on while you were acting; reload and try again", field="action"
        )
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


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # stored naive in UTC


def require_deadline_owner(actor: Actor, response: Response) -> None:
    if not (actor.is_admin or actor.id == response.owner_id):
        raise Forbidden("only the response's owner or an admin can extend its deadline")


def check_deadline_note(note: str) -> None:
    """The reason a deadline moves: required, and not too long."""
    if not note.strip():
        raise Invalid("Say why the deadline moves", field="note")
    if len(note) > NOTE_MAX:
        raise Invalid(f"The reason must be at most {NOTE_MAX} characters", field="note")


def extend_deadline(
    session: Session,
    actor: Actor,
    response_id: int,
    new_due: date,
    note: str,
    *,
    zone: tzinfo = UTC,
) -> AuditEvent:
    """The owner (or an admin) moves a review deadline later, saying why; audited.

    The review closes at 17:00 on the new day where the body works (`zone`)."""
    response = _locked(session, response_id)
    require_view(actor, response)
    require_deadline_owner(actor, response)
    if response.due_at is None:
        raise Conflict("the response is not in a review stage with a deadline")
    problems = Problems()
    with problems.check("note"):
        check_deadline_note(note)
    due = datetime.combine(new_due, time(17, 0), tzinfo=zone).astimezone(UTC)
    if due <= _aware(response.due_at):
        current = _aware(response.due_at).astimezone(zone)
        problems.add("due", f"The new deadline must be later than {current:%-d %B %Y}")
    problems.raise_any()
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
