"""The response page's document - theme coverage, positions, comment threads - as
HTML built once per change and shared by everyone who sees it the same way.

With 60 positions and 500 comments this part is nearly all of the page. It
depends on the response's text, stage and page serial (rendered.stamp: the serial
moves with every write to what the page shows, themes and names included), the
rendered comments it holds, and what kind of reader is looking (may they comment,
answer, moderate, edit) - so that is the cache key. The only personal parts are
filled in when the page is sent: the CSRF token of the owner's move buttons (a
placeholder here) and the edit links on the reader's own comments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from ..accounts.users import Actor
from ..cache import text_bytes
from ..drafting import access
from ..drafting.coverage import coverage
from ..drafting.question_links import refs_by_position
from ..drafting.responses import PositionView, positions_of
from ..models import Response, Theme
from . import comments as rendered
from .templates import templates

# Stands in for the CSRF token in HTML built to be shared; filled in when it is sent.
# An HTML comment: everything people write is escaped or rendered with raw HTML off,
# so no text of theirs can ever produce this marker and be swapped for a token.
CSRF_SLOT = Markup("<!--csrf-->")


@dataclass
class RenderedDocument:
    coverage: str
    positions: str
    made_at: float

    @property
    def size(self) -> int:
        return text_bytes(self.coverage, self.positions)


@dataclass
class Document:
    """What the page template shows, personalised for one request."""

    coverage: Markup
    positions: Markup
    board: rendered.RenderedBoard | None
    # The comment threads on each consultation question, by ref ("q3b" -> its section).
    question_threads: dict[str, Markup] = field(default_factory=dict)


def _themes_key(themes: list[Theme]) -> tuple[Any, ...]:
    return tuple((t.id, t.slug, t.name, t.core, t.retired) for t in themes)


def document_for(
    caches: Any,
    session: Session,
    actor: Actor,
    response: Response,
    themes: list[Theme],
    csrf_token: str,
) -> Document:
    """The document part of the response page for this person (caches: app.state)."""
    loaded: list[list[PositionView]] = []

    def positions() -> list[PositionView]:
        if not loaded:  # at most once, and only when something has to be built
            loaded.append(positions_of(session, response.id or 0))
        return loaded[0]

    board = rendered.board_for(caches.board_cache, session, actor, response, positions)
    can_edit = access.can_edit(actor, response)
    key = (
        response.id,
        rendered.stamp(response),
        rendered.reader_of(actor, response),
        can_edit,
        _themes_key(themes),
        # The board is part of this HTML: a rebuilt board means a rebuilt document.
        board.made_at if board else None,
    )
    found = caches.document_cache.get(key)
    if found is None:
        answers = refs_by_position(session, response.id or 0)
        found = _build(response, positions(), themes, board, can_edit, answers)
        caches.document_cache.put(key, found, found.size)
    own = rendered.own_changeable(board, actor, response) if board else frozenset()
    html = found.positions
    if can_edit and csrf_token != CSRF_SLOT:
        html = html.replace(CSRF_SLOT, csrf_token)
    return Document(
        coverage=Markup(found.coverage),  # noqa: S704  (our autoescaping templates)
        positions=rendered.personal(html, own),
        board=board,
        question_threads={
            key[1:]: rendered.personal(section, own)
            for key, section in (board.sections.items() if board else ())
            if key.startswith("q")
        },
    )


def _build(
    response: Response,
    positions: list[PositionView],
    themes: list[Theme],
    board: rendered.RenderedBoard | None,
    can_edit: bool,
    answers: dict[int, list[str]] | None = None,
) -> RenderedDocument:
    context = {
        "answers": answers or {},
        "response": response,
        "positions": positions,
        "board": board,
        "can_edit": can_edit,
        "csrf_token": CSRF_SLOT,
        "coverage": coverage(positions, themes),
    }
    return RenderedDocument(
        coverage=templates.get_template("responses/_coverage.html").render(context),
        positions=templates.get_template("responses/_positions.html").render(context),
        made_at=time.monotonic(),
    )
