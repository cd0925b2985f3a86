"""Comments arranged for reading: threads per position and per consultation question,
where each quote sits now, and the open counts per position, theme and stage. A few
queries, whatever the size."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from ..accounts.users import Actor
from ..cache import ByteCache, text_bytes
from ..drafting.access import is_owner_or_admin
from ..drafting.question_links import QuestionView, questions_of
from ..drafting.responses import PositionView
from ..models import Comment, CommentStatus, Disposition, Response, User
from ..workflow.registry import workflow_for
from . import access, anchors

GENERAL = "general"


def is_open(comment: Comment) -> bool:
    """A thread still waiting for the owner's answer (what the gate and counts use)."""
    return (
        comment.parent_id is None
        and comment.status == CommentStatus.OPEN
        and not comment.disposition
        and not comment.deleted
        and not comment.hidden
    )


def outcome(c: Comment) -> str:
    """What the owner's answer did to the text, in words, for the thread and the report:
    the revision that took the suggested wording in, that it was accepted with the text
    as it stood, or the revision it was answered in; "" while unanswered."""
    if not c.disposition:
        return ""
    if c.applied_revision:
        return f"Suggested wording put in the text in revision {c.applied_revision}"
    unchanged = c.answered_revision is not None and c.answered_revision <= c.revision
    if unchanged and c.disposition in (Disposition.ACCEPTED, Disposition.PARTLY):
        return f"{Disposition.LABELS[c.disposition]}, no change to the text"
    if c.answered_revision:
        return f"Answered in revision {c.answered_revision}"
    return ""


@dataclass
class Item:
    comment: Comment
    author: str
    author_active: bool = True  # False once an admin deactivated the author's account
    found: anchors.Found | None = None
    moved_from: PositionView | None = None  # the position it was made on, if it moved
    replies: list[Item] = field(default_factory=list)
    mark: str = ""  # id of the <mark> of its passage in the page's text, once drawn

    @property
    def open(self) -> bool:
        return is_open(self.comment)

    @property
    def state(self) -> str:
        return self.found.state if self.found else ""

    @property
    def state_label(self) -> str:
        return anchors.LABELS.get(self.state, "")

    @property
    def disposition_label(self) -> str:
        return Disposition.LABELS.get(self.comment.disposition, "")

    @property
    def outcome(self) -> str:
        return outcome(self.comment)


@dataclass
class Section:
    key: str  # "p<id>" for a position, "q<ref>" for a question, GENERAL for the rest
    position: PositionView | None
    threads: list[Item] = field(default_factory=list)
    question: QuestionView | None = None

    @property
    def open_count(self) -> int:
        return sum(1 for t in self.threads if t.open)


@dataclass
class Board:
    response: Response
    sections: dict[int, Section]
    general: Section
    can_write: bool
    can_answer: bool
    can_moderate: bool
    by_theme: list[tuple[str, int]]
    by_stage: list[tuple[str, int]]
    # Threads on the consultation's questions, by ref, in the questions' order.
    questions: dict[str, Section] = field(default_factory=dict)

    @property
    def open_count(self) -> int:
        return sum(s.open_count for s in self.every_section())

    def every_section(self) -> list[Section]:
        """In document order: the positions, the questions, then the whole response."""
        return [*self.sections.values(), *self.questions.values(), self.general]

    def section(self, key: str) -> Section:
        if key.startswith("p") and key[1:].isdigit() and int(key[1:]) in self.sections:
            return self.sections[int(key[1:])]
        if key.startswith("q") and key[1:] in self.questions:
            return self.questions[key[1:]]
        return self.general


# Where each quote sits in which texts, kept by content (so never stale), bounded in
# bytes; create_app sizes it from the settings.
LOCATIONS: ByteCache[anchors.Found] = ByteCache(16 * 1024 * 1024, ttl=math.inf)


@dataclass(frozen=True)
class Texts:
    """The response's positions as plain text, with a digest that names them."""

    by_position: dict[int, str]
    digest: str

    @classmethod
    def of(cls, positions: list[PositionView]) -> Texts:
        texts = {p.id: anchors.plain_text(p.body) for p in positions}
        digest = hashlib.sha256()
        for pid, text in texts.items():
            digest.update(f"{pid}:{len(text)}:".encode())
            digest.update(text.encode())
        return cls(texts, digest.hexdigest())


def _locate(quote: str, prefix: str, suffix: str, home: int | None, texts: Texts) -> anchors.Found:
    # Kept under the texts' digest: a page view re-anchors only what changed since the last.
    return LOCATIONS.get_or_make(
        (quote, prefix, suffix, home, texts.digest),
        lambda: anchors.locate(quote, prefix, suffix, home, texts.by_position),
        lambda found: text_bytes(quote, prefix, suffix, texts.digest, found.passage),
    )


def anchor_text(comment: Comment) -> str:
    """The words a comment is anchored to now: its quote, or - once its suggestion
    was accepted into a revision - the wording that replaced the quote, so the
    thread stays on its own position instead of following the old words elsewhere."""
    if comment.quote and comment.suggestion and comment.applied_revision:
        return anchors.plain_text(comment.suggestion) or comment.quote
    return comment.quote


def load(session: Session, response_id: int) -> list[tuple[Comment, str, bool]]:
    """Every comment of the response with its author's name and whether their account
    is active, oldest first: one query."""
    rows = session.exec(
        select(Comment, User.name, User.active)
        .join(User, col(User.id) == Comment.author_id)
        .where(Comment.response_id == response_id)
        .order_by(col(Comment.created_at), col(Comment.id))
    ).all()
    return [(c, name, active) for c, name, active in rows]


def build(
    session: Session, actor: Actor, response: Response, positions: list[PositionView]
) -> Board | None:
    """The comments as the response page shows them to this person; None if they may not."""
    if not access.can_read(actor, response):
        return None
    assert response.id is not None
    rows = load(session, response.id)
    can_write = access.can_write(actor, response)
    by_id = {p.id: p for p in positions}
    texts = Texts.of(positions)
    sections = {p.id: Section(f"p{p.id}", p) for p in positions}
    questions = {
        q.ref: Section(f"q{q.ref}", None, question=q) for q in questions_of(session, response.id)
    }
    general = Section(GENERAL, None)
    items: dict[int, Item] = {}
    for comment, name, active in rows:
        item = Item(comment, name, active)
        items[comment.id or 0] = item
        if comment.parent_id is not None and comment.parent_id in items:
            parent = items[comment.parent_id]
            parent.replies.append(item)
            continue
        if comment.question_ref:
            # On a question: its own section, or, once the question is removed, the
            # whole response's (the thread still names the question it was on).
            questions.get(comment.question_ref, general).threads.append(item)
            continue
        home = comment.position_id
        target = home
        if comment.quote:
            item.found = _locate(anchor_text(comment), comment.prefix, comment.suffix, home, texts)
            target = item.found.position_id
            if target != home and home in by_id:
                item.moved_from = by_id[home]
        section = sections.get(target) if target is not None else None
        (section or general).threads.append(item)
    return Board(
        response=response,
        sections=sections,
        general=general,
        can_write=can_write,
        can_answer=is_owner_or_admin(actor, response),
        can_moderate=actor.is_admin,
        by_theme=_by_theme(sections.values()),
        by_stage=_by_stage(response, (i.comment for i in items.values())),
        questions=questions,
    )


def _by_theme(sections: Iterable[Section]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for section in sections:
        if section.position is None or not section.open_count:
            continue
        for theme in section.position.themes:
            counts[theme.slug] += section.open_count
            names[theme.slug] = theme.name
    return [(names[slug], n) for slug, n in counts.most_common()]


def _by_stage(response: Response, comments: Iterable[Comment]) -> list[tuple[str, int]]:
    workflow = workflow_for(response)
    counts = Counter(c.stage for c in comments if is_open(c))
    return [(workflow.label(stage), counts[stage]) for stage in workflow.stages if counts[stage]]


def open_count(session: Session, response_id: int) -> int:
    """Threads still waiting for an answer (the no-unresolved-comments gate); the
    same rule as is_open, in one counting query."""
    return session.exec(
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.response_id == response_id,
            col(Comment.parent_id).is_(None),
            Comment.status == CommentStatus.OPEN,
            Comment.disposition == "",
            col(Comment.deleted).is_(False),
            col(Comment.hidden).is_(False),
        )
    ).one()


def flat(board: Board) -> list[Item]:
    """Every comment of the board, replies included, oldest first."""
    everything: list[Item] = []
    for section in board.every_section():
        for thread in section.threads:
            everything.append(thread)
            everything.extend(thread.replies)
    return sorted(everything, key=lambda i: (i.comment.created_at, i.comment.id or 0))


def shown_body(item: Item, actor: Actor) -> str:
    """The text a reader is given: nothing of a withdrawn comment, and a hidden one's
    only to admins (who keep the record)."""
    if item.comment.deleted or (item.comment.hidden and not actor.is_admin):
        return ""
    return item.comment.body


def single(session: Session, comment: Comment, positions: list[PositionView]) -> Item:
    """One comment with its author and anchor, without building the whole board."""
    author = session.get(User, comment.author_id)
    item = Item(comment, author.name if author else "", author.active if author else False)
    if comment.quote and comment.parent_id is None:
        texts = Texts.of(positions)
        item.found = _locate(
            anchor_text(comment), comment.prefix, comment.suffix, comment.position_id, texts
        )
    return item
