"""The comments service on its own: threads, anchors on the page, answers, the gate."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import Session

from server.comments import report, service, threads
from server.comments.service import Answer
from server.drafting import editing
from server.drafting.responses import positions_of
from server.drafting.transfer import import_text
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.models import Response
from server.workflow import gates
from tests.conftest import reached_on_the_way

DRAFT = """---
title: Comments under test
responding_to:
  title: A consultation
workflow: socitm-policy
---

## Shared services

Themes: efficiency

Councils save money by sharing. Councils save money by sharing only with consent.

A second paragraph about data.

## Green IT

Themes: climate-change, social-inclusion

Data centres waste power.
"""


@pytest.fixture
def rid(session: Session, people) -> int:  # type: ignore[no-untyped-def]
    response = import_text(session, people.director, DRAFT)
    session.commit()
    assert response.id is not None
    return response.id


def _stage(session: Session, rid: int, stage: str) -> None:
    response = session.get(Response, rid)
    assert response is not None
    response.stage = stage
    # As if it had walked there: the stages on the way count as reached.
    response.stages_reached = reached_on_the_way(response, stage)
    session.add(response)
    session.commit()


def _board(session: Session, actor, rid: int) -> threads.Board:  # type: ignore[no-untyped-def]
    response = session.get(Response, rid)
    assert response is not None
    board = threads.build(session, actor, response, positions_of(session, rid))
    assert board is not None
    return board


def test_the_context_words_are_stored_and_choose_the_second_repeat(session, people, rid):
    first = positions_of(session, rid)[0]
    comment = service.create_comment(
        session,
        people.director,
        rid,
        body="Which one?",
        position_id=first.id,
        quote="Councils save money by sharing",
        prefix="by sharing.",
        suffix="only with consent.",
    )
    assert comment.prefix == "Councils save money by sharing."
    assert comment.suffix.startswith("only with consent.")
    found = _board(session, people.director, rid).sections[first.id].threads[0].found
    assert found is not None and found.start > 0


def test_a_reply_to_a_reply_joins_the_first_comment_s_thread(session, people, rid):
    _stage(session, rid, "futures-review")
    root = service.create_comment(session, people.futures, rid, body="Root")
    reply = service.create_comment(session, people.director, rid, body="R1", parent_id=root.id)
    deeper = service.create_comment(session, people.futures, rid, body="R2", parent_id=reply.id)
    assert (reply.parent_id, deeper.parent_id) == (root.id, root.id)
    board = _board(session, people.director, rid)
    assert [r.comment.body for r in board.general.threads[0].replies] == ["R1", "R2"]


def test_markup_is_rendered_safely_once_at_save(session, people, rid):
    comment = service.create_comment(session, people.director, rid, body="<b>hi</b> *there*")
    assert comment.body_html == "<p>&lt;b&gt;hi&lt;/b&gt; <em>there</em></p>\n"


def test_only_the_author_edits_and_only_while_the_thread_is_open(session, people, rid):
    _stage(session, rid, "futures-review")
    comment = service.create_comment(session, people.futures, rid, body="Draft thought")
    with pytest.raises(Forbidden):
        service.edit_comment(session, people.director, comment.id, "Hijacked")
    edited = service.edit_comment(session, people.futures, comment.id, "Better thought")
    assert edited.edited_at is not None and "Better thought" in edited.body_html
    service.answer_comment(session, people.director, comment.id, Answer(disposition="noted"))
    with pytest.raises(Conflict):
        service.edit_comment(session, people.futures, comment.id, "Too late")
    with pytest.raises(Conflict):
        service.delete_comment(session, people.futures, comment.id)


def test_a_reviewer_loses_write_access_when_the_stage_moves_on(session, people, rid):
    _stage(session, rid, "futures-review")
    comment = service.create_comment(session, people.futures, rid, body="Mine")
    _stage(session, rid, "council-review")
    with pytest.raises(Forbidden):
        service.edit_comment(session, people.futures, comment.id, "Still mine?")
    with pytest.raises(Forbidden):
        service.create_comment(session, people.futures, rid, body="Another")


def test_a_plain_member_is_told_nothing_exists(session, people, rid):
    comment = service.create_comment(session, people.director, rid, body="Internal")
    with pytest.raises(NotFound):
        service.visible_comment(session, people.member, comment.id)
    with pytest.raises(NotFound):
        service.create_comment(session, people.member, rid, body="Hello")


def test_a_disposition_records_who_when_and_the_revision(session, people, rid):
    comment = service.create_comment(session, people.director, rid, body="Note to self")
    answered = service.answer_comment(
        session, people.admin, comment.id, Answer(disposition="accepted", disposition_note="ok")
    )
    assert (answered.status, answered.disposed_by, answered.answered_revision) == (
        "resolved",
        people.admin.id,
        3,
    )
    with pytest.raises(Invalid):
        service.answer_comment(session, people.admin, comment.id, Answer())


def test_the_gate_counts_open_first_comments_without_a_disposition(session, people, rid):
    def reasons() -> list[str]:
        response = session.get(Response, rid)
        assert response is not None
        return gates.failed(session, response, ["no-unresolved-comments"])

    assert reasons() == []
    first = service.create_comment(session, people.director, rid, body="One")
    service.create_comment(session, people.director, rid, body="Reply", parent_id=first.id)
    second = service.create_comment(session, people.director, rid, body="Two")
    withdrawn = service.create_comment(session, people.director, rid, body="Gone")
    service.delete_comment(session, people.director, withdrawn.id)
    assert reasons() == ["2 comment threads are still open: answer each with a disposition first"]
    service.answer_comment(session, people.director, first.id, Answer(disposition="noted"))
    service.answer_comment(session, people.director, second.id, Answer(status="resolved"))
    assert reasons() == []


def test_a_redraft_moves_the_thread_to_where_its_passage_went(session, people, rid):
    first, second = positions_of(session, rid)
    service.create_comment(
        session,
        people.director,
        rid,
        body="On data",
        position_id=first.id,
        quote="A second paragraph about data.",
    )
    service.create_comment(
        session,
        people.director,
        rid,
        body="On sharing",
        position_id=first.id,
        quote="Councils save money by sharing.",
    )
    session.commit()
    editing.update_position(
        session,
        people.director,
        rid,
        first.id,
        heading=first.heading,
        body="Councils save a lot by sharing.",
        themes_refs=["efficiency"],
        base_revision=3,
    )
    editing.update_position(
        session,
        people.director,
        rid,
        second.id,
        heading=second.heading,
        body="Data centres waste power.\n\nA second paragraph about data.",
        themes_refs=["climate-change"],
        base_revision=4,
    )
    board = _board(session, people.director, rid)
    moved = board.sections[second.id].threads[0]
    assert (moved.state, moved.moved_from.id if moved.moved_from else None) == (
        "attached",
        first.id,
    )
    changed = board.sections[first.id].threads[0]
    assert changed.state == "changed" and changed.found.passage == "Councils save a lot by sharing."


def test_comments_on_a_deleted_position_stay_on_the_page_as_outdated(session, people, rid):
    first, second = positions_of(session, rid)
    service.create_comment(
        session,
        people.director,
        rid,
        body="Keep me",
        position_id=second.id,
        quote="Data centres waste power.",
    )
    service.create_comment(session, people.director, rid, body="Plain", position_id=second.id)
    session.commit()
    editing.delete_position(session, people.director, rid, second.id, 3)
    board = _board(session, people.director, rid)
    assert [(t.comment.body, t.state) for t in board.general.threads] == [
        ("Keep me", "outdated"),
        ("Plain", ""),
    ]
    rows = report.rows(board, str)
    assert [r.position_heading for r in rows] == ["The whole response"] * 2


def test_open_counts_per_theme_add_up_over_the_positions(session, people, rid):
    first, second = positions_of(session, rid)
    for pid in (first.id, second.id, second.id):
        service.create_comment(session, people.director, rid, body="x", position_id=pid)
    board = _board(session, people.director, rid)
    assert board.open_count == 3
    assert dict(board.by_theme) == {"Efficiency": 1, "Climate change": 2, "Social inclusion": 2}
    assert board.by_stage == [("Draft", 3)]


def test_the_page_s_comments_take_a_fixed_number_of_queries(session, people, rid):
    positions = positions_of(session, rid)
    response = session.get(Response, rid)

    def count_queries(comments: int) -> int:
        for n in range(comments):
            service.create_comment(
                session,
                people.director,
                rid,
                body=f"c{n}",
                position_id=positions[n % 2].id,
                quote="Data centres waste power." if n % 2 else "",
            )
        session.commit()
        seen: list[str] = []

        def log(*args: object) -> None:
            seen.append(str(args[2]))

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", log)
        try:
            threads.build(session, people.director, response, positions)
        finally:
            event.remove(engine, "before_cursor_execute", log)
        return len(seen)

    assert count_queries(2) == count_queries(50)


def test_spreadsheet_formulas_are_defused_in_the_csv(session, people, rid):
    service.create_comment(session, people.director, rid, body="=1+2")
    csv_text = report.as_csv(report.rows(_board(session, people.director, rid), str))
    assert "'=1+2" in csv_text
