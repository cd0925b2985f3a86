"""What pages show about the workflow: the review panel, the reviewer's queue, the
home page's labels. Read-only; every rule is keyed by kind, never by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from ..accounts.users import Actor
from ..models import Approval, AuditEvent, Response, utcnow
from . import engine
from .kinds import REVIEW_KINDS, ActionKind, StageKind
from .registry import workflow_for

# Kinds whose button is the quieter secondary one: they step back, not forward.
STEPS_BACK = (ActionKind.RETURN, ActionKind.REVISE, ActionKind.WITHDRAW)


def who(actor: Actor) -> engine.Who:
    return engine.Who(actor.id, actor.role, actor.groups)


def situation(session: Session, response: Response) -> engine.Situation:
    approvals = session.exec(
        select(Approval.user_id).where(
            Approval.response_id == response.id, Approval.round == response.review_round
        )
    ).all()
    return engine.Situation(response.stage, response.owner_id, frozenset(approvals))


def is_overdue(response: Response, now: datetime | None = None) -> bool:
    if response.due_at is None:
        return False
    return (now or utcnow()) > response.due_at


def stage_kind(response: Response) -> StageKind | None:
    return workflow_for(response).kind_of(response.stage)


def is_published(response: Response) -> bool:
    return stage_kind(response) is StageKind.PUBLISHED


@dataclass
class ActionChoice:
    name: str
    label: str
    note_required: bool
    kind: ActionKind

    @property
    def publishes(self) -> bool:
        return self.kind is ActionKind.PUBLISH

    @property
    def takes_note(self) -> bool:
        """A note box: required ones, and an approval's optional comment."""
        return self.note_required or self.kind is ActionKind.APPROVE

    @property
    def steps_back(self) -> bool:
        return self.kind in STEPS_BACK

    @property
    def kind_returns(self) -> bool:
        """A reviewer's request for changes, whose note says what should change."""
        return self.kind is ActionKind.RETURN

    @property
    def decides(self) -> bool:
        """A reviewer's verdict on the text: asked for after the positions, as one question."""
        return self.kind in REVIEW_KINDS

    @property
    def note_field(self) -> str:
        """The decision form's note box for this choice: one per kind, so the note
        sent is the chosen one's even when every box is shown (without JavaScript)."""
        return f"note_{self.kind.value}"


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

    @property
    def decisions(self) -> list[ActionChoice]:
        return [c for c in self.actions if c.decides]

    @property
    def moves(self) -> list[ActionChoice]:
        """Everything else this person may do here (submit, publish, withdraw...)."""
        return [c for c in self.actions if not c.decides]


def decision_note(response: Response, action: str, notes: dict[str, str]) -> str:
    """The note typed for `action` in the decision form (`notes` by note field)."""
    stage = workflow_for(response).stages.get(response.stage)
    spec = stage.actions.get(action) if stage else None
    if spec is None:
        return ""
    return notes.get(ActionChoice(action, "", spec.note_required, spec.kind).note_field, "")


def panel(session: Session, actor: Actor, response: Response) -> Panel:
    workflow = workflow_for(response)
    state = situation(session, response)
    stage = workflow.stages.get(response.stage)
    choices = []
    if stage is not None:
        for name in engine.available_actions(workflow, state, who(actor)):
            spec = stage.actions[name]
            label = spec.label or name.replace("-", " ").capitalize()
            choices.append(ActionChoice(name, label, spec.note_required, spec.kind))
    return Panel(
        stage_label=workflow.label(response.stage),
        group=stage.group if stage else None,
        quorum=stage.quorum if stage and stage.kind is StageKind.REVIEW else 0,
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


def last_reviewed_revision(session: Session, actor_id: int, response_id: int) -> int | None:
    return session.exec(
        select(func.max(AuditEvent.revision)).where(
            AuditEvent.response_id == response_id,
            AuditEvent.actor_id == actor_id,
            col(AuditEvent.kind).in_([k.value for k in REVIEW_KINDS]),
        )
    ).one()


def changes_requested(session: Session, response_ids: list[int]) -> set[int]:
    """Of these responses, those whose latest workflow move sent them back for changes."""
    if not response_ids:
        return set()
    latest = (
        select(AuditEvent.response_id, func.max(AuditEvent.id).label("last"))
        .where(col(AuditEvent.response_id).in_(response_ids), AuditEvent.kind != "")
        .group_by(col(AuditEvent.response_id))
        .subquery()
    )
    rows = session.exec(
        select(AuditEvent.response_id)
        .join(latest, col(AuditEvent.id) == latest.c.last)
        .where(AuditEvent.kind == ActionKind.RETURN.value)
    ).all()
    return set(rows)
