"""Pages for responses and their positions: view, create, edit, reorder, preview."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlmodel import Session

from ..datefields import DateParts, read_date
from ..db import quick_read_limiter, quick_read_session
from ..deps import Csrf, CurrentActor, SessionDep, signed_in
from ..drafting import access, editing
from ..drafting.limits import BODY_MAX
from ..drafting.responses import (
    ResponseInput,
    list_visible,
    validate_input,
    visible_response,
)
from ..drafting.transfer import export_text
from ..errors import Invalid, NotFound, Problems, StaleRevision
from ..models import Response as ResponseRow
from ..publishing import library
from ..publishing.render import long_date
from ..publishing.service import latest_publication
from ..rendering.document import CSRF_SLOT
from ..rendering.page_cache import (
    CachedPage,
    as_response,
    cut,
    kept_or_built,
    response_and_key,
)
from ..rendering.response_page import document_context
from ..rendering.templates import render, render_html
from ..text.authoring import preview_of
from ..text.diff import diff_html
from ..themes.service import slugify
from ..workflow import service as workflow_service
from ..workflow.kinds import StageKind
from ..workflow.registry import DEFAULT_WORKFLOW, workflow_for, workflows
from .conditional import revalidate
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
    rt_date: DateParts,
    rt_date_iso: str,
    rt_url: str,
    summary: str,
    workflow: str,
    rt_closes: str = "",
) -> ResponseInput:
    """The form's details, or InvalidFields naming every field at fault at once."""
    problems = Problems()
    parsed: date | None = None
    with problems.check("rt_date"):
        parsed = read_date(rt_date, field="rt_date", label="The date published", iso=rt_date_iso)
    closes: date | None = None
    with problems.check("rt_closes"):
        closes = _form_date(rt_closes, "rt_closes", "2009-07-15")
    data = ResponseInput(
        title,
        rt_title,
        rt_publisher,
        parsed,
        rt_url,
        summary,
        workflow or DEFAULT_WORKFLOW,
        closes,
    )
    with problems.check():
        validate_input(replace(data))
    problems.raise_any(order=_DETAIL_FIELDS)
    return data


# The details form's fields, top to bottom: the error summary lists them so.
_DETAIL_FIELDS = (
    "title",
    "rt_title",
    "rt_publisher",
    "rt_date",
    "rt_closes",
    "rt_url",
    "summary",
    "workflow",
)


# The three boxes of the "Date published" date input.
RtDay = Annotated[str, Form(alias="rt_date-day", max_length=20)]
RtMonth = Annotated[str, Form(alias="rt_date-month", max_length=20)]
RtYear = Annotated[str, Form(alias="rt_date-year", max_length=20)]


def _form_date(value: str, field: str, example: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"Enter the date as YYYY-MM-DD, for example {example}", field=field) from None


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
    rt_date_day: RtDay = "",
    rt_date_month: RtMonth = "",
    rt_date_year: RtYear = "",
    rt_url: Text = "",
    summary: Text = "",
    workflow: Text = DEFAULT_WORKFLOW,
    rt_closes: Text = "",
) -> Response:
    access.require_create(actor)
    parts = DateParts(rt_date_day, rt_date_month, rt_date_year)
    values = dict(
        title=title,
        rt_title=rt_title,
        rt_publisher=rt_publisher,
        rt_date=parts.or_iso(rt_date),
        rt_url=rt_url,
        rt_closes=rt_closes,
        summary=summary,
        workflow=workflow,
    )
    try:
        data = _details_input(
            title, rt_title, rt_publisher, parts, rt_date, rt_url, summary, workflow, rt_closes
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
        row, found_key = response_and_key(session, actor, response_id)
        if not access.reads_internals(actor, row):
            # Someone who may see it only as published reads it in the library.
            if latest_publication(session, response_id) is None:
                raise NotFound(f"no response with id {response_id}")
            return RedirectResponse(f"/library/{response_id}", status_code=303)
        flash = pop_flash(request)
        # A page with a flash message is shown once, so it is never kept.
        key = None if flash else found_key

        def build() -> CachedPage:
            response = as_response(row)
            context = document_context(request, session, actor, response, csrf_token=CSRF_SLOT)
            context.update(flash=flash, csrf_token=CSRF_SLOT)
            html = render_html(request, "responses/page.html", context)
            return cut(html)

        page = kept_or_built(request.app.state.page_cache, key, build)
    token = request.state.csrf_token
    # A reload or Back on a slow phone line costs a 304, not 700 KB, when nothing changed;
    # no-cache makes the browser ask every time, so a change always shows.
    not_modified, headers = revalidate(request, page.etag(token))
    if not_modified:
        return not_modified
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
        rt_date=DateParts.of(response.rt_date),
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
    rt_date_day: RtDay = "",
    rt_date_month: RtMonth = "",
    rt_date_year: RtYear = "",
    rt_url: Text = "",
    summary: Text = "",
    rt_closes: Text = "",
    response_id: int = Id(),
) -> Response:
    response = visible_response(session, actor, response_id)
    parts = DateParts(rt_date_day, rt_date_month, rt_date_year)
    values = dict(
        title=title,
        rt_title=rt_title,
        rt_publisher=rt_publisher,
        rt_date=parts.or_iso(rt_date),
        rt_url=rt_url,
        rt_closes=rt_closes,
        summary=summary,
        workflow=response.workflow,
        base_revision=base_revision,
    )
    try:
        data = _details_input(
            title,
            rt_title,
            rt_publisher,
            parts,
            rt_date,
            rt_url,
            summary,
            response.workflow,
            rt_closes,
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
