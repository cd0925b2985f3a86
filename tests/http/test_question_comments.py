"""Reviewers comment on a consultation question itself ("we should not answer 3b")."""

from __future__ import annotations

import csv
import io
import re

from .conftest import error_beside, field_value, text_of

BLOCK = "Question 1: Do you agree?\nQuestion 2: What should change?\nQ3b. Who pays?"


def _revision(api, rid: int) -> int:  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/responses/{rid}").json()["revision"]


def _in_review(api_for, people, rid: int, look) -> None:  # type: ignore[no-untyped-def]
    api = api_for(people.director)
    reply = api.post(
        f"/api/v1/responses/{rid}/questions",
        json={"text": BLOCK, "base_revision": _revision(api, rid)},
    )
    assert reply.status_code == 201
    look.set_stage(rid, "futures-review")


def _comments(api, rid: int) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return api.get(f"/api/v1/responses/{rid}/comments").json()


def _question_row(page: str, ref: str) -> str:
    found = re.search(
        rf'<div class="govuk-summary-list__row" id="question-{ref}">(.*?)\n    </div>', page, re.S
    )
    assert found, f"no row for question {ref}"
    return text_of(found.group(1))


def test_a_reviewer_comments_on_a_question_from_the_page(api_for, browser_for, people, small, look):
    _in_review(api_for, people, small, look)
    futures = browser_for(people.futures)
    page = futures.get(f"/responses/{small}")
    assert "Comment on question 3b" in _question_row(page.text, "3b")
    form = futures.get(f"/responses/{small}/comment?question=3b")
    assert form.status_code == 200
    words = text_of(form.text)
    assert "Comment on question 3b" in words
    assert "Who pays?" in words  # the question, as the consultation asks it
    assert field_value(form.text, "question_ref") == "3b"
    posted = futures.submit(
        f"/responses/{small}/comments?section=q3b",
        {"body": "We should not answer 3b.", "question_ref": "3b"},
    )
    assert posted.status_code == 303
    assert posted.headers["location"].endswith("#comments-q3b")
    page = futures.get(f"/responses/{small}")
    row = _question_row(page.text, "3b")
    assert "Comments on question 3b (1 open)" in row
    assert "We should not answer 3b." in row
    assert "We should not answer 3b." not in _question_row(page.text, "1")
    assert '#comments-q3b">Question 3b</a>: 1 open' in page.text  # the counts name it
    listed = _comments(api_for(people.director), small)
    assert [(c["body"], c["question"], c["position_id"]) for c in listed] == [
        ("We should not answer 3b.", "3b", None)
    ]


def test_the_api_comments_on_a_question_and_replies_stay_on_it(api_for, people, small, look):
    _in_review(api_for, people, small, look)
    futures = api_for(people.futures)
    reply = futures.post(
        f"/api/v1/responses/{small}/comments", json={"body": "Skip this one.", "question": "Q3B"}
    )
    assert reply.status_code == 201
    assert reply.json()["question"] == "3b"
    root = reply.json()["id"]
    answer = api_for(people.director).post(
        f"/api/v1/responses/{small}/comments", json={"body": "Agreed.", "parent_id": root}
    )
    assert answer.status_code == 201
    assert answer.json()["question"] == "3b"
    section = api_for(people.director).get(f"/api/v1/responses/{small}").json()
    assert section["questions"][2]["ref"] == "3b"


def test_a_comment_on_an_unknown_question_or_with_a_quote_is_422_and_adds_nothing(
    api_for, people, small, look
):
    _in_review(api_for, people, small, look)
    futures = api_for(people.futures)
    position = api_for(people.director).get(f"/api/v1/responses/{small}").json()["positions"][0]
    for body, reason in [
        ({"body": "On nine.", "question": "9"}, "no question '9'"),
        ({"body": "Both.", "question": "1", "position_id": position["id"]}, "not both"),
        ({"body": "Quoting.", "question": "1", "quote": "Do you agree?"}, "cannot quote"),
        ({"body": "Wording.", "question": "1", "suggestion": "New words"}, "suggest wording"),
    ]:
        reply = futures.post(f"/api/v1/responses/{small}/comments", json=body)
        assert reply.status_code == 422, body
        assert reason in reply.json()["detail"]
    assert _comments(api_for(people.director), small) == []


def test_an_empty_comment_on_a_question_comes_back_with_the_error_beside_it(
    api_for, browser_for, people, small, look
):
    _in_review(api_for, people, small, look)
    reply = browser_for(people.futures).submit(
        f"/responses/{small}/comments?section=q1", {"body": "  ", "question_ref": "1"}
    )
    assert reply.status_code == 422
    assert "Write your comment" in error_beside(reply.text, "page-body")
    assert field_value(reply.text, "question_ref") == "1"
    assert _comments(api_for(people.director), small) == []


def test_who_may_comment_on_a_question_is_who_may_comment_now(
    api_for, browser_for, people, small, look
):
    _in_review(api_for, people, small, look)
    body = {"body": "A view.", "question": "1"}
    # A plain member sees nothing of a draft; Council's turn has not come.
    assert (
        api_for(people.member).post(f"/api/v1/responses/{small}/comments", json=body).status_code
        == 404
    )
    assert (
        browser_for(people.member).get(f"/responses/{small}/comment?question=1").status_code == 404
    )
    look.set_stage(small, "council-review")
    assert (
        api_for(people.futures).post(f"/api/v1/responses/{small}/comments", json=body).status_code
        == 403
    )
    assert (
        browser_for(people.futures)
        .submit(f"/responses/{small}/comments", {"body": "A view.", "question_ref": "1"})
        .status_code
        == 403
    )
    assert _comments(api_for(people.director), small) == []
    assert (
        api_for(people.council).post(f"/api/v1/responses/{small}/comments", json=body).status_code
        == 201
    )


def test_the_report_and_its_csv_list_threads_on_questions(
    api_for, browser_for, people, small, look
):
    _in_review(api_for, people, small, look)
    api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments",
        json={"body": "We should not answer 3b.", "question": "3b"},
    )
    director = browser_for(people.director)
    report = text_of(director.get(f"/responses/{small}/report").text)
    assert "Question 3b" in report
    assert "We should not answer 3b." in report
    rows = list(csv.DictReader(io.StringIO(director.get(f"/responses/{small}/report.csv").text)))
    assert [(r["position_heading"], r["question"], r["comment"]) for r in rows] == [
        ("Question 3b", "3b", "We should not answer 3b.")
    ]
    data = director.get(f"/responses/{small}/report.json").json()
    assert data["comments"][0]["question"] == "3b"


def test_a_removed_question_keeps_its_threads_on_the_whole_response(
    api_for, browser_for, people, small, look
):
    _in_review(api_for, people, small, look)
    api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments",
        json={"body": "Drop question 2.", "question": "2"},
    )
    look.set_stage(small, "draft")
    api = api_for(people.director)
    gone = api.delete(
        f"/api/v1/responses/{small}/questions/2?base_revision={_revision(api, small)}"
    )
    assert gone.status_code == 204
    page = browser_for(people.director).get(f"/responses/{small}")
    general = page.text[page.text.index('id="comments-general"') :]
    words = text_of(general)
    assert "On question 2, which has since been removed." in words
    assert "Drop question 2." in words
    report = text_of(browser_for(people.director).get(f"/responses/{small}/report").text)
    assert "Question 2 (since removed)" in report


def test_restoring_a_revision_keeps_a_thread_on_its_question(
    api_for, browser_for, people, small, look
):
    _in_review(api_for, people, small, look)
    api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments", json={"body": "About one.", "question": "1"}
    )
    look.set_stage(small, "draft")
    api = api_for(people.director)
    api.put(
        f"/api/v1/responses/{small}/question-order",
        json={"order": ["3b", "2", "1"], "base_revision": _revision(api, small)},
    )
    director = browser_for(people.director)
    revision = look.response(small).revision
    # The revision before the reorder: the question rows are made again.
    restored = director.submit(
        f"/responses/{small}/revisions/{revision - 1}/restore", {"base_revision": revision}
    )
    assert restored.status_code == 303
    page = director.get(f"/responses/{small}")
    assert "About one." in _question_row(page.text, "1")
    assert [q["ref"] for q in api.get(f"/api/v1/responses/{small}").json()["questions"]] == [
        "1",
        "2",
        "3b",
    ]
