"""Fixtures for the HTTP tests: a demo response, and a fresh look at the database.

Tests read the database back through `look` (a new session each time) so that
what they check is what is stored now, not what a long-lived session cached."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from server.accounts.users import Actor
from server.drafting.responses import positions_of
from server.drafting.transfer import import_text
from server.models import ApiToken, Position, Response, Revision, Theme, User
from tests.conftest import reached_on_the_way

DRAFTS = Path(__file__).resolve().parents[2] / "drafts"
OEP_TITLE = "Response to the Operational Efficiency Programme final report"


def oep_text() -> str:
    return (DRAFTS / "operational-efficiency-programme.md").read_text(encoding="utf-8")


def error_beside(page: str, field: str) -> str:
    """The error message shown beside a form field (GOV.UK markup), or ''."""
    found = re.search(
        rf'<p id="{re.escape(field)}-error" class="govuk-error-message">'
        r'(?:<span class="govuk-visually-hidden">Error:</span>)?\s*(.*?)</p>',
        page,
        re.S,
    )
    return html.unescape(found.group(1).strip()) if found else ""


def field_value(page: str, field: str) -> str | None:
    """The value an <input> or <textarea> named `field` is filled with."""
    found = re.search(rf'<textarea[^>]*name="{re.escape(field)}"[^>]*>(.*?)</textarea>', page, re.S)
    if found:
        return html.unescape(found.group(1))
    found = re.search(rf'<input[^>]*name="{re.escape(field)}"[^>]*value="([^"]*)"', page, re.S)
    if found:
        return html.unescape(found.group(1))
    return None


def flash(page: str) -> str:
    found = re.search(r'notification-banner__heading">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1).strip()) if found else ""


def page_error(page: str) -> str:
    """The message of the generic error page."""
    found = re.search(r'id="error-message">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1).strip()) if found else ""


def text_of(page: str) -> str:
    """The page's text without tags, with entities decoded and spaces squeezed; a
    highlighted passage's <mark>s sit inside words, so they leave no space."""
    page = re.sub(r"</?mark\b[^>]*>", "", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@dataclass
class PositionRow:
    id: int
    heading: str
    body: str
    themes: list[str]


@dataclass
class Look:
    """Reads the database as it stands now, one fresh session per call."""

    engine: Engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def response(self, response_id: int) -> Response | None:
        with self._session() as s:
            return s.get(Response, response_id)

    def response_count(self) -> int:
        with self._session() as s:
            return len(s.exec(select(Response)).all())

    def positions(self, response_id: int) -> list[PositionRow]:
        with self._session() as s:
            return [
                PositionRow(p.id, p.heading, p.body, p.theme_slugs)
                for p in positions_of(s, response_id)
            ]

    def position(self, position_id: int) -> Position | None:
        with self._session() as s:
            return s.get(Position, position_id)

    def revisions(self, response_id: int) -> list[int]:
        with self._session() as s:
            rows = s.exec(
                select(Revision.number)
                .where(Revision.response_id == response_id)
                .order_by(col(Revision.number))
            ).all()
            return list(rows)

    def user(self, email: str) -> User | None:
        with self._session() as s:
            return s.exec(select(User).where(User.email == email)).first()

    def theme(self, slug: str) -> Theme | None:
        with self._session() as s:
            return s.exec(select(Theme).where(Theme.slug == slug)).first()

    def themes(self) -> dict[str, Theme]:
        with self._session() as s:
            return {t.slug: t for t in s.exec(select(Theme)).all()}

    def tokens(self, user_id: int) -> list[ApiToken]:
        with self._session() as s:
            return list(s.exec(select(ApiToken).where(ApiToken.user_id == user_id)).all())

    def state(self, response_id: int) -> tuple[Any, ...]:
        """Everything a save could change, to compare before and after."""
        r = self.response(response_id)
        assert r is not None
        return (
            r.title,
            r.rt_title,
            r.summary,
            r.stage,
            r.revision,
            [(p.id, p.heading, p.body, p.themes) for p in self.positions(response_id)],
            self.revisions(response_id),
        )

    def set_stage(self, response_id: int, stage: str) -> None:
        with self._session() as s:
            r = s.get(Response, response_id)
            assert r is not None
            r.stage = stage
            # As if it had walked there: the stages on the way count as reached.
            r.stages_reached = reached_on_the_way(r, stage)
            s.add(r)
            s.commit()


@pytest.fixture
def look(engine: Engine) -> Look:
    return Look(engine)


@pytest.fixture
def import_draft(session: Session) -> Callable[..., int]:
    """import_draft(owner, text=...) -> the id of a new response in draft."""

    def make(owner: Actor, text: str | None = None) -> int:
        session.rollback()
        response = import_text(session, owner, text or oep_text())
        session.commit()
        assert response.id is not None
        return response.id

    return make


@pytest.fixture
def oep(people, import_draft) -> int:  # type: ignore[no-untyped-def]
    """The demo response to the Operational Efficiency Programme, owned by the director."""
    return import_draft(people.director)


SMALL_DRAFT = """---
title: A small response
responding_to:
  title: A small consultation
  publisher: A department
workflow: socitm-policy
---

## First position

Themes: efficiency

The first text.

## Second position

Themes: climate-change

The second text.

## Third position

Themes: social-inclusion

The third text.
"""


@pytest.fixture
def small(people, import_draft) -> int:  # type: ignore[no-untyped-def]
    """A three-position response owned by the director (revision 4)."""
    return import_draft(people.director, SMALL_DRAFT)


@pytest.fixture
def api_for(api_for, session: Session):  # type: ignore[no-untyped-def]
    """The shared api_for, after ending the test session's open read transaction
    (on SQLite a stale snapshot cannot be turned into a write)."""

    def make(actor: Actor):  # type: ignore[no-untyped-def]
        session.rollback()
        return api_for(actor)

    return make
