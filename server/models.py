"""Database tables. Domain rules live in the service modules, not here."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role:
    ADMIN = "admin"
    DIRECTOR = "director"
    MEMBER = "member"
    ALL = ("admin", "director", "member")


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20, default=Role.MEMBER)
    password_hash: str = Field(default="", max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # A daily digest replaces the immediate emails; in-app notifications stay immediate.
    digest: bool = False
    # The secret in a personal Atom feed address; it grants reading the library only.
    feed_token: str | None = Field(default=None, max_length=64, unique=True, index=True)


class UserGroup(SQLModel, table=True):
    __tablename__ = "user_group"
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    group: str = Field(max_length=60, primary_key=True)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    label: str = Field(max_length=100, default="")
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class UserSession(SQLModel, table=True):
    """One signed-in browser. The cookie carries a random key; only its SHA-256 is kept,
    so reading this table does not let anyone sign in as its users."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True, index=True)
    # How the person proved who they are: "password" today, a sign-on provider later.
    method: str = Field(max_length=20, default="password")
    user_agent: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class SignInAttempt(SQLModel, table=True):
    """Every password sign-in, right or wrong: the audit trail, and what throttling counts."""

    __tablename__ = "sign_in_attempt"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(default="", max_length=64)
    succeeded: bool = False
    at: datetime = Field(default_factory=utcnow, index=True)


class Theme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=100)
    core: bool = False
    retired: bool = False


class Response(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    rt_title: str = Field(max_length=300)
    rt_publisher: str = Field(default="", max_length=200)
    rt_date: date | None = None
    rt_url: str = Field(default="", max_length=2000)
    # When the consultation being answered closes: the last day a reply is taken.
    rt_closes: date | None = None
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    workflow: str = Field(max_length=60, default="socitm-policy")
    # Always set from the workflow (its initial stage); stage names are the file's own.
    stage: str = Field(max_length=60)
    owner_id: int = Field(foreign_key="user.id", index=True)
    revision: int = 1
    # Counts entries into review stages, so approvals never carry into a new round.
    review_round: int = 0
    # The page serial: bumped by every write to anything the response's page shows
    # (server/freshness.py), so a page kept in memory can tell it is current.
    comment_serial: int = 0
    # Every stage the response has entered, space-separated: who may read a draft
    # can depend on the workflow having handed it to a group's stage once.
    stages_reached: str = Field(default="", max_length=2000)
    due_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Position(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    ordering: int = 0
    heading: str = Field(max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Rendered once when the text is saved, so page views never re-render Markdown.
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    deleted: bool = False
    # Marked by the director as one of the briefing's key asks (its cover box).
    key: bool = False


class PositionTheme(SQLModel, table=True):
    __tablename__ = "position_theme"
    position_id: int = Field(foreign_key="position.id", primary_key=True, ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", primary_key=True)


class Revision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("response_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    number: int
    author_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    description: str = Field(default="", max_length=500)
    # Headings of the positions this save touched, for the history list.
    changed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The whole response as saved: title, summary and positions with rendered HTML.
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Approval(SQLModel, table=True):
    """One reviewer's approval in one review round; the key stops double counting."""

    __table_args__ = (UniqueConstraint("response_id", "round", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    round: int
    stage: str = Field(max_length=60)
    revision: int
    user_id: int = Field(foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Every workflow move, written in the same transaction as the move itself."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow)
    actor_id: int = Field(foreign_key="user.id")
    action: str = Field(max_length=60)
    # The workflow kind of the action (kinds.ActionKind), "" for other audited events:
    # rules read this, never the action's name.
    kind: str = Field(default="", max_length=20)
    from_stage: str = Field(max_length=60)
    to_stage: str = Field(max_length=60)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    revision: int


class Notification(SQLModel, table=True):
    """An in-app message to one person about one response."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    response_id: int | None = Field(default=None, foreign_key="response.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    subject: str = Field(max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    read_at: datetime | None = None
    # Waits for the person's next daily digest email (they chose a digest).
    digest_pending: bool = Field(default=False, index=True)


class OutboxMessage(SQLModel, table=True):
    """An email: sent over SMTP when configured, else kept here for admins to read."""

    __tablename__ = "outbox_message"
    id: int | None = Field(default=None, primary_key=True)
    to_email: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None
    error: str = Field(default="", max_length=500)  # the last attempt's failure
    # Delivery state (server/notifications/mailer.py): failed attempts so far, when the
    # next is due (None: at once), a deliverer's claim, and whether it was given up.
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_at: datetime | None = None
    gave_up: bool = False


class Reminder(SQLModel, table=True):
    """Marks that the deadline reminder for one review round went out, once."""

    response_id: int = Field(foreign_key="response.id", primary_key=True, ondelete="CASCADE")
    round: int = Field(primary_key=True)
    sent_at: datetime = Field(default_factory=utcnow)


class Publication(SQLModel, table=True):
    """One immutable, numbered version of a published response (a briefing).

    Never updated after it is written: a correction is the next version, and a
    version is superseded when a later one exists (computed, not stored)."""

    __table_args__ = (UniqueConstraint("response_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    version: int
    published_at: datetime = Field(default_factory=utcnow, index=True)
    publisher_id: int = Field(foreign_key="user.id")
    change_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # The response revision this version was made from.
    revision: int
    title: str = Field(max_length=300)
    rt_title: str = Field(max_length=300)
    # Title, responding-to, summary, numbered positions and theme names as published,
    # so the briefing never changes when the draft or a theme is later edited.
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Lower-cased text of the title and positions, for the library's portable search.
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # ",slug,slug," so a theme filter is one LIKE on any database.
    theme_slugs: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class PublicationFile(SQLModel, table=True):
    """A rendered form of a publication (pdf, docx, html), made once and kept.

    Apart from Publication so that lists and searches never load the bytes."""

    __tablename__ = "publication_file"
    publication_id: int = Field(foreign_key="publication.id", primary_key=True, ondelete="CASCADE")
    format: str = Field(max_length=10, primary_key=True)
    media_type: str = Field(max_length=100)
    sha256: str = Field(max_length=64)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CommentStatus:
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = ("open", "resolved")


class Disposition:
    """What the director did with a comment: the "you said, we did" record."""

    ACCEPTED = "accepted"
    PARTLY = "partly-accepted"
    NOTED = "noted"
    NOT_ACCEPTED = "not-accepted"
    ALL = ("accepted", "partly-accepted", "noted", "not-accepted")
    LABELS = {
        "accepted": "Accepted",
        "partly-accepted": "Partly accepted",
        "noted": "Noted",
        "not-accepted": "Not accepted",
    }


class Comment(SQLModel, table=True):
    """A comment on a response, a position or a quoted passage; replies name a parent.

    The anchor (quote with a few words either side, and the revision it was made
    on) is kept as written; where it sits now is worked out on the current text,
    so redrafting never moves, loses or rewrites a comment."""

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    position_id: int | None = Field(default=None, foreign_key="position.id", ondelete="SET NULL")
    parent_id: int | None = Field(default=None, foreign_key="comment.id", index=True)
    # A comment on a consultation question ("we should not answer 3b"), by its ref: refs
    # stay when a revision is restored (question rows are made again), and a question
    # removed leaves its threads saying which question they were on.
    question_ref: str = Field(default="", max_length=10)
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Rendered once when saved, so page views never re-render Markdown.
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    quote: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # A suggested edit: replacement wording for the quote, or for the whole position.
    suggestion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # The revision that accepting the suggestion made.
    applied_revision: int | None = None
    prefix: str = Field(default="", max_length=400)
    suffix: str = Field(default="", max_length=400)
    revision: int
    # The stage the response was in, for the per-stage counts and the report.
    stage: str = Field(default="", max_length=60)
    status: str = Field(default=CommentStatus.OPEN, max_length=20)
    disposition: str = Field(default="", max_length=20)
    disposition_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    disposed_at: datetime | None = None
    disposed_by: int | None = Field(default=None, foreign_key="user.id")
    # The response revision current when the disposition was recorded.
    answered_revision: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    edited_at: datetime | None = None
    deleted: bool = False
    hidden: bool = False
    hidden_reason: str = Field(default="", max_length=500)
    hidden_by: int | None = Field(default=None, foreign_key="user.id")


class Question(SQLModel, table=True):
    """One of the consultation's numbered questions that the response answers."""

    __table_args__ = (UniqueConstraint("response_id", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    ref: str = Field(max_length=10)  # "3a": normalised, unique in the response
    ordering: int = 0
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Why the response deliberately does not answer it; empty while it is to be answered.
    not_answering: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    word_limit: int | None = None


class PositionQuestion(SQLModel, table=True):
    """A position answers a question."""

    __tablename__ = "position_question"
    position_id: int = Field(foreign_key="position.id", primary_key=True, ondelete="CASCADE")
    question_id: int = Field(foreign_key="question.id", primary_key=True, ondelete="CASCADE")


class WordImport(SQLModel, table=True):
    """One Word comment or tracked change taken in from a review copy, by fingerprint,
    so that taking the same file in again adds nothing twice."""

    __table_args__ = (UniqueConstraint("response_id", "fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    fingerprint: str = Field(max_length=64)
    comment_id: int | None = Field(default=None, foreign_key="comment.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


# Declared with the tables: a write to what a page shows marks the page changed.
from . import freshness as _freshness  # noqa: E402, F401


class AccountLink(SQLModel, table=True):
    """A one-time link that lets a person set their password: an invitation or a reset.
    Only the SHA-256 of the link's secret is kept."""

    __tablename__ = "account_link"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=20)  # "invite" or "reset"
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class AccountEvent(SQLModel, table=True):
    """What happened to an account's sign-in: invitations, reset requests, link use and
    refusals. Kept for audit, and counted to throttle reset requests."""

    __tablename__ = "account_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    email: str = Field(default="", max_length=254, index=True)
    action: str = Field(max_length=40)
    address: str = Field(default="", max_length=64)
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
