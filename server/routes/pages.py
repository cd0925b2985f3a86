"""Pages for responses and their positions: view, create, edit, reorder, preview."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlmodel import Session

from ..accounts.users import Actor
from ..comments import access as comment_access
from ..comments import rendered
from ..db import quick_read_limiter, quick_read_session
from ..deps import Csrf, CurrentActor, SessionDep, signed_in
from ..drafting import access, editing
from ..drafting.closing import closing_note, today
from ..drafting.limits import BODY_MAX
from ..drafting.responses import (
    ResponseInput,
    list_visible,
    owner_of,
    visible_response,
)
from ..drafting.submission import submission
from ..drafting.transfer import export_text
from ..errors import Invalid, NotFound, StaleRevision
from ..models import Response as ResponseRow
from ..publishing import library
from ..publishing.render import long_date
from ..publishing.service import latest_publication
from ..rendering.authoring import preview_of
from ..rendering.diff import diff_html
from ..rendering.document import CSRF_SLOT, document_for
from ..rendering.page_cache import CachedPage, cut, kept_or_built, response_and_key
from ..rendering.templates import render, render_html
from ..themes.service import list_themes, slugify
from ..workflow import service as workflow_service
from ..workflow.kinds import StageKind
from ..workflow.registry import DEFAULT_WORKFLOW, workflow_for, workflows
from .conditional import client_has
from .forms import field_errors, pop_flash, redirect
from .params import Id

router = APIRouter(include_in_schema=False)


# No length limit here: drafting's rules say what is too long, beside the field, and
# BodySizeLimit caps the request.
Text = Annotated[str, Form()]


@router.get("/")
def home(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    visible = list_visible(session, actor)
    published_now = {r.id for r in visible if workflow_service.is_published(r)}
    mine = [r for r in visible if r.owner_id == actor.id and r.id not in published_now]
    # The library's own list: what a reader sees there, never the drafting record.
    briefings = library.search(session)[:10]
    waiting = workflow_service.waiting_for_review(session, actor, visible)
    waiting_ids = {w.response.id for w in waiting}
    others = [
        r
        for r in visible
        if r.owner_id != actor.id
        and r.id not in published_now
        and r.id not in waiting_ids
        and access.reads_internals(actor, r)
    ]
    return render(
        request,
        "home.html",
        {
            "waiting": waiting,
            "mine": mine,
            "others": others,
            "briefings": briefings,
            "long_date": long_date,
            "can_create": access.can_create(actor),
            "label": _home_labels(session, mine),
            "flash": pop_flash(request),
        },
    )


def _home_labels(session: Session, mine: list[ResponseRow]) -> Any:
    """Stage names, sharpened for the owner: what needs them next."""
    asked = workflow_service.changes_requested(session, [r.id for r in mine if r.id])

    def label(response: ResponseRow) -> str:
        kind = workflow_service.stage_kind(response)
        if response.id in asked and kind is StageKind.DRAFT:
            return "Changes requested"
        if kind is StageKind.APPROVED:
            return "Approved – ready to publish"
        return _stage_label(response)

    return label


def _stage_label(response: ResponseRow) -> str:
    return workflow_for(response).label(response.stage)


@router.get("/responses")
def responses_list(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return render(
        request,
        "responses/list.html",
        {
            "responses": list_visible(session, actor),
            "label": _stage_label,
            "can_create": access.can_create(actor),
        },
    )


def _details_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {"values": values, "errors": errors, "workflows": workflows()}


def _details_input(
    title: str,
    rt_title: str,
    rt_publisher: str,
    rt_date: str,
    rt_url: str,
    summary: str,
    workflow: str,
    rt_closes: str = "",
) -> ResponseInput:
    return ResponseInput(
        title,
        rt_title,
        rt_publisher,
        _form_date(rt_date, "rt_date", "2009-04-22"),
        rt_url,
        summary,
        workflow or DEFAULT_WORKFLOW,
        _form_date(rt_closes, "rt_closes", "2009-07-15"),
    )


def _form_date(value: str, field: str, example: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"enter the date as YYYY-MM-DD, for example {example}", field=field) from None


@router.get("/responses/new")
def new_response_form(request: Request, actor: CurrentActor) -> Response:
    access.require_create(actor)
    return render(
        request, "responses/new.html", _details_context({"workflow": DEFAULT_WORKFLOW}, {})
    )


@router.post("/responses", dependencies=[Csrf])
def create_response(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    title: Text = "",
    rt_title: Text = "",
    rt_publisher: Text = "",
    rt_date: Text = "",
    rt_url: Text = "",
    summary: Text = "",
    workflow: Text = DEFAULT_WORKFLOW,
    rt_closes: Text = "",
) -> Response:
    access.require_create(actor)
    values = dict(
        title=title,
        rt_title=rt_title,
        rt_publisher=rt_publisher,
        rt_date=rt_date,
        rt_url=rt_url,
        rt_closes=rt_closes,
        summary=summary,
        workflow=workflow,
    )
    try:
        data = _details_input(
            title, rt_title, rt_publisher, rt_date, rt_url, summary, workflow, rt_closes
        )
        response = editing.create_response(session, actor, data)
    except Invalid as exc:
        return render(
            request,
            "responses/new.html",
            _details_context(values, field_errors(exc, "title")),
            status_code=422,
        )
    session.commit()
    return redirect(
        f"/responses/{response.id}", "Response created: now add its positions.", request
    )


def document_context(
    request: Request,
    session: Session,
    actor: Actor,
    response: ResponseRow,
    csrf_token: str | None = None,
) -> dict[str, Any]:
    assert response.id is not None
    workflow = workflow_for(response)
    if csrf_token is None:
        csrf_token = getattr(request.state, "csrf_token", "")
    document = document_for(
        request.app.state, session, actor, response, list_themes(session), csrf_token
    )
    return {
        "response": response,
        "owner": owner_of(session, response),
        "stage_label": workflow.label(response.stage),
        "workflow": workflow,
        "can_edit": access.can_edit(actor, response),
        "can_comment": comment_access.can_write(actor, response),
        "review": workflow_service.panel(session, actor, response),
        "briefing": latest_publication(session, response.id),
        "document": document,
        "board": document.board,
        "comment_stamp": rendered.stamp(response),
        "questions": submission(session, response.id),
        "closing": closing_note(response.rt_closes, today()) if response.rt_closes else "",
    }


@router.get("/responses/{response_id}")
async def response_page(request: Request, response_id: int = Id()) -> Response:
    """The response page. Its work runs in one worker thread, start to end (session,
    who is asking, the page): the usual dependencies would take three thread hops,
    which cost as much as sending the kept page does."""
    work = partial(_response_page, request, response_id)
    return await anyio.to_thread.run_sync(work, limiter=quick_read_limiter(request.app.state))


def _response_page(request: Request, response_id: int) -> Response:
    # Reads only, and the key is read before the page is built, so a change committed
    # in between gives a newer page, never one older than its key.
    with quick_read_session(request.app.state.engine) as session:
        actor = signed_in(request, session)
        response, found_key = response_and_key(session, actor, response_id)
        if not access.reads_internals(actor, response):
            # Someone who may see it only as published reads it in the library.
            if latest_publication(session, response_id) is None:
                raise NotFound(f"no response with id {response_id}")
            return RedirectResponse(f"/library/{response_id}", status_code=303)
        flash = pop_flash(request)
        # A page with a flash message is shown once, so it is never kept.
        key = None if flash else found_key

        def build() -> CachedPage:
            context = document_context(request, session, actor, response, csrf_token=CSRF_SLOT)
            context.update(flash=flash, csrf_token=CSRF_SLOT)
            html = render_html(request, "responses/page.html", context)
            return cut(html)

        page = kept_or_built(request.app.state.page_cache, key, build)
    token = request.state.csrf_token
    # A reload or Back on a slow phone line costs a 304, not 700 KB, when nothing changed;
    # no-cache makes the browser ask every time, so a change always shows.
    headers = {"ETag": page.etag(token), "Cache-Control": "private, no-cache"}
    if client_has(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(page.filled(token), headers=headers)


@router.get("/responses/{response_id}/edit")
def edit_details_form(
    request: Request, session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    response = visible_response(session, actor, response_id)
    access.require_edit(actor, response)
    values = dict(
        title=response.title,
        rt_title=response.rt_title,
        rt_publisher=response.rt_publisher,
        rt_date=response.rt_date.isoformat() if response.rt_date else "",
        rt_url=response.rt_url,
        rt_closes=response.rt_closes.isoformat() if response.rt_closes else "",
        summary=response.summary,
        workflow=response.workflow,
        base_revision=response.revision,
    )
    return render(
        request,
        "responses/edit_details.html",
        {**_details_context(values, {}), "response": response},
    )


@router.post("/responses/{response_id}/edit", dependencies=[Csrf])
def edit_details(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Annotated[int, Form(ge=0, le=2**31 - 1)],
    title: Text = "",
    rt_title: Text = "",
    rt_publisher: Text = "",
    rt_date: Text = "",
    rt_url: Text = "",
    summary: Text = "",
    rt_closes: Text = "",
    response_id: int = Id(),
) -> Response:
    response = visible_response(session, actor, response_id)
    values = dict(
        title=title,
        rt_title=rt_title,
        rt_publisher=rt_publisher,
        rt_date=rt_date,
        rt_url=rt_url,
        rt_closes=rt_closes,
        summary=summary,
        workflow=response.workflow,
        base_revision=base_revision,
    )
    try:
        data = _details_input(
            title, rt_title, rt_publisher, rt_date, rt_url, summary, response.workflow, rt_closes
        )
        editing.update_details(session, actor, response_id, data, base_revision)
    except StaleRevision as exc:
        session.rollback()
        values["base_revision"] = exc.current
        context = {
            **_details_context(values, {"title": exc.message}),
            "response": response,
            "stale": {
                "title": response.title,
                "summary": response.summary,
                "summary_diff": diff_html(response.summary, summary),
            },
        }
        return render(request, "responses/edit_details.html", context, status_code=409)
    except Invalid as exc:
        return render(
            request,
            "responses/edit_details.html",
            {**_details_context(values, field_errors(exc, "title")), "response": response},
            status_code=422,
        )
    session.commit()
    return redirect(f"/responses/{response_id}", "Details saved.", request)


@router.get("/responses/{response_id}/export")
def export(session: SessionDep, actor: CurrentActor, response_id: int = Id()) -> Response:
    response = visible_response(session, actor, response_id)
    filename = f"{slugify(response.title) or 'response'}.md"
    return PlainTextResponse(
        export_text(session, response_id),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/preview", dependencies=[Csrf])
def preview(
    request: Request,
    actor: CurrentActor,
    body: Annotated[str, Form(max_length=BODY_MAX * 2)] = "",
) -> HTMLResponse:
    """Rendered Markdown and its accessibility warnings, for the live preview."""
    return render(request, "responses/_preview.html", {"preview": preview_of(body)})
