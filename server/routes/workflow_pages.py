"""Workflow actions from the response page, and the audit-trail page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import Response

from ..datefields import DateParts, read_date
from ..deps import Csrf, CurrentActor, SessionDep
from ..drafting.responses import visible_response
from ..errors import DomainError, Invalid, Problems
from ..models import Response as ResponseRow
from ..models import utcnow
from ..notifications.mailer import deliver_in_background
from ..rendering.response_page import document_context
from ..rendering.templates import render
from ..text.times import local
from ..workflow import service
from ..workflow.kinds import StageKind
from ..workflow.panel import decision_note
from .forms import field_errors, redirect
from .params import Id, QueryId

router = APIRouter(include_in_schema=False)

# How a sentence says where a response now is, by the kind of stage it entered:
# "now in Futures review", "back in draft", "now approved".
_NOW = {
    StageKind.DRAFT: "the response is back in {}",
    StageKind.REVIEW: "the response is now in {}",
    StageKind.APPROVED: "the response is now {}",
    StageKind.PUBLISHED: "the response is now {}",
}


def stage_phrase(response: ResponseRow) -> str:
    workflow = service.workflow_for(response)
    stage = workflow.stages.get(response.stage)
    if stage is None:  # the workflow file changed under it
        return f"the response is now in {response.stage}"
    label = stage.label if stage.kind is StageKind.REVIEW else stage.label.lower()
    return _NOW[stage.kind].format(label)


@router.post("/responses/{response_id}/actions", dependencies=[Csrf])
def take_action(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    background: BackgroundTasks,
    action: Annotated[str, Form(max_length=60)] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
    annex: Annotated[str, Form(max_length=5)] = "",
    decision: Annotated[str, Form(max_length=5)] = "",
    note_approve: Annotated[str, Form(max_length=10_000)] = "",
    note_return: Annotated[str, Form(max_length=10_000)] = "",
    response_id: int = Id(),
) -> Response:
    """Any workflow action. The reviewer's decision form (decision=yes) asks one
    question, approve or request changes, with a note box per choice."""
    try:
        if decision:
            if not action:
                raise Invalid(
                    "Choose whether to approve this revision or to request changes",
                    field="decision",
                )
            response = visible_response(session, actor, response_id)
            notes = {"note_approve": note_approve, "note_return": note_return}
            note = decision_note(response, action, notes)
        result = service.take_action(
            session,
            actor,
            response_id,
            action,
            note,
            settings=request.app.state.settings,
            annex=annex == "yes",
        )
    except DomainError as exc:
        session.rollback()
        if exc.status_code == 404:
            raise
        response = visible_response(session, actor, response_id)
        context = document_context(request, session, actor, response)
        reasons = exc.extra if isinstance(exc.extra, list) else [exc.message]
        context.update(
            action_errors=reasons,
            note=note,
            failed_action=action,
            decided=bool(decision),
            decision_notes={"note_approve": note_approve, "note_return": note_return},
        )
        return render(request, "responses/page.html", context, status_code=exc.status_code)
    session.commit()
    background.add_task(deliver_in_background, request.app.state.engine, request.app.state.settings)
    outcome = result.outcome
    if outcome.moves_to is None and outcome.records_approval:
        message = f"Approval recorded: {outcome.approvals_after} of {outcome.quorum} needed."
    else:
        message = f"Done: {stage_phrase(result.response)}."
    return redirect(f"/responses/{response_id}", message, request)


@router.post("/responses/{response_id}/deadline", dependencies=[Csrf])
def extend_deadline(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    due: Annotated[str, Form(max_length=20)] = "",
    due_day: Annotated[str, Form(alias="due-day", max_length=20)] = "",
    due_month: Annotated[str, Form(alias="due-month", max_length=20)] = "",
    due_year: Annotated[str, Form(alias="due-year", max_length=20)] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
    response_id: int = Id(),
) -> Response:
    zone = request.app.state.settings.zone
    parts = DateParts(due_day, due_month, due_year)
    # Who may move it is settled before the form's words are checked.
    service.require_deadline_owner(actor, visible_response(session, actor, response_id))
    try:
        problems = Problems()
        new_due = None
        with problems.check("due"):
            today = local(utcnow(), zone).date()
            new_due = read_date(
                parts, field="due", label="The new deadline", required=True, after=today, iso=due
            )
        with problems.check("note"):
            service.check_deadline_note(note)
        problems.raise_any()
        assert new_due is not None
        service.extend_deadline(session, actor, response_id, new_due, note, zone=zone)
    except DomainError as exc:
        session.rollback()
        if exc.status_code in (403, 404):
            raise
        response = visible_response(session, actor, response_id)
        context = document_context(request, session, actor, response)
        context.update(
            # The form's note box is "deadline-note": the page has other notes.
            deadline_errors={
                ("deadline-note" if k == "note" else k): v
                for k, v in field_errors(exc, "due").items()
            },
            deadline_due=parts.or_iso(due),
            deadline_note=note,
        )
        return render(request, "responses/page.html", context, status_code=exc.status_code)
    session.commit()
    return redirect(f"/responses/{response_id}", "Deadline extended.", request)


@router.get("/responses/{response_id}/history")
def audit_trail(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    response_id: int = Id(),
    action: Annotated[str | None, Query(max_length=60)] = None,
    person: Annotated[int | None, QueryId()] = None,
) -> Response:
    response = visible_response(session, actor, response_id)
    everything = service.history(session, response_id)
    shown = service.history(session, response_id, action=action or None, actor_id=person)
    people = sorted({(e.event.actor_id, e.actor) for e in everything}, key=lambda p: p[1])
    actions = sorted({e.event.action for e in everything})
    return render(
        request,
        "responses/history.html",
        {
            "response": response,
            "entries": shown,
            "people": people,
            "actions": actions,
            "chosen_action": action or "",
            "chosen_person": person,
            "workflow": service.workflow_for(response),
        },
    )
