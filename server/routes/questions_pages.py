"""Pages for a response's consultation questions, and the submission downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from sqlmodel import Session

from ..accounts.users import Actor
from ..deps import Csrf, CurrentActor, SessionDep
from ..drafting import access, question_store
from ..drafting.questions import REF_MAX, ParsedQuestion
from ..drafting.responses import visible_response
from ..drafting.submission import submission, submission_csv
from ..errors import Invalid, StaleRevision
from ..models import Response as ResponseRow
from ..publishing.render import MEDIA_TYPES
from ..publishing.submission_docx import render_submission_docx
from ..rendering.templates import render
from ..themes.service import slugify
from .forms import field_errors, redirect
from .params import Id

router = APIRouter(include_in_schema=False)
# No length limit here: the question rules say what is too long, beside the field.
Text = Annotated[str, Form()]
Revision = Annotated[int, Form(ge=0, le=2**31 - 1)]


def Ref() -> Any:  # noqa: N802  (reads like a type in route signatures)
    return PathParam(min_length=1, max_length=REF_MAX, pattern=r"^[A-Za-z0-9]+$")


def _filename(title: str, ext: str) -> str:
    return f"{slugify(title) or 'response'}-submission.{ext}"


@router.get("/responses/{response_id}/submission.csv")
def submission_csv_file(
    session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    """One row per question in the department's order, for pasting into its form."""
    response = visible_response(session, actor, response_id)
    text = submission_csv(submission(session, response_id))
    return Response(
        text.encode("utf-8-sig"),  # the BOM makes Excel read the text as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(response.title, "csv")}"',
            "Cache-Control": "private, no-cache",
        },
    )


@router.get("/responses/{response_id}/submission.docx")
def submission_docx_file(
    session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    """Each question, then its answer: the formal reply as a Word document."""
    response = visible_response(session, actor, response_id)
    entries = submission(session, response_id)
    title, rt_title, closes = response.title, response.rt_title, response.rt_closes
    session.rollback()  # nothing more to read: pandoc runs outside any transaction
    content = render_submission_docx(title, rt_title, entries, closes)
    return Response(
        content,
        media_type=MEDIA_TYPES["docx"],
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(title, "docx")}"',
            "Cache-Control": "private, no-cache",
        },
    )


def _editable(session: Session, actor: Actor, response_id: int) -> ResponseRow:
    response = visible_response(session, actor, response_id)
    access.require_edit(actor, response)
    return response


def _paste_form(
    request: Request,
    response: ResponseRow,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    understood: list[ParsedQuestion] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "response": response,
        "values": values,
        "errors": errors or {},
        "understood": understood,
    }
    return render(request, "responses/questions_new.html", context, status_code=status_code)


@router.get("/responses/{response_id}/questions/new")
def paste_questions_form(
    request: Request, session: SessionDep, actor: CurrentActor, response_id: int = Id()
) -> Response:
    response = _editable(session, actor, response_id)
    return _paste_form(request, response, {"text": "", "base_revision": response.revision})


@router.post("/responses/{response_id}/questions", dependencies=[Csrf])
def paste_questions(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    text: Text = "",
    action: Annotated[str, Form(max_length=20)] = "preview",
    response_id: int = Id(),
) -> Response:
    """Preview shows what was understood; save adds the questions as one revision."""
    response = _editable(session, actor, response_id)
    values = {"text": text, "base_revision": base_revision}
    try:
        understood = question_store.read_block(text)
        if action != "save":
            return _paste_form(request, response, values, understood=understood)
        question_store.add_block(session, actor, response_id, text, base_revision)
    except StaleRevision as exc:
        session.rollback()
        values["base_revision"] = exc.current
        return _paste_form(request, response, values, errors={"text": exc.message}, status_code=409)
    except Invalid as exc:
        session.rollback()
        return _paste_form(
            request, response, values, errors=field_errors(exc, "text"), status_code=422
        )
    session.commit()
    noun = "question" if len(understood) == 1 else "questions"
    return redirect(
        f"/responses/{response_id}#questions", f"Added {len(understood)} {noun}.", request
    )


def _question_form(
    request: Request,
    session: Session,
    response: ResponseRow,
    ref: str,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    question = question_store.find(session, response.id or 0, ref)
    context = {"response": response, "question": question, "values": values, "errors": errors or {}}
    return render(request, "responses/question_edit.html", context, status_code=status_code)


@router.get("/responses/{response_id}/questions/{ref}/edit")
def edit_question_form(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    response_id: int = Id(),
    ref: str = Ref(),
) -> Response:
    response = _editable(session, actor, response_id)
    question = question_store.find(session, response_id, ref)
    values = {
        "text": question.text,
        "not_answering": question.not_answering,
        "word_limit": str(question.word_limit or ""),
        "base_revision": response.revision,
    }
    return _question_form(request, session, response, ref, values)


def _word_limit(value: str) -> int | None:
    """The limit typed, None when empty; anything but a whole number comes back as 0,
    which the domain check refuses together with the form's other problems."""
    value = value.strip().replace(",", "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 6:
        return 0
    return int(value)


@router.post("/responses/{response_id}/questions/{ref}/edit", dependencies=[Csrf])
def edit_question(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    text: Text = "",
    not_answering: Text = "",
    word_limit: Annotated[str, Form(max_length=20)] = "",
    response_id: int = Id(),
    ref: str = Ref(),
) -> Response:
    response = _editable(session, actor, response_id)
    values = {
        "text": text,
        "not_answering": not_answering,
        "word_limit": word_limit,
        "base_revision": base_revision,
    }
    try:
        question = question_store.update_question(
            session,
            actor,
            response_id,
            ref,
            base_revision=base_revision,
            text=text,
            not_answering=not_answering,
            word_limit=_word_limit(word_limit),
        )
    except StaleRevision as exc:
        session.rollback()
        values["base_revision"] = exc.current
        return _question_form(
            request, session, response, ref, values, errors={"text": exc.message}, status_code=409
        )
    except Invalid as exc:
        session.rollback()
        return _question_form(
            request,
            session,
            response,
            ref,
            values,
            errors=field_errors(exc, "text"),
            status_code=422,
        )
    session.commit()
    return redirect(
        f"/responses/{response_id}#question-{question.ref}",
        f"Saved question {question.ref}.",
        request,
    )


@router.post("/responses/{response_id}/questions/{ref}/delete", dependencies=[Csrf])
def delete_question(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    response_id: int = Id(),
    ref: str = Ref(),
) -> Response:
    _editable(session, actor, response_id)
    question = question_store.find(session, response_id, ref)
    question_store.delete_question(session, actor, response_id, ref, base_revision)
    session.commit()
    return redirect(
        f"/responses/{response_id}#questions",
        f"Removed question {question.ref}. It stays in the history.",
        request,
    )


@router.post("/responses/{response_id}/questions/{ref}/move", dependencies=[Csrf])
def move_question(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    base_revision: Revision,
    direction: Annotated[str, Form(pattern="^(up|down)$")],
    response_id: int = Id(),
    ref: str = Ref(),
) -> Response:
    """Move a question one place up or down, like a position; a new revision."""
    _editable(session, actor, response_id)
    question = question_store.move_question(
        session, actor, response_id, ref, -1 if direction == "up" else 1, base_revision
    )
    session.commit()
    return redirect(
        f"/responses/{response_id}#question-{question.ref}",
        f"Moved question {question.ref} {direction}.",
        request,
    )
