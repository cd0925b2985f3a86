"""Shapes of the JSON API's requests and answers (CONTRACT.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from .drafting.limits import BODY_MAX, HEADING_MAX, PUBLISHER_MAX, TITLE_MAX, URL_MAX
from .drafting.questions import QUESTIONS_MAX
from .routes.params import JsonId
from .textfields import SingleLine


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThemeOut(BaseModel):
    slug: str
    name: str


class RespondingToIn(Strict):
    title: SingleLine = Field(min_length=1, max_length=TITLE_MAX)
    publisher: SingleLine = Field(default="", max_length=PUBLISHER_MAX)
    date: dt.date | None = None
    url: str = Field(default="", max_length=URL_MAX)
    closes: dt.date | None = Field(
        default=None, description="the day the consultation closes, if it is one"
    )


class RespondingTo(BaseModel):
    """The publication a response answers, as stored (answers check nothing again)."""

    title: str
    publisher: str = ""
    date: dt.date | None = None
    url: str = ""
    closes: dt.date | None = None


class ResponseCreate(Strict):
    title: SingleLine = Field(min_length=1, max_length=TITLE_MAX)
    responding_to: RespondingToIn
    summary: str = Field(default="", max_length=20_000)
    workflow: str | None = Field(default=None, max_length=60)


class ClosingDateIn(Strict):
    closes: dt.date | None = Field(description="the day the consultation closes; null clears it")
    base_revision: JsonId


class PositionIn(Strict):
    heading: SingleLine = Field(min_length=1, max_length=HEADING_MAX)
    body: str = Field(default="", max_length=BODY_MAX)
    themes: list[str] = Field(default_factory=list, max_length=50)
    # refs of the questions it answers; left out, a PUT keeps the position's answers
    questions: list[str] | None = Field(default=None, max_length=QUESTIONS_MAX)
    # one of the briefing's key asks (its cover box); left out, a PUT keeps it as it was
    key: StrictBool | None = None
    base_revision: JsonId


class PositionOut(BaseModel):
    id: int
    heading: str
    body: str
    themes: list[str]
    questions: list[str] = Field(default_factory=list)
    key: bool = False


class QuestionOut(BaseModel):
    """A consultation question; not_answering is the reason it is left unanswered, or ''."""

    ref: str
    text: str
    not_answering: str
    word_limit: int | None = None


class Owner(BaseModel):
    id: int
    name: str
    email: str


class ResponseOut(BaseModel):
    id: int
    title: str
    responding_to: RespondingTo
    summary: str
    workflow: str
    stage: str
    revision: int
    owner: Owner
    created_at: dt.datetime
    updated_at: dt.datetime
    positions: list[PositionOut]
    questions: list[QuestionOut] = Field(default_factory=list)


class ResponseSummary(BaseModel):
    id: int
    title: str
    stage: str
    workflow: str
    revision: int
    updated_at: dt.datetime


class PositionSaved(PositionOut):
    revision: int


class RevisionOut(BaseModel):
    number: int
    author: str
    created_at: dt.datetime
    description: str
    changed: list[str]


class Problem(BaseModel):
    """An error: what went wrong; a refused workflow move also lists every reason."""

    detail: str
    reasons: list[str] | None = None


class InputIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str | None = None


class InvalidInput(BaseModel):
    """422: the fields that failed validation, or one message from a domain check."""

    detail: list[InputIssue] | str


# The error answers every /api/v1 router declares in OpenAPI (one place for all of them).
ERRORS: dict[int | str, dict[str, Any]] = {
    **{code: {"model": Problem} for code in (401, 403, 404, 409)},
    422: {"model": InvalidInput},
}


class ActionIn(Strict):
    action: str = Field(min_length=1, max_length=60)
    note: str = Field(default="", max_length=5000)
    revision: JsonId | None = None
    # publish only: add the consultation report as the briefing's annex
    annex: bool = False


class ActionOut(BaseModel):
    stage: str
    moved: bool
    approvals: int
    quorum: int
    due_at: dt.datetime | None


class HistoryOut(BaseModel):
    action: str
    from_stage: str
    to_stage: str
    actor: str
    note: str
    revision: int
    at: dt.datetime


class PublicationOut(BaseModel):
    version: int
    published_at: dt.datetime
    superseded: bool
    change_note: str
    revision: int
    pdf_url: str
    docx_url: str
    html_url: str


class CommentIn(Strict):
    body: str = Field(max_length=100_000)  # the 20,000 limit is checked with a clear message
    position_id: JsonId | None = None  # ids are JSON numbers, never strings or floats
    parent_id: JsonId | None = None
    quote: str = Field(default="", max_length=100_000)
    # Words just before and after the quote, to tell apart a passage that repeats.
    prefix: str = Field(default="", max_length=2_000)
    suffix: str = Field(default="", max_length=2_000)
    # Replacement wording for the quote, or for the whole position when nothing is quoted.
    suggestion: str = Field(default="", max_length=100_000)
    question: str | None = Field(
        default=None,
        max_length=20,
        description="the ref of a consultation question the comment is on (not with position_id)",
    )


class SuggestionAnswer(Strict):
    """Accepting takes an optional note; declining needs the reason."""

    note: str = Field(default="", max_length=100_000)


class CommentPatch(Strict):
    status: str | None = Field(default=None, max_length=20)
    disposition: str | None = Field(default=None, max_length=20)
    disposition_note: str | None = Field(default=None, max_length=100_000)
    body: str | None = Field(default=None, max_length=100_000)


class AnchorOut(BaseModel):
    state: str  # attached, changed or outdated
    position_id: int | None
    passage: str  # the passage as it reads now (the original quote when outdated)


class CommentOut(BaseModel):
    id: int
    author: str
    body: str
    position_id: int | None
    parent_id: int | None
    quote: str
    revision: int
    stage: str
    status: str
    disposition: str | None
    disposition_note: str
    answered_revision: int | None
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted: bool
    hidden: bool
    anchor: AnchorOut | None
    suggestion: str = ""  # replacement wording, when the comment suggests an edit
    applied_revision: int | None = None  # the revision that accepting it made
    question: str | None = None  # the ref of the consultation question it is on
