"""The JSON API under /api/v1, plus /healthz."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..deps import ApiActor, SessionDep
from ..drafting import editing, question_links, revisions
from ..drafting.responses import (
    ResponseInput,
    owner_of,
    positions_of,
    visible_record,
    visible_response,
)
from ..drafting.responses import list_visible as list_visible_responses
from ..models import Response as ResponseRow
from ..notifications.mailer import deliver_in_background
from ..rendering.templates import templates
from ..schemas import (
    ERRORS,
    ActionIn,
    ActionOut,
    ClosingDateIn,
    HistoryOut,
    Owner,
    PositionIn,
    PositionOut,
    PositionSaved,
    Problem,
    QuestionOut,
    RespondingTo,
    ResponseCreate,
    ResponseOut,
    ResponseSummary,
    RevisionOut,
    ThemeOut,
)
from ..themes.service import list_themes
from ..workflow import service as workflow_service
from ..workflow.registry import DEFAULT_WORKFLOW
from .params import Id, QueryId

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
health = APIRouter()
docs = APIRouter(include_in_schema=False)


@health.get("/healthz", tags=["operations"])
def healthz() -> dict[str, str]:
    """The process is up (no database call)."""
    return {"status": "ok"}


@health.get("/readyz", tags=["operations"], responses={503: {"model": Problem}})
def readyz(request: Request) -> JSONResponse:
    """The database answers: 200, or 503 with the reason."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        return JSONResponse({"detail": f"database unavailable: {reason}"}, status_code=503)
    return JSONResponse({"status": "ready"})


@docs.get("/docs")
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI, served from the installed assets (no CDN, no inline script)."""
    return templates.TemplateResponse(request, "docs.html", {})


@router.get("/themes", response_model=list[ThemeOut])
def themes(session: SessionDep, actor: ApiActor) -> list[ThemeOut]:
    """Themes that can be given to positions (retired ones are left out)."""
    return [ThemeOut(slug=t.slug, name=t.name) for t in list_themes(session, include_retired=False)]


def _response_out(session: Session, response: ResponseRow) -> ResponseOut:
    assert response.id is not None
    owner = owner_of(session, response)
    questions = question_links.questions_of(session, response.id)
    answers: dict[int, list[str]] = {}
    for q in questions:
        for pid in q.positions:
            answers.setdefault(pid, []).append(q.ref)
    return ResponseOut(
        id=response.id,
        title=response.title,
        responding_to=RespondingTo(
            title=response.rt_title,
            publisher=response.rt_publisher,
            date=response.rt_date,
            url=response.rt_url,
            closes=response.rt_closes,
        ),
        summary=response.summary,
        workflow=response.workflow,
        stage=response.stage,
        revision=response.revision,
        owner=Owner(id=owner.id or 0, name=owner.name, email=owner.email),
        created_at=response.created_at,
        updated_at=response.updated_at,
        positions=[
            PositionOut(
                id=p.id,
                heading=p.heading,
                body=p.body,
                themes=p.theme_slugs,
                questions=answers.get(p.id, []),
                key=p.key,
            )
            for p in positions_of(session, response.id)
        ],
        questions=[
            QuestionOut(
                ref=q.ref, text=q.text, not_answering=q.not_answering, word_limit=q.word_limit
            )
            for q in questions
        ],
    )


@router.post("/responses", status_code=201, response_model=ResponseOut)
def create_response(body: ResponseCreate, session: SessionDep, actor: ApiActor) -> ResponseOut:
    """Start a response (directors and admins)."""
    rt = body.responding_to
    response = editing.create_response(
        session,
        actor,
        ResponseInput(
            title=body.title,
            rt_title=rt.title,
            rt_publisher=rt.publisher,
            rt_date=rt.date,
            rt_url=rt.url,
            rt_closes=rt.closes,
            summary=body.summary,
            workflow=body.workflow or DEFAULT_WORKFLOW,
        ),
    )
    session.commit()
    return _response_out(session, response)


@router.get("/responses", response_model=list[ResponseSummary])
def list_responses(session: SessionDep, actor: ApiActor) -> list[ResponseSummary]:
    """Responses the caller may see, most recently changed first."""
    return [
        ResponseSummary(
            id=r.id or 0,
            title=r.title,
            stage=r.stage,
            workflow=r.workflow,
            revision=r.revision,
            updated_at=r.updated_at,
        )
        for r in list_visible_responses(session, actor)
    ]


@router.get("/responses/{response_id}", response_model=ResponseOut)
def get_response(session: SessionDep, actor: ApiActor, response_id: int = Id()) -> ResponseOut:
    """One response with its positions in order."""
    return _response_out(session, visible_record(session, actor, response_id))


@router.put("/responses/{response_id}/closing-date", response_model=ResponseOut)
def set_closing_date(
    body: ClosingDateIn, session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> ResponseOut:
    """Set (or, with null, clear) the day the consultation closes: a new revision.
    409 when base_revision is stale; 422 for a day before the publication's date."""
    visible_response(session, actor, response_id)
    editing.set_closing_date(session, actor, response_id, body.closes, body.base_revision)
    session.commit()
    return _response_out(session, visible_record(session, actor, response_id))


def _saved(session: Session, response_id: int, position_id: int) -> PositionSaved:
    for p in positions_of(session, response_id):
        if p.id == position_id:
            current = session.get(ResponseRow, response_id)
            assert current is not None
            return PositionSaved(
                id=p.id,
                heading=p.heading,
                body=p.body,
                themes=p.theme_slugs,
                questions=question_links.refs_by_position(session, response_id).get(p.id, []),
                key=p.key,
                revision=current.revision,
            )
    raise AssertionError("saved position vanished")


@router.post("/responses/{response_id}/positions", status_code=201, response_model=PositionSaved)
def add_position(
    body: PositionIn, session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> PositionSaved:
    """Add a position at the end; 409 when base_revision is not the current revision."""
    visible_response(session, actor, response_id)
    position = editing.add_position(
        session,
        actor,
        response_id,
        heading=body.heading,
        body=body.body,
        themes_refs=body.themes,
        base_revision=body.base_revision,
        question_refs=body.questions,
        key=bool(body.key),
    )
    session.commit()
    return _saved(session, response_id, position.id or 0)


@router.put("/responses/{response_id}/positions/{position_id}", response_model=PositionSaved)
def update_position(
    body: PositionIn,
    session: SessionDep,
    actor: ApiActor,
    response_id: int = Id(),
    position_id: int = Id(),
) -> PositionSaved:
    """Replace a position's heading, text and themes; 409 when stale, nothing overwritten."""
    visible_response(session, actor, response_id)
    editing.update_position(
        session,
        actor,
        response_id,
        position_id,
        heading=body.heading,
        body=body.body,
        themes_refs=body.themes,
        base_revision=body.base_revision,
        question_refs=body.questions,
        key=body.key,
    )
    session.commit()
    return _saved(session, response_id, position_id)


@router.delete("/responses/{response_id}/positions/{position_id}", status_code=204)
def delete_position(
    session: SessionDep,
    actor: ApiActor,
    base_revision: int = QueryId(),
    response_id: int = Id(),
    position_id: int = Id(),
) -> Response:
    """Remove a position (kept in the history); base_revision is a query parameter."""
    visible_response(session, actor, response_id)
    editing.delete_position(session, actor, response_id, position_id, base_revision)
    session.commit()
    return Response(status_code=204)


@router.get("/responses/{response_id}/revisions", response_model=list[RevisionOut])
def list_revisions(session: SessionDep, actor: ApiActor, response_id: int = Id()) -> list[Any]:
    """Every saved revision, newest first."""
    visible_response(session, actor, response_id)
    return [
        RevisionOut(
            number=row.revision.number,
            author=row.author,
            created_at=row.revision.created_at,
            description=row.revision.description,
            changed=row.revision.changed,
        )
        for row in revisions.history(session, response_id)
    ]


@router.post("/responses/{response_id}/actions", response_model=ActionOut)
def take_action(
    body: ActionIn,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ApiActor,
    response_id: int = Id(),
) -> ActionOut:
    """Move the response through its workflow (submit, approve, request-changes,
    withdraw, publish, revise in the default one; each workflow file names its own).

    409 lists every failed gate in `reasons` - `submit` test-renders the briefing
    and names a position that would not print - and answers a publish whose
    response moved while its briefing was rendered; 403 when the caller may not
    act; 422 when a required note (request-changes, withdraw) is missing."""
    result = workflow_service.take_action(
        session,
        actor,
        response_id,
        body.action,
        body.note,
        body.revision,
        settings=request.app.state.settings,
        annex=body.annex,
    )
    session.commit()
    background.add_task(deliver_in_background, request.app.state.engine, request.app.state.settings)
    return ActionOut(
        stage=result.response.stage,
        moved=result.outcome.moves_to is not None,
        approvals=result.outcome.approvals_after,
        quorum=result.outcome.quorum,
        due_at=result.response.due_at,
    )


@router.get("/responses/{response_id}/history", response_model=list[HistoryOut])
def workflow_history(
    session: SessionDep, actor: ApiActor, response_id: int = Id()
) -> list[HistoryOut]:
    """The audit trail of workflow actions, oldest first."""
    visible_response(session, actor, response_id)
    return [
        HistoryOut(
            action=e.event.action,
            from_stage=e.event.from_stage,
            to_stage=e.event.to_stage,
            actor=e.actor,
            note=e.event.note,
            revision=e.event.revision,
            at=e.event.at,
        )
        for e in workflow_service.history(session, response_id)
    ]
