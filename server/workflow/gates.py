"""Gates: conditions checked before a transition, each giving every reason it fails."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlmodel import Session

from ..comments.threads import open_count
from ..drafting.coverage import coverage
from ..drafting.question_links import answer_words, questions_of
from ..drafting.responses import PositionView, positions_of
from ..models import Response
from ..publishing.snapshot import build_snapshot
from ..themes.service import list_themes
from . import render_check


def _every_position_themed(
    session: Session, response: Response, positions: list[PositionView]
) -> list[str]:
    if not positions:
        return ["the response has no positions yet"]
    return [f"position {p.number} “{p.heading}” has no theme" for p in positions if not p.themes]


def _core_themes_covered(
    session: Session, response: Response, positions: list[PositionView]
) -> list[str]:
    found = coverage(positions, list_themes(session))
    return [f"no position covers the core theme {t.name}" for t in found.uncovered_core]


def _no_unresolved_comments(
    session: Session, response: Response, positions: list[PositionView]
) -> list[str]:
    assert response.id is not None
    count = open_count(session, response.id)
    if not count:
        return []
    threads = "comment thread is" if count == 1 else "comment threads are"
    return [f"{count} {threads} still open: answer each with a disposition first"]


def _briefing_renders(
    session: Session, response: Response, positions: list[PositionView]
) -> list[str]:
    # Slow (it runs the converters): workflow/service.py evaluates it from a
    # snapshot outside any write transaction, and skips it here.
    # The body's name is the only setting in a snapshot, and it never decides
    # whether a briefing renders.
    snapshot = build_snapshot(session, response, "")
    return render_check.briefing_problems(snapshot)


def _all_questions_answered(
    session: Session, response: Response, positions: list[PositionView]
) -> list[str]:
    """Each question answered by a position or set aside with a reason, within its limit."""
    assert response.id is not None
    bodies = {p.id: p.body for p in positions}
    reasons: list[str] = []
    for question in questions_of(session, response.id):
        if not question.answered:
            reasons.append(
                f"question {question.ref} has no answering position and no reason for "
                "leaving it unanswered"
            )
        elif question.word_limit and question.positions:
            words = answer_words(question, bodies)
            if words > question.word_limit:
                reasons.append(
                    f"the answer to question {question.ref} has {words:,} words; "
                    f"its limit is {question.word_limit:,}"
                )
    return reasons


GATES: dict[str, Callable[[Session, Response, list[PositionView]], list[str]]] = {
    "every-position-themed": _every_position_themed,
    "core-themes-covered": _core_themes_covered,
    "no-unresolved-comments": _no_unresolved_comments,
    "briefing-renders": _briefing_renders,
    "all-questions-answered": _all_questions_answered,
}
# Gates that must never run inside a write transaction.
SLOW = frozenset({"briefing-renders"})


def failed(session: Session, response: Response, names: Sequence[str]) -> list[str]:
    if not names:
        return []
    assert response.id is not None
    positions = positions_of(session, response.id)
    reasons: list[str] = []
    for name in names:
        reasons.extend(GATES[name](session, response, positions))
    return reasons
