"""Comments on the response page: the forms (fetched when wanted), posting, live refresh.

The threads themselves come shared and ready-made from rendering/comments.py; every
form is fetched on demand - into a slot beside the thread or paragraph with
htmx, or as a page of its own without JavaScript - so the page stays light with
hundreds of comments. Posting works as a plain POST and redirect; with htmx the
same POST answers with the updated section. A refusal shows the form again with
the reason beside the field and the text kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from ..accounts.users import Actor
from ..comments import access, paragraphs, report, service, suggestions, threads
from ..deps import Csrf, CurrentActor, SessionDep
from ..drafting.question_links import QuestionView, questions_of
from ..drafting.questions import REF_MAX, normalise_ref
from ..drafting.responses import PositionView, positions_of, visible_response
from ..errors import DomainError, NotFound
from ..models import Comment
from ..models import Response as ResponseRow
from ..rendering import comments as rendered
from ..rendering.templates import htmx_target, htmx_trigger, is_htmx, render
from ..themes.service import slugify
from ..workflow.registry import workflow_for
from .conditional import revalidate
from .forms import field_errors, redirect
from .params import Id, QueryId, optional_form_id

router = APIRouter(include_in_schema=False)

# Generous caps against abuse; the service says what is too long, with the numbers.
Text = Annotated[str, Form(max_length=100_000)]
OptionalId = Annotated[str, Form(max_length=12)]
_SLOT = re.compile(
    r"^(new-(p\d{1,10}|q[0-9a-z]{1,10}|general)|para-\d{1,10}-\d{1,4}|actions-\d{1,10})$"
)
PAGE_SLOT = "page"
COUNTS_OPEN = '<section id="comment-counts"'


def board_of(
    request: Request, session: Session, actor: Actor, response: ResponseRow
) -> rendered.RenderedBoard | None:
    """The response's rendered comments for this person (shared, cached per process)."""
    return rendered.board_for(
        request.app.state.board_cache,
        session,
        actor,
        response,
        lambda: positions_of(session, response.id or 0),
    )


def _slot(request: Request) -> str:
    """Where a form sits on the page: the htmx target, or a page of its own."""
    named = request.query_params.get("slot") or htmx_target(request)
    return named if _SLOT.match(named) else PAGE_SLOT


def _key(request: Request, board: rendered.RenderedBoard) -> str:
    key = request.query_params.get("section", threads.GENERAL)
    return key if key in board.sections else threads.GENERAL


def _partial(
    request: Request, page: str, partial: str, context: dict[str, Any], status: int = 200
) -> Response:
    """A form: alone for htmx (swapped into its slot), else inside a page."""
    if is_htmx(request):
        return render(
            request, partial, context, status_code=status, refused_into=f"#{context['slot']}"
        )
    return render(request, page, {**context, "partial": partial}, status_code=status)


def _outcome(
    request: Request,
    session: Session,
    actor: Actor,
    response_id: int,
    work: Callable[[], Comment],
    notice: str,
    again: Callable[[dict[str, str]], Response],
    field: str = "body",
    names: dict[str, str] | None = None,
) -> Response:
    """Do the work, then show the comment's section: in place for htmx, else redirect.
    A refusal the person can fix comes back as the form with the reason beside the
    field it is about: the error's own field (named as the form names it), else
    `field`, the form's own - never another form's box."""
    try:
        work()
    except DomainError as exc:
        session.rollback()
        if exc.status_code in (401, 403, 404):
            raise
        errors = {(names or {}).get(k, k): v for k, v in field_errors(exc, field).items()}
        return again(errors | {"_status": str(exc.status_code)})
    session.commit()
    response = visible_response(session, actor, response_id)
    board = board_of(request, session, actor, response)
    key = _key(request, board) if board else threads.GENERAL
    if not is_htmx(request) or board is None:
        return redirect(f"/responses/{response_id}#comments-{key}", notice, request)
    own = rendered.own_changeable(board, actor, response)
    html = rendered.personal(board.sections[key], own, notice)
    # The open counts change with the section: swapped in beside it, so the page's
    # live region takes this person's own comment as known, not as news.
    counts = board.counts.replace(COUNTS_OPEN, f'{COUNTS_OPEN} hx-swap-oob="true"', 1)
    html += Markup(counts)  # noqa: S704  (rendered by our autoescaping templates)
    slot = _slot(request)
    if slot.startswith("para-"):
        # The paragraph's form sits outside the section: empty it as well.
        # (The slot name matched _SLOT: letters, digits and dashes only.)
        html += Markup(f'<div id="{slot}" class="tbl-slot" hx-swap-oob="true"></div>')  # noqa: S704
    return HTMLResponse(html + _text_of(board, key))


def _text_of(board: rendered.RenderedBoard, key: str) -> Markup:
    """The section's position text, swapped in beside it (htmx out of band), so the
    highlights follow the threads; the page's script keeps a text with a form open."""
    if not (key.startswith("p") and key[1:].isdigit()) or int(key[1:]) not in board.bodies:
        return Markup("")
    pid = int(key[1:])
    body = board.bodies[pid].replace(f'id="text-{pid}"', f'id="text-{pid}" hx-swap-oob="true"', 1)
    return Markup(body)  # noqa: S704  (rendered by our autoescaping templates)


def _status(errors: dict[str, str]) -> int:
    return int(errors.pop("_status", "422"))


# The forms, fetched on demand.


def _position_of(
    session: Session, response: ResponseRow, position_id: int | None
) -> PositionView | None:
    if position_id is None:
        return None
    for position in positions_of(session, response.id or 0):
        if position.id == position_id:
            return position
    raise NotFound(f"position {position_id} is not part of this response")


def _question_of(session: Session, response: ResponseRow, ref: str) -> QuestionView | None:
    if not ref:
        return None
    key = normalise_ref(ref)
    for question in questions_of(session, response.id or 0):
        if question.ref == key:
            return question
    raise NotFound(f"this response has no question {ref!r}")


def _new_form(
    request: Request,
    response: ResponseRow,
    position: PositionView | None,
    values: dict[str, str],
    errors: dict[str, str],
    question: QuestionView | None = None,
) -> Response:
    status = _status(errors) if errors else 200
    key = f"p{position.id}" if position else f"q{question.ref}" if question else threads.GENERAL
    context = {
        "response": response,
        "position": position,
        "question": question,
        "key": key,
        "slot": _slot(request),
        "values": values,
        "errors": errors,
    }
    return _partial(request, "comments/new.html", "comments/_new.html", context, status)


@router.get("/responses/{response_id}/comment")
def new_comment_form(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    response_id: int = Id(),
    position: Annotated[int | None, QueryId()] = None,
    paragraph: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    quote: Annotated[str, Query(max_length=5_000)] = "",
    prefix: Annotated[str, Query(max_length=400)] = "",
    suffix: Annotated[str, Query(max_length=400)] = "",
    question: Annotated[str, Query(max_length=REF_MAX, pattern=r"^[A-Za-z0-9]*$")] = "",
) -> Response:
    """The form for a comment on the response, a position, a paragraph, a selection or
    a consultation question."""
    response = visible_response(session, actor, response_id)
    access.require_write(actor, response)
    if question and position is None:
        on = _question_of(session, response, question)
        return _new_form(request, response, None, {}, {}, on)
    where = _position_of(session, response, position)
    values = {"quote": quote if where else "", "prefix": prefix, "suffix": suffix}
    if where is not None and paragraph is not None:
        # The paragraph's words, for the reviewer to narrow down to their passage.
        found = paragraphs.paragraph(where.body, paragraph, f"position {where.number}")
        values = {"quote": found.text, "prefix": "", "suffix": "", "paragraph": str(paragraph)}
    return _new_form(request, response, where, values, {})


def _thread(
    session: Session, actor: Actor, comment: Comment, response: ResponseRow
) -> tuple[threads.Item, threads.Section, threads.Board]:
    board = threads.build(session, actor, response, positions_of(session, response.id or 0))
    assert board is not None
    root_id = comment.parent_id or comment.id
    for section in board.every_section():
        for item in section.threads:
            if item.comment.id == root_id:
                return item, section, board
    raise NotFound(f"no comment with id {comment.id}")


def _thread_form(
    request: Request,
    session: Session,
    actor: Actor,
    comment_id: int,
    partial: str,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    comment, response = service.visible_comment(session, actor, comment_id)
    item, section, _board = _thread(session, actor, comment, response)
    reader = rendered.reader_of(actor, response)
    status = _status(errors) if errors else 200
    editing = partial == "comments/_edit.html"
    context = {
        "response": response,
        "t": item,
        "comment": comment,
        "section": section,
        "key": section.key,
        "slot": _slot(request),
        "reader": reader,
        "values": values,
        "errors": errors,
        "heading": "Change your comment" if editing else "Reply to or act on a thread",
        "accept_blocker": (
            suggestions.why_not_accept(session, actor, comment)
            if reader and reader.can_answer and comment.suggestion and not editing
            else ""
        ),
    }
    return _partial(request, "comments/thread.html", partial, context, status)


@router.get("/comments/{comment_id}/actions")
def thread_actions(
    request: Request, session: SessionDep, actor: CurrentActor, comment_id: int = Id()
) -> Response:
    """Reply, answer, accept or decline a suggestion, reopen, hide: what this person may."""
    return _thread_form(request, session, actor, comment_id, "comments/_actions.html", {}, {})


@router.get("/comments/{comment_id}/edit")
def edit_comment_form(
    request: Request, session: SessionDep, actor: CurrentActor, comment_id: int = Id()
) -> Response:
    comment, response = service.visible_comment(session, actor, comment_id)
    access.require_author(actor, response, comment)
    service.require_thread_open(session, comment)
    values = {"body": comment.body}
    return _thread_form(request, session, actor, comment_id, "comments/_edit.html", values, {})


# Posting.


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
    suggestion: Text = "",
    paragraph: OptionalId = "",
    question_ref: Annotated[str, Form(max_length=REF_MAX)] = "",
    response_id: int = Id(),
) -> Response:
    response = visible_response(session, actor, response_id)
    reply = optional_form_id(parent_id, "parent_id")
    where = optional_form_id(position_id, "position_id")
    from_paragraph = optional_form_id(paragraph, "paragraph")
    values = {"body": body, "quote": quote, "prefix": prefix, "suffix": suffix}
    values["suggestion"] = suggestion
    if from_paragraph is not None:
        values["paragraph"] = paragraph

    def again(errors: dict[str, str]) -> Response:
        if reply is not None:
            return _thread_form(
                request, session, actor, reply, "comments/_actions.html", values, errors
            )
        try:
            position = _position_of(session, response, where)
            question = None if position else _question_of(session, response, question_ref)
        except NotFound:
            position = question = None
        return _new_form(request, response, position, values, errors, question)

    return _outcome(
        request,
        session,
        actor,
        response_id,
        lambda: _create(
            session, actor, response, where, reply, from_paragraph, values, request, question_ref
        ),
        "Reply posted." if reply else "Comment posted.",
        again,
    )


def _create(
    session: Session,
    actor: Actor,
    response: ResponseRow,
    where: int | None,
    reply: int | None,
    from_paragraph: int | None,
    values: dict[str, str],
    request: Request,
    question_ref: str = "",
) -> Comment:
    access.require_write(actor, response)
    quote, prefix, suffix = values["quote"], values["prefix"], values["suffix"]
    if from_paragraph is not None and where is not None and reply is None:
        # A quote narrowed from a paragraph must still be words of that paragraph
        # (checked on the text as read, before the comment's write begins).
        position = _position_of(session, response, where)
        assert position is not None
        narrowed = paragraphs.narrow(
            position.body, from_paragraph, quote, f"position {position.number}"
        )
        quote, prefix, suffix = narrowed.quote, narrowed.prefix, narrowed.suffix
    return service.create_comment(
        session,
        actor,
        response.id or 0,
        body=values["body"],
        position_id=where,
        parent_id=reply,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        suggestion=values["suggestion"],
        base_url=request.app.state.settings.base_url,
        question_ref=question_ref,
    )


def _on_comment(
    request: Request,
    session: Session,
    actor: Actor,
    comment_id: int,
    work: Callable[[], Comment],
    notice: str,
    partial: str,
    values: dict[str, str],
    field: str = "body",
    names: dict[str, str] | None = None,
) -> Response:
    """A change to one comment, answered like every other post; a refusal is shown
    beside `field` unless it names its own (`names` maps the service's field names to
    the form's)."""
    comment, _response = service.visible_comment(session, actor, comment_id)

    def again(errors: dict[str, str]) -> Response:
        return _thread_form(request, session, actor, comment_id, partial, values, errors)

    return _outcome(request, session, actor, comment.response_id, work, notice, again, field, names)


@router.post("/comments/{comment_id}/edit", dependencies=[Csrf])
def edit_comment(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    body: Text = "",
    comment_id: int = Id(),
) -> Response:
    return _on_comment(
        request,
        session,
        actor,
        comment_id,
        lambda: service.edit_comment(session, actor, comment_id, body),
        "Comment changed.",
        "comments/_edit.html",
        {"body": body},
    )


@router.post("/comments/{comment_id}/delete", dependencies=[Csrf])
def delete_comment(
    request: Request, session: SessionDep, actor: CurrentActor, comment_id: int = Id()
) -> Response:
    return _on_comment(
        request,
        session,
        actor,
        comment_id,
        lambda: service.delete_comment(session, actor, comment_id),
        "Comment deleted.",
        "comments/_edit.html",
        {},
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
    if reopen:
        answer = service.Answer(status="open")
        notice = "Thread reopened."
    else:
        # An empty choice reaches the service, which asks for one by name.
        answer = service.Answer(disposition=disposition or "", disposition_note=disposition_note)
        notice = "Answer recorded."
    return _on_comment(
        request,
        session,
        actor,
        comment_id,
        lambda: service.answer_comment(
            session, actor, comment_id, answer, base_url=request.app.state.settings.base_url
        ),
        notice,
        "comments/_actions.html",
        {"disposition": disposition, "disposition_note": disposition_note},
        field="disposition",
    )


@router.post("/comments/{comment_id}/accept", dependencies=[Csrf])
def accept_suggestion(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    accept_note: Text = "",
    comment_id: int = Id(),
) -> Response:
    """Put the suggested wording into the text as a new revision, and close the thread."""
    return _on_comment(
        request,
        session,
        actor,
        comment_id,
        lambda: suggestions.accept(
            session, actor, comment_id, accept_note, base_url=request.app.state.settings.base_url
        ),
        "Suggestion accepted: the text now reads as suggested.",
        "comments/_actions.html",
        {"accept_note": accept_note},
        field="accept_note",
        names={"note": "accept_note", "comment": "accept_note"},
    )


@router.post("/comments/{comment_id}/decline", dependencies=[Csrf])
def decline_suggestion(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    reason: Text = "",
    comment_id: int = Id(),
) -> Response:
    return _on_comment(
        request,
        session,
        actor,
        comment_id,
        lambda: suggestions.decline(
            session, actor, comment_id, reason, base_url=request.app.state.settings.base_url
        ),
        "Suggestion declined.",
        "comments/_actions.html",
        {"reason": reason},
        field="reason",
        names={"disposition_note": "reason", "comment": "reason"},
    )


@router.post("/comments/{comment_id}/hide", dependencies=[Csrf])
def hide_comment(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    reason: Annotated[str, Form(max_length=10_000)] = "",
    comment_id: int = Id(),
) -> Response:
    return _on_comment(
        request,
        session,
        actor,
        comment_id,
        lambda: service.hide_comment(
            session, actor, comment_id, reason, settings=request.app.state.settings
        ),
        "Comment hidden; its author has been told.",
        "comments/_actions.html",
        {f"hide_{comment_id}": reason},
        field=f"hide_{comment_id}",
        names={"reason": f"hide_{comment_id}"},
    )


# Live refresh: one cheap poll per page, then only the sections that changed.

LIVE_PARTS: dict[str, Callable[[rendered.RenderedBoard], str]] = {
    "counts": lambda board: board.counts,
    "summary": lambda board: board.summary,
}


@router.get("/responses/{response_id}/comments/stamp")
def comments_stamp(
    request: Request, session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    """304 while nothing the comments show has changed; otherwise 204 with an htmx
    trigger that makes each section ask again (those unchanged answer 304)."""
    response = visible_response(session, actor, response_id)
    access.require_read(actor, response)
    not_modified, headers = revalidate(request, f'"{rendered.stamp(response)}"')
    if not_modified:
        return not_modified
    htmx_trigger(headers, "tbl-comments-changed")
    return Response(status_code=204, headers=headers)


@router.get("/responses/{response_id}/comments/{key}")
def comments_section(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    key: Annotated[str, Path(max_length=20)],
    response_id: int = Id(),
) -> Response:
    """One comments section alone, for the page's live refresh (ETag, 304 when unchanged)."""
    response = visible_response(session, actor, response_id)
    board = board_of(request, session, actor, response)
    if board is None:
        return Response(status_code=204)
    if key in LIVE_PARTS:
        # The open counts and the summary beside the decision: small, and asked for only
        # when the stamp says something changed, so no ETag of their own.
        return HTMLResponse(LIVE_PARTS[key](board), headers={"Cache-Control": "private, no-cache"})
    if key not in board.sections:
        raise NotFound(f"this response has no comments section {key!r}")
    not_modified, headers = revalidate(request, f'"{board.etags[key]}"')
    if not_modified:
        return not_modified
    own = rendered.own_changeable(board, actor, response)
    html = rendered.personal(board.sections[key], own) + _text_of(board, key)
    return HTMLResponse(html, headers=headers)


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
