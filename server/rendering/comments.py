"""The response page's comments as HTML, built once and shared until one changes.

A response with 60 positions and 500 comments is mostly comment threads. Their
HTML depends on the comments, the response's text and stage, and three facts
about the reader (may they write, answer, moderate) - not on who exactly they
are - so it is rendered once per (response, revision, stage, page serial, reader
kind) and kept in memory. Every write to what the threads show - a comment, an
answer, an author's name, a theme - bumps the response's page serial in the same
transaction (server/freshness.py), so a stale copy is never served.

Nothing personal is in the shared HTML: no forms and no CSRF tokens (forms are
fetched on demand), and the few per-person bits - a link to edit your own
comment, the notice after you post - are marked with HTML comments and filled
in by `personal()` when the page is sent.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlmodel import Session

from ..accounts.users import Actor
from ..cache import ByteCache, text_bytes
from ..comments import access, anchors, highlights, threads
from ..drafting.access import can_edit, is_owner_or_admin
from ..drafting.responses import PositionView
from ..models import Response
from .templates import templates

NOTICE_MARK = "<!--notice-->"
_OWN_MARK = re.compile(r"<!--own:(\d+):(\d+)-->")


@dataclass(frozen=True)
class Reader:
    """What the shared HTML may depend on about the person reading it."""

    can_write: bool
    can_answer: bool
    can_moderate: bool
    can_edit_text: bool = False  # owner or admin while drafting: may accept a suggestion


@dataclass
class RenderedBoard:
    sections: dict[str, str]  # section key -> <section> HTML
    etags: dict[str, str]  # section key -> a tag of that HTML, for live refresh
    bodies: dict[int, str]  # position id -> its text with a comment link per paragraph
    counts: str  # the open-count summary
    open_count: int
    made_at: float  # when it was built: a document built on an older board is rebuilt
    summary: str = ""  # the open threads, for beside the reviewer's decision
    # author id -> their comments still on show (not withdrawn, not hidden): who gets
    # an edit link, known from the comments just rendered, so no query per view.
    own: dict[int, frozenset[int]] = field(default_factory=dict)
    # Open threads in the order the page shows them: where "Next open thread" goes.
    open_ids: tuple[int, ...] = ()

    @property
    def size(self) -> int:
        """The memory its HTML takes (what the cache's bound counts)."""
        return text_bytes(*self.sections.values(), *self.bodies.values(), self.counts, self.summary)


def reader_of(actor: Actor, response: Response) -> Reader | None:
    if not access.can_read(actor, response):
        return None
    return Reader(
        can_write=access.can_write(actor, response),
        can_answer=is_owner_or_admin(actor, response),
        can_moderate=actor.is_admin,
        can_edit_text=can_edit(actor, response),
    )


def stamp(response: Response) -> str:
    """Changes whenever anything the comments show may have changed."""
    return f"{response.revision}.{response.stage}.{response.comment_serial}"


BoardCache = ByteCache[RenderedBoard]


def board_for(
    cache: BoardCache,
    session: Session,
    actor: Actor,
    response: Response,
    positions: Callable[[], list[PositionView]],
) -> RenderedBoard | None:
    """The rendered comments for this reader, from the cache or built now; None if
    they may not read comments. `positions` is only called when building."""
    reader = reader_of(actor, response)
    if reader is None:
        return None
    key = (response.id, stamp(response), reader)
    found = cache.get(key)
    if found is None:
        found = _build(session, actor, response, positions(), reader)
        cache.put(key, found, found.size)
    return found


def _etag(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:32]


def _build(
    session: Session,
    actor: Actor,
    response: Response,
    positions: list[PositionView],
    reader: Reader,
) -> RenderedBoard:
    board = threads.build(session, actor, response, positions)
    assert board is not None
    context = {"board": board, "response": response, "reader": reader}
    # The text first: drawing the passages tells each thread the id of its highlight.
    body_template = templates.get_template("comments/_body.html")
    bodies = {
        p.id: body_template.render(
            context, position=p, blocks=_highlighted(p, board.sections[p.id]).blocks
        )
        for p in positions
    }
    section_template = templates.get_template("comments/_section.html")
    sections: dict[str, str] = {}
    etags: dict[str, str] = {}
    for section in board.every_section():
        html = section_template.render(context, section=section)
        # The section carries a tag of its own HTML, for its next conditional GET.
        etags[section.key] = _etag(html)
        sections[section.key] = html.replace(
            'data-etag="%ETAG%"', f'data-etag="{etags[section.key]}"', 1
        )
    flat = threads.flat(board)
    total = sum(1 for item in flat if not item.comment.deleted)
    counts = templates.get_template("comments/_counts.html").render(context, comment_total=total)
    summary = templates.get_template("comments/_open_summary.html").render(context)
    return RenderedBoard(
        sections=sections,
        etags=etags,
        bodies=bodies,
        counts=counts,
        open_count=board.open_count,
        made_at=time.monotonic(),
        summary=summary,
        own=_own_by_author(flat),
        open_ids=tuple(
            t.comment.id or 0
            for section in [*board.sections.values(), board.general]
            for t in section.threads
            if t.open
        ),
    )


def _highlighted(position: PositionView, section: threads.Section) -> highlights.Highlighted:
    """The position's text with the passages of its shown threads highlighted; each
    thread drawn learns the id of its first <mark>, for its link to the text."""
    marks = [
        highlights.Mark(t.found.start, t.found.end, t.comment.id or 0, t.open)
        for t in section.threads
        if t.found is not None
        and t.found.position_id == position.id
        and t.state in (anchors.ATTACHED, anchors.CHANGED)
        and not (t.comment.deleted and not t.replies)
    ]
    drawn = highlights.highlight(position.body, f"p{position.id}", marks)
    for t in section.threads:
        t.mark = drawn.target(t.comment.id or 0)
    return drawn


def _own_by_author(items: list[threads.Item]) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = {}
    for item in items:
        comment = item.comment
        if comment.id is not None and not comment.deleted and not comment.hidden:
            found.setdefault(comment.author_id, set()).add(comment.id)
    return {author: frozenset(ids) for author, ids in found.items()}


def own_changeable(board: RenderedBoard, actor: Actor, response: Response) -> frozenset[int]:
    """Ids of this person's comments still on show. The shared HTML marks only
    comments whose thread is open, so those are the ones that get an edit link; the
    edit itself checks everything again."""
    if not access.can_write(actor, response):
        return frozenset()
    return board.own.get(actor.id, frozenset())


def personal(html: str, own: frozenset[int], notice: str = "") -> Markup:
    """The shared HTML with this person's edit links and notice filled in."""
    if own and "<!--own:" in html:

        def link(match: re.Match[str]) -> str:
            comment_id, thread_id = int(match[1]), int(match[2])
            if comment_id not in own:
                return ""
            return (
                f'<a class="govuk-link tbl-own-link" href="/comments/{comment_id}/edit" '
                f'hx-get="/comments/{comment_id}/edit" hx-target="#actions-{thread_id}" '
                f'hx-swap="innerHTML">Edit or delete<span class="govuk-visually-hidden"> '
                f"your comment</span></a>"
            )

        html = _OWN_MARK.sub(link, html)
    if notice:
        html = html.replace(
            NOTICE_MARK,
            '<p class="govuk-body tbl-comment-notice" role="status" tabindex="-1" '
            f"data-focus>{escape(notice)}</p>",
            1,
        )
    return Markup(html)  # noqa: S704  (rendered by our autoescaping templates)
