"""Suggested edits on their own: where the wording goes in the Markdown, and when not."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from server.comments import service, suggestions
from server.drafting.responses import positions_of
from server.drafting.transfer import import_text
from server.errors import Conflict
from server.models import Comment, Position, Response
from server.rendering import comments as rendered

DRAFT = """---
title: Suggestions under test
responding_to:
  title: A consultation
workflow: socitm-policy
---

## Shared services

Themes: efficiency

Councils save money by sharing. Councils save money by sharing only with consent.

A second paragraph
about data.
"""


@pytest.fixture
def rid(session: Session, people) -> int:  # type: ignore[no-untyped-def]
    response = import_text(session, people.director, DRAFT)
    session.commit()
    return response.id or 0


def _position(session: Session, rid: int) -> Position:
    found = session.get(Position, positions_of(session, rid)[0].id)
    assert found is not None
    return found


def _suggest(session, people, rid, **kwargs) -> Comment:  # type: ignore[no-untyped-def]
    position = _position(session, rid)
    comment = service.create_comment(
        session, people.director, rid, body="", position_id=position.id, **kwargs
    )
    session.commit()
    return comment


def test_the_repeat_the_reviewer_quoted_is_the_one_replaced(session, people, rid):
    comment = _suggest(
        session,
        people,
        rid,
        quote="Councils save money by sharing",
        prefix="sharing.",
        suffix="only with consent.",
        suggestion="Councils can save by sharing",
    )
    body = suggestions.new_body(_position(session, rid), comment, None)
    assert body.startswith(
        "Councils save money by sharing. Councils can save by sharing only with consent."
    )


def test_a_passage_broken_over_lines_in_the_source_is_still_found(session, people, rid):
    comment = _suggest(
        session, people, rid, quote="second paragraph about data", suggestion="note on data"
    )
    body = suggestions.new_body(_position(session, rid), comment, None)
    assert body.endswith("A note on data.")


def test_accepting_records_the_revision_and_answers_the_thread(session, people, rid):
    comment = _suggest(
        session, people, rid, quote="only with consent", suggestion="only with people's consent"
    )
    before = session.get(Response, rid).revision  # type: ignore[union-attr]
    accepted = suggestions.accept(session, people.director, comment.id or 0)
    session.commit()
    response = session.get(Response, rid)
    assert response is not None and response.revision == before + 1
    assert accepted.applied_revision == response.revision == accepted.answered_revision
    assert accepted.disposition == "accepted" and accepted.status == "resolved"
    assert "only with people's consent." in _position(session, rid).body


def test_a_reworded_passage_is_left_to_the_director(session, people, rid):
    comment = _suggest(session, people, rid, quote="only with consent", suggestion="with consent")
    position = _position(session, rid)
    position.body = position.body.replace("only with consent", "only where people agree")
    with pytest.raises(Conflict, match="no longer in the text"):
        suggestions.new_body(position, comment, None)


def test_every_comment_write_moves_the_page_stamp(session, people, rid):
    response = session.get(Response, rid)
    assert response is not None
    stamps = {rendered.stamp(response)}
    comment = service.create_comment(session, people.director, rid, body="One")
    stamps.add(rendered.stamp(response))
    service.edit_comment(session, people.director, comment.id or 0, "One, edited")
    stamps.add(rendered.stamp(response))
    service.answer_comment(
        session, people.director, comment.id or 0, service.Answer(disposition="noted")
    )
    stamps.add(rendered.stamp(response))
    session.commit()
    assert len(stamps) == 4
