"""Comment forms on the response page: post, reply, edit, delete, answer, hide.

Every form works as a plain POST followed by a redirect back to the thread; with
htmx the same POST answers with the updated comments section, swapped in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from ..accounts.users import Actor
from ..comments import access, report, service, threads
from ..deps import Csrf, CurrentActor, SessionDep
from ..drafting.responses import positions_of, visible_response
from ..errors import DomainError
from ..models import Comment
from ..rendering.templates import is_htmx, render
from ..themes.service import slugify
from ..workflow.registry import workflow_for
from .forms import redirect
from .pages import document_context
from .params import Id

router = APIRouter(include_in_schema=False)

# Generous caps against abuse; the service says what is too long, with the numbers.
Text = Annotated[str, Form(max_length=100_000)]
OptionalId = Annotated[str, Form(max_length=12)]


def _int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def _outcome(
    request: Request,
    session: Session,
    actor: Actor,
    response_id: int,
    work: Callable[[], Comment],
    notice: str,
    kept: str = "",
) -> Response:
    """Do the work, then show the comment's section: in place for htmx, else redirect.

    A refusal the person can fix (422, 409) comes back beside the thread with their
    text kept; for htmx with 200, since the page's htmx swaps only successes."""
    try:
        comment = work()
    except DomainError as exc:
        session.rollback()
        if exc.status_code in (401, 403, 404):
            raise
        response = visible_response(session, actor, response_id)
        context = document_context(session, actor, response)
        board = context["comments"]
        key = _error_key(request, board)
        context.update(comment_error=exc.message, comment_kept=kept, comment_key=key)
        if is_htmx(request):
            context["section"] = board.section(key)
            return render(request, "responses/_comments.html", context)
        return render(request, "responses/page.html", context, status_code=exc.status_code)
    session.commit()
    response = visible_response(session, actor, response_id)
    context = document_context(session, actor, response)
    board = context["comments"]
    key = threads.key_of(board, comment.id or 0)
    if is_htmx(request):
        context.update(section=board.section(key), comment_notice=notice, comment_key=key)
        return render(request, "responses/_comments.html", context)
    return redirect(f"/responses/{response_id}#comments-{key}", notice, request)


def _error_key(request: Request, board: threads.Board | None) -> str:
    # The form names its section, so a refusal shows where the person was typing.
    key = request.query_params.get("section", threads.GENERAL)
    return key if board is not None and board.section(key).key == key else threads.GENERAL


@router.post("/responses/{response_id}/comments", dependencies=[Csrf])
def post_comment(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    body: Text = "",
    position_id: OptionalId = "",
    parent_id: OptionalId = "",
    quote: Text = "",
    prefix: Text = "",
    suffix: Text = "",
    response_id: int = Id(),
) -> Response:
    visible_response(session, actor, response_id)
    reply = _int_or_none(parent_id)
    return _outcome(
        request,
        session,
        actor,
        response_id,
        lambda: service.create_comment(
            session,
            actor,
            response_id,
            body=body,
            position_id=_int_or_none(position_id),
            parent_id=reply,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
        ),
        "Reply posted." if reply else "Comment posted.",
        kept=body,
    )


def _comment_response(session: Session, actor: Actor, comment_id: int) -> int:
    comment, _response = service.visible_comment(session, actor, comment_id)
    return comment.response_id


@router.post("/comments/{comment_id}/edit", dependencies=[Csrf])
def edit_comment(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    body: Text = "",
    comment_id: int = Id(),
) -> Response:
    response_id = _comment_response(session, actor, comment_id)
    return _outcome(
        request,
        session,
        actor,
        response_id,
        lambda: service.edit_comment(session, actor, comment_id, body),
        "Comment changed.",
        kept=body,
    )


@router.post("/comments/{comment_id}/delete", dependencies=[Csrf])
def delete_comment(
    request: Request, session: SessionDep, actor: CurrentActor, comment_id: int = Id()
) -> Response:
    response_id = _comment_response(session, actor, comment_id)
    return _outcome(
        request,
        session,
        actor,
        response_id,
        lambda: service.delete_comment(session, actor, comment_id),
        "Comment deleted.",
    )


@router.post("/comments/{comment_id}/answer", dependencies=[Csrf])
def answer_comment(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    disposition: Annotated[str, Form(max_length=40)] = "",
    disposition_note: Text = "",
    reopen: Annotated[str, Form(max_length=10)] = "",
    comment_id: int = Id(),
) -> Response:
    response_id = _comment_response(session, actor, comment_id)
    if reopen:
        answer = service.Answer(status="open")
        notice = "Thread reopened."
    else:
        # An empty choice reaches the service, which asks for one by name.
        answer = service.Answer(disposition=disposition or "", disposition_note=disposition_note)
        notice = "Answer recorded."
    return _outcome(
        request,
        session,
        actor,
        response_id,
        lambda: service.answer_comment(session, actor, comment_id, answer),
        notice,
        kept=disposition_note,
    )


@router.post("/comments/{comment_id}/hide", dependencies=[Csrf])
def hide_comment(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    reason: Annotated[str, Form(max_length=10_000)] = "",
    comment_id: int = Id(),
) -> Response:
    response_id = _comment_response(session, actor, comment_id)
    return _outcome(
        request,
        session,
        actor,
        response_id,
        lambda: service.hide_comment(session, actor, comment_id, reason),
        "Comment hidden; its author has been told.",
        kept=reason,
    )


@router.get("/responses/{response_id}/comments/{key}")
def comments_section(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    key: str,
    response_id: int = Id(),
) -> Response:
    """One comments section alone, for the page's live refresh (ETag, 304 when unchanged)."""
    response = visible_response(session, actor, response_id)
    board = threads.build(session, actor, response, positions_of(session, response_id))
    if board is None:
        return Response(status_code=204)
    section = board.section(key)
    etag = f'"{section.etag(response)}"'
    if request.headers.get("If-None-Match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    context = {"comments": board, "section": section, "response": response}
    reply = render(request, "responses/_comments.html", context)
    reply.headers["ETag"] = etag
    reply.headers["Cache-Control"] = "private, no-cache"
    return reply


def _report(session: Session, actor: Actor, response_id: int) -> tuple[Any, list[report.Row]]:
    response = visible_response(session, actor, response_id)
    access.require_read(actor, response)
    board = threads.build(session, actor, response, positions_of(session, response_id))
    assert board is not None
    label = workflow_for(response).label
    return response, report.rows(board, label)


def _filename(response: Any, ext: str) -> str:
    return f"{slugify(response.title) or 'response'}-consultation-report.{ext}"


@router.get("/responses/{response_id}/report")
def report_page(
    request: Request, session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    """ "You said, we did": every thread with the owner's answer."""
    response, rows = _report(session, actor, response_id)
    return render(
        request,
        "responses/report.html",
        {
            "response": response,
            "rows": rows,
            "groups": report.groups(rows),
            "themes": report.by_theme(rows),
            "answered": sum(1 for r in rows if r.disposition),
        },
    )


@router.get("/responses/{response_id}/report.csv")
def report_csv(session: SessionDep, actor: CurrentActor, response_id: int = Id()) -> Response:
    response, rows = _report(session, actor, response_id)
    return Response(
        report.as_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(response, "csv")}"'},
    )


@router.get("/responses/{response_id}/report.json")
def report_json(session: SessionDep, actor: CurrentActor, response_id: int = Id()) -> Response:
    response, rows = _report(session, actor, response_id)
    return JSONResponse(
        {
            "response": {"id": response.id, "title": response.title, "revision": response.revision},
            "comments": report.as_json(rows),
        },
        headers={"Content-Disposition": f'attachment; filename="{_filename(response, "json")}"'},
    )
