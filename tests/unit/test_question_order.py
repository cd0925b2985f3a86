"""Moving and reordering a response's questions: one revision each, stale saves refused."""

import pytest

from server.drafting import editing, question_store, revisions
from server.drafting.question_links import question_rows
from server.drafting.responses import ResponseInput, get_response
from server.errors import Forbidden, Invalid, NotFound, StaleRevision

BLOCK = "Question 1: First?\nQuestion 2: Second?\nQuestion 3: Third?"


def _with_questions(session, actor):
    response = editing.create_response(
        session, actor, ResponseInput(title="Our response", rt_title="A consultation")
    )
    question_store.add_block(session, actor, response.id, BLOCK, response.revision)
    session.commit()
    return response.id


def _refs(session, rid):
    return [q.ref for q in question_rows(session, rid)]


def _revision(session, rid):
    return get_response(session, rid).revision


def test_moving_a_question_down_swaps_it_with_the_next_as_a_new_revision(session, people):
    rid = _with_questions(session, people.director)
    before = _revision(session, rid)
    question_store.move_question(session, people.director, rid, "1", 1, before)
    session.commit()
    assert _refs(session, rid) == ["2", "1", "3"]
    latest = revisions.history(session, rid)[0].revision
    assert latest.number == before + 1
    assert latest.description == "Moved question 1 down"
    assert [q["ref"] for q in latest.snapshot["questions"]] == ["2", "1", "3"]


def test_the_first_question_cannot_move_up(session, people):
    rid = _with_questions(session, people.director)
    with pytest.raises(Invalid, match="cannot move further"):
        question_store.move_question(
            session, people.director, rid, "1", -1, _revision(session, rid)
        )


def test_a_stale_move_is_refused_and_changes_nothing(session, people):
    rid = _with_questions(session, people.director)
    stale = _revision(session, rid) - 1
    with pytest.raises(StaleRevision):
        question_store.move_question(session, people.director, rid, "3", -1, stale)
    session.rollback()
    assert _refs(session, rid) == ["1", "2", "3"]


def test_a_whole_new_order_must_name_every_question_once(session, people):
    rid = _with_questions(session, people.director)
    base = _revision(session, rid)
    for order, reason in [
        (["3", "1"], "missing: 2"),
        (["3", "1", "1"], "named twice: 1"),
        (["3", "1", "9"], "no question 9"),
    ]:
        with pytest.raises(Invalid, match=reason):
            question_store.reorder_questions(session, people.director, rid, order, base)
        session.rollback()
    question_store.reorder_questions(session, people.director, rid, ["Q3", "1", "2"], base)
    session.commit()
    assert _refs(session, rid) == ["3", "1", "2"]


def test_restoring_an_older_revision_brings_back_the_old_order(session, people):
    rid = _with_questions(session, people.director)
    old = _revision(session, rid)
    question_store.reorder_questions(session, people.director, rid, ["3", "2", "1"], old)
    session.commit()
    editing.restore_revision(session, people.director, rid, old, _revision(session, rid))
    session.commit()
    assert _refs(session, rid) == ["1", "2", "3"]


def test_only_someone_who_may_edit_moves_questions(session, people):
    rid = _with_questions(session, people.director)
    # A reviewer does not see a draft at all; another director sees it but may not edit.
    with pytest.raises(NotFound):
        question_store.move_question(session, people.futures, rid, "1", 1, _revision(session, rid))
    with pytest.raises(Forbidden):
        question_store.move_question(
            session, people.director2, rid, "1", 1, _revision(session, rid)
        )
