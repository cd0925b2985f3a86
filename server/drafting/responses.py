"""Creating responses, changing their details, and reading them back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..accounts.users import Actor
from ..errors import Invalid, NotFound, Problems, StaleRevision
from ..models import Position, PositionTheme, Response, Theme, User, utcnow
from ..textfields import check_line
from ..workflow.registry import DEFAULT_WORKFLOW, get_workflow, workflows
from . import access
from .closing import check_closes
from .limits import PUBLISHER_MAX, SUMMARY_MAX, TITLE_MAX, URL_MAX, check_nesting


@dataclass
class ResponseInput:
    title: str
    rt_title: str
    rt_publisher: str = ""
    rt_date: date | None = None
    rt_url: str = ""
    summary: str = ""
    workflow: str = DEFAULT_WORKFLOW
    rt_closes: date | None = None  # when the consultation closes, if it is one


@dataclass
class PositionView:
    id: int
    number: int
    heading: str
    body: str
    body_html: str
    themes: list[Theme] = field(default_factory=list)
    key: bool = False  # one of the briefing's key asks

    @property
    def theme_slugs(self) -> list[str]:
        return [t.slug for t in self.themes]


def validate_input(data: ResponseInput) -> ResponseInput:
    """`data` tidied, or InvalidFields naming every field that breaks a rule."""
    data.title = data.title.strip()
    data.rt_title = data.rt_title.strip()
    data.rt_publisher = data.rt_publisher.strip()
    data.rt_url = data.rt_url.strip()
    problems = Problems()
    with problems.check("title"):
        _check_title(data.title, field="title", label="The title", missing=_NO_TITLE)
    with problems.check("rt_title"):
        _check_title(
            data.rt_title,
            field="rt_title",
            label="The publication title",
            missing="Enter the title of the publication this responds to",
        )
    with problems.check("rt_publisher"):
        check_line(data.rt_publisher, field="rt_publisher", label="The publisher")
        if len(data.rt_publisher) > PUBLISHER_MAX:
            raise Invalid(f"The publisher must be at most {PUBLISHER_MAX} characters")
    if data.rt_url and (
        len(data.rt_url) > URL_MAX or not data.rt_url.lower().startswith(("http://", "https://"))
    ):
        problems.add("rt_url", "The link must be a web address starting with https:// or http://")
    with problems.check("summary"):
        if len(data.summary) > SUMMARY_MAX:
            raise Invalid(f"The summary must be at most {SUMMARY_MAX} characters")
        check_nesting(data.summary, "summary")
    with problems.check("rt_closes"):
        check_closes(data.rt_closes, data.rt_date)
    if get_workflow(data.workflow) is None:
        problems.add(
            "workflow",
            f"Unknown workflow {data.workflow!r}: choose one of {', '.join(sorted(workflows()))}",
        )
    problems.raise_any()
    return data


_NO_TITLE = "Enter a title for the response"


def _check_title(value: str, *, field: str, label: str, missing: str) -> None:
    check_line(value, field=field, label=label)
    if not value:
        raise Invalid(missing, field=field)
    if len(value) > TITLE_MAX:
        raise Invalid(f"{label} must be at most {TITLE_MAX} characters", field=field)


def get_response(session: Session, response_id: int) -> Response:
    response = session.get(Response, response_id)
    if response is None:
        raise NotFound(f"no response with id {response_id}")
    return response


def visible_response(session: Session, actor: Actor, response_id: int) -> Response:
    response = get_response(session, response_id)
    access.require_view(actor, response)
    return response


def visible_record(session: Session, actor: Actor, response_id: int) -> Response:
    """The response for someone who may see it at least as published (the API record)."""
    response = get_response(session, response_id)
    access.require_record(actor, response)
    return response


def list_visible(session: Session, actor: Actor) -> list[Response]:
    """Every response this person may see at least as published, newest first. Read
    whole and filtered by access.sight, the one rule: a list of responses is short."""
    query = select(Response).order_by(col(Response.updated_at).desc())
    return [r for r in session.exec(query).all() if access.can_view(actor, r)]


def positions_of(session: Session, response_id: int) -> list[PositionView]:
    """The live positions in order, with their themes, in two queries."""
    rows = session.exec(
        select(Position)
        .where(Position.response_id == response_id, col(Position.deleted).is_(False))
        .order_by(col(Position.ordering), col(Position.id))
    ).all()
    ids = [p.id for p in rows]
    links: dict[int, list[Theme]] = {}
    if ids:
        pairs = session.exec(
            select(PositionTheme.position_id, Theme)
            .join(Theme, col(Theme.id) == PositionTheme.theme_id)
            .where(col(PositionTheme.position_id).in_(ids))
            .order_by(col(Theme.core).desc(), col(Theme.name))
        ).all()
        for pid, theme in pairs:
            links.setdefault(pid, []).append(theme)
    return [
        PositionView(p.id or 0, n, p.heading, p.body, p.body_html, links.get(p.id or 0, []), p.key)
        for n, p in enumerate(rows, start=1)
    ]


def owner_of(session: Session, response: Response) -> User:
    owner = session.get(User, response.owner_id)
    assert owner is not None
    return owner


def claim_revision(session: Session, response: Response, base_revision: int) -> int:
    """Move the response to the next revision if nobody got there first.

    The compare-and-set in one UPDATE makes two racing saves (even on two server
    processes) agree: exactly one wins, the other is told its base is stale."""
    result = session.execute(
        update(Response)
        .where(col(Response.id) == response.id, col(Response.revision) == base_revision)
        .values(revision=col(Response.revision) + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(response)
        raise StaleRevision(base_revision, response.revision)
    session.refresh(response)
    return response.revision
