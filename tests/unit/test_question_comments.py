"""Comments on a consultation question: kept by the question's ref, shown in its own
section, counted and reported like comments on a position."""

import pytest

from server.comments import report, service, threads
from server.drafting import editing, question_store
from server.drafting.responses import ResponseInput, positions_of
from server.errors import Invalid
from server.publishing.annex import consultation_rows

BLOCK = "Question 1: Do you agree?\nQ3b. Who pays?"


def _response(session, actor):
    response = editing.create_response(
        session, actor, ResponseInput(title="Our response", rt_title="A consultation")
    )
    question_store.add_block(session, actor, response.id, BLOCK, response.revision)
    session.commit()
    return response


def _board(session, actor, response):
    return threads.build(session, actor, response, positions_of(session, response.id))


def test_a_comment_names_its_question_by_ref_and_a_reply_joins_it(session, people):
    response = _response(session, people.director)
    root = service.create_comment(
        session, people.director, response.id, body="Skip it.", question_ref="Q3B"
    )
    reply = service.create_comment(
        session, people.director, response.id, body="Agreed.", parent_id=root.id
    )
    session.commit()
    assert (root.question_ref, reply.question_ref) == ("3b", "3b")
    board = _board(session, people.director, response)
    assert [t.comment.body for t in board.questions["3b"].threads] == ["Skip it."]
    assert board.questions["3b"].threads[0].replies[0].comment.body == "Agreed."
    assert board.questions["1"].threads == []
    assert board.general.threads == []
    assert board.open_count == 1
    assert board.section("q3b") is board.questions["3b"]


def test_an_unknown_question_is_refused_naming_it(session, people):
    response = _response(session, people.director)
    with pytest.raises(Invalid, match="no question '7'"):
        service.create_comment(session, people.director, response.id, body="x", question_ref="7")


def test_the_report_and_the_annex_name_the_question(session, people):
    response = _response(session, people.director)
    service.create_comment(
        session, people.director, response.id, body="Skip it.", question_ref="3b"
    )
    session.commit()
    rows = report.rows(_board(session, people.director, response), str)
    assert [(r.position_heading, r.question, r.comment) for r in rows] == [
        ("Question 3b", "3b", "Skip it.")
    ]
    assert report.groups(rows)[0][0].question == "3b"
    annex = consultation_rows(session, response)
    assert [(r["position"], r["comment"]) for r in annex] == [("Question 3b", "Skip it.")]


def test_the_owner_hears_which_question_was_commented_on(session, people):
    from sqlmodel import select

    from server.models import Notification

    response = _response(session, people.director)
    service.create_comment(session, people.admin, response.id, body="Skip.", question_ref="1")
    session.commit()
    told = session.exec(
        select(Notification).where(Notification.user_id == people.director.id)
    ).all()
    assert any("commented on question 1 of “Our response”" in n.body for n in told)
