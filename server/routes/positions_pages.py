"""Pages to add, edit, move and delete a response's positions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from ..accounts.users import Actor
from ..deps import Csrf, CurrentActor, SessionDep
from ..drafting import access, editing, question_links
from ..drafting.responses import PositionView, positions_of, visible_response
from ..errors import Invalid, NotFound, StaleRevision
from ..models import Response as ResponseRow
from ..rendering.templates import render
from ..text.authoring import preview_of, word_count
from ..text.diff import diff_html
from ..themes.service import list_themes
from .forms import field_errors, redirect
from .params import Id

router = APIRouter(include_in_schema=False)


# No length limit here: drafting's rules say what is too long, beside the field, and
# BodySizeLimit caps the request.
Text = Annotated[str, Form()]
Revision = Annotated[int, Form(ge=0, le=2**31 - 1)]
# The form's "A key ask" checkbox: "yes" when ticked, absent when not.
KeyBox = Annotated[str, Form(max_length=3)]


def _position(session: Session, response_id: int, position_id: int) -> PositionView:
    for position in positions_of(session, response_id):
        if position.id == position_id:
            return position
    raise NotFound(f"no position {position_id} in this response")


def _theme_choices(session: Session, current: list[str]) -> list[Any]:
    # Retired themes are offered only where the position already has them.
    return [t for t in list_themes(session) if not t.retired or t.slug in current]


def _form(
    request: Request,
    session: Session,
    response: ResponseRow,
    *,
    position_id: int | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> Response:
    body = values.get("body", "")
    context = {
        "response": response,
        "position_id": position_id,
        "values": values,
        "errors": errors or {},
        "themes": _theme_choices(session, values.get("themes", [])),
        "questions": question_links.question_rows(session, response.id or 0),
        "words": word_count(values.get("heading", ""), body),
        # The text as it will appear, with its accessibility warnings, from the start.
        "preview": preview_of(body) if body.strip() else None,
        **(extra or {}),
    }
    return render(request, "responses/position_form.html", context, status_code=status_code)


def _editable(session: Session, actor: Actor, response_id: int) -> ResponseRow:
    response = visible_response(session, actor, response_id)
    access.require_edit(actor, response)
    return response


@router.get("/responses/{response_id}/positions/new")
def new_position_form(
    request: Request, session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    response = _editable(session, actor, response_id)
    values = {
        "heading": "",
        "body": "",
        "themes": [],
        "questions": [],
        "key": False,
        "base_revision": response.revision,
    }
    return _form(request, session, response, position_id=None, values=values)


@router.get("/responses/{response_id}/positions/{position_id}/edit")
def edit_position_form(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    response_id: int = Id(),
    position_id: int = Id(),
) -> Response:
    response = _editable(session, actor, response_id)
    position = _position(session, response_id, position_id)
    values = {
        "heading": position.heading,
        "body": position.body,
        "themes": position.theme_slugs,
        "questions": question_links.refs_by_position(session, response_id).get(position_id, []),
        "key": position.key,
        "base_revision": response.revision,
    }
    return _form(request, session, response, position_id=position_id, values=values)


def _save(
    request: Request,
    session: Session,
    actor: Actor,
    response_id: int,
    position_id: int | None,
    heading: str,
    body: str,
    themes: list[str],
    base_revision: int,
    action: str,
    questions: list[str] | None = None,
    key: bool = False,
) -> Response:
    response = _editable(session, actor, response_id)
    values = {
        "heading": heading,
        "body": body,
        "themes": themes,
        "questions": questions or [],
        "key": key,
        "base_revision": base_revision,
    }
    if action == "preview":  # the no-JavaScript preview: same form, rendered text below
        return _form(
            request,
            session,
            response,
            position_id=position_id,
            values=values,
            extra={"preview": preview_of(body)},
        )
    try:
        if position_id is None:
            saved = editing.add_position(
                session,
                actor,
                response_id,
                heading=heading,
                body=body,
                themes_refs=themes,
                base_revision=base_revision,
                question_refs=questions,
                key=key,
            )
        else:
            saved = editing.update_position(
                session,
                actor,
                response_id,
                position_id,
                heading=heading,
                body=body,
                themes_refs=themes,
                base_revision=base_revision,
                question_refs=questions,
                key=key,
            )
    except StaleRevision as exc:
        session.rollback()
        return _stale(request, session, response, position_id, values, exc)
    except Invalid as exc:
        session.rollback()
        return _form(
            request,
            session,
            response,
            position_id=position_id,
            values=values,
            errors=field_errors(exc, "body"),
            status_code=422,
        )
    session.commit()
    return redirect(
        f"/responses/{response_id}#position-{saved.id}", f"Saved “{saved.heading}”.", request
    )


def _stale(
    request: Request,
    session: Session,
    response: ResponseRow,
    position_id: int | None,
    values: dict[str, Any],
    exc: StaleRevision,
) -> Response:
    """The form again with the user's text intact and the newer saved text beside it."""
    assert response.id is not None
    session.refresh(response)
    newer: PositionView | None = None
    if position_id is not None:
        try:
            newer = _position(session, response.id, position_id)
        except NotFound:
            newer = None
    stale = {
        "current": exc.current,
        "heading": newer.heading if newer else None,
        "body": newer.body if newer else None,
        "deleted": position_id is not None and newer is None,
        "diff": diff_html(newer.body, values["body"]) if newer else None,
    }
    values = {**values, "base_revision": exc.current}
    return _form(
        request,
        session,
        response,
        position_id=position_id,
        values=values,
        errors={"body": exc.message},
        status_code=409,
        extra={"stale": stale},
    )


@router.post("/responses/{response_id}/positions", dependencies=[Csrf])
def add_position(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    heading: Text = "",
    body: Text = "",
    themes: Annotated[list[str] | None, Form()] = None,
    action: Annotated[str, Form(max_length=20)] = "save",
    questions: Annotated[list[str] | None, Form()] = None,
    key: KeyBox = "",
    response_id: int = Id(),
) -> Response:
    return _save(
        request,
        session,
        actor,
        response_id,
        None,
        heading,
        body,
        themes or [],
        base_revision,
        action,
        questions or [],
        key == "yes",
    )


@router.post("/responses/{response_id}/positions/{position_id}", dependencies=[Csrf])
def update_position(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    heading: Text = "",
    body: Text = "",
    themes: Annotated[list[str] | None, Form()] = None,
    action: Annotated[str, Form(max_length=20)] = "save",
    questions: Annotated[list[str] | None, Form()] = None,
    # Sent by a form that offered the questions, so that ticking none clears them.
    questions_shown: Annotated[str, Form(max_length=1)] = "",
    key: KeyBox = "",
    response_id: int = Id(),
    position_id: int = Id(),
) -> Response:
    return _save(
        request,
        session,
        actor,
        response_id,
        position_id,
        heading,
        body,
        themes or [],
        base_revision,
        action,
        (questions or []) if questions_shown else None,
        key == "yes",
    )


@router.post("/responses/{response_id}/positions/{position_id}/move", dependencies=[Csrf])
def move_position(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    direction: Annotated[str, Form(pattern="^(up|down)$")],
    response_id: int = Id(),
    position_id: int = Id(),
) -> Response:
    _editable(session, actor, response_id)
    editing.move_position(
        session, actor, response_id, position_id, -1 if direction == "up" else 1, base_revision
    )
    session.commit()
    return redirect(f"/responses/{response_id}#position-{position_id}", "Position moved.", request)


@router.get("/responses/{response_id}/positions/{position_id}/delete")
def delete_position_confirm(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    response_id: int = Id(),
    position_id: int = Id(),
) -> Response:
    response = _editable(session, actor, response_id)
    position = _position(session, response_id, position_id)
    return render(
        request, "responses/delete_position.html", {"response": response, "position": position}
    )


@router.post("/responses/{response_id}/positions/{position_id}/delete", dependencies=[Csrf])
def delete_position(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    response_id: int = Id(),
    position_id: int = Id(),
) -> Response:
    _editable(session, actor, response_id)
    position = _position(session, response_id, position_id)
    editing.delete_position(session, actor, response_id, position_id, base_revision)
    session.commit()
    return redirect(
        f"/responses/{response_id}",
        f"Deleted “{position.heading}”. Its text stays in the history.",
        request,
    )
