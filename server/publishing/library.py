"""The members' library: the newest version of every briefing, searched and filtered.

Search is full-text over the title and positions stored at publication: SQLite's
FTS5 with the Porter stemmer, PostgreSQL's English text search (migration 0007).
Every word must match; "councils" finds "council"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, text
from sqlmodel import Session, col, select

from ..models import Publication

MAX_WORDS = 8
PAGE = 100


@dataclass
class Briefing:
    """One entry in the library: a response's newest publication."""

    publication: Publication
    first_published: Any

    @property
    def response_id(self) -> int:
        return self.publication.response_id

    @property
    def themes(self) -> list[dict[str, Any]]:
        return list(self.publication.snapshot.get("themes", []))


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _words(query: str) -> list[str]:
    # Letters and digits only: the engines' query syntax never sees user punctuation.
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def _matches(session: Session, words: list[str]) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        fts_query = " ".join(f'"{w}"*' for w in words)
        ids = text("SELECT rowid FROM publication_fts WHERE publication_fts MATCH :q")
        return col(Publication.id).in_(ids.bindparams(q=fts_query))
    vector = func.to_tsvector("english", col(Publication.search_text))
    return vector.op("@@")(func.plainto_tsquery("english", " ".join(words)))


def search(session: Session, *, query: str = "", theme: str = "") -> list[Briefing]:
    """Newest first; every word of the query must occur in the title or a position."""
    newest = (
        select(
            col(Publication.response_id).label("rid"),
            func.max(Publication.version).label("v"),
            func.min(Publication.published_at).label("first"),
        )
        .group_by(col(Publication.response_id))
        .subquery()
    )
    stmt = select(Publication, newest.c.first).join(
        newest,
        and_(col(Publication.response_id) == newest.c.rid, col(Publication.version) == newest.c.v),
    )
    words = _words(query)
    if words:
        stmt = stmt.where(_matches(session, words))
    if theme:
        stmt = stmt.where(col(Publication.theme_slugs).like(_like(f",{theme},"), escape="\\"))
    stmt = stmt.order_by(col(Publication.published_at).desc()).limit(PAGE)
    return [Briefing(p, first) for p, first in session.exec(stmt).all()]


def recent(session: Session, limit: int = 50) -> list[Publication]:
    """Every version as it was published, newest first: what the Atom feed announces."""
    stmt = select(Publication).order_by(col(Publication.published_at).desc()).limit(limit)
    return list(session.exec(stmt).all())


@dataclass
class ThemedPosition:
    """A published position on one theme, with the briefing it belongs to."""

    briefing: Briefing
    number: int
    heading: str
    body_html: str


def positions_on_theme(session: Session, slug: str) -> list[ThemedPosition]:
    """Every position on the theme in the newest version of each briefing: the body's
    policy library for that agenda, newest briefings first."""
    found: list[ThemedPosition] = []
    for briefing in search(session, theme=slug):
        for position in briefing.publication.snapshot.get("positions", []):
            if slug in position.get("themes", []):
                found.append(
                    ThemedPosition(
                        briefing, position["number"], position["heading"], position["body_html"]
                    )
                )
    return found
