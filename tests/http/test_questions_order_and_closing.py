"""Questions moved up and down (page and API), and the consultation's closing date."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx

from server.drafting.closing import today

from .conftest import error_beside, field_value, flash, text_of

BLOCK = "Question 1: First?\nQuestion 2: Second?\nQuestion 3: Third?"


def _revision(api, rid: int) -> int:  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/responses/{rid}").json()["revision"]


def _refs(api, rid: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [q["ref"] for q in api.get(f"/api/v1/responses/{rid}").json()["questions"]]


def _with_questions(api, rid: int) -> None:  # type: ignore[no-untyped-def]
    reply = api.post(
        f"/api/v1/responses/{rid}/questions",
        json={"text": BLOCK, "base_revision": _revision(api, rid)},
    )
    assert reply.status_code == 201


# Reordering.


def test_director_moves_a_question_down_on_the_page(api_for, browser_for, people, small, look):
    api = api_for(people.director)
    _with_questions(api, small)
    director = browser_for(people.director)
    page = director.get(f"/responses/{small}")
    assert "Move down question 1" in text_of(page.text)
    assert "Move up question 1" not in text_of(page.text)  # the first cannot go up
    moved = director.submit(
        f"/responses/{small}/questions/1/move",
        {"direction": "down", "base_revision": look.response(small).revision},
    )
    assert moved.status_code == 303
    assert moved.headers["location"].endswith("#question-1")
    assert _refs(api, small) == ["2", "1", "3"]
    page = director.get(f"/responses/{small}")
    assert flash(page.text) == "Moved question 1 down."
    words = text_of(page.text)
    assert words.index("Question 2 Second?") < words.index("Question 1 First?")
    history = director.get(f"/responses/{small}/revisions")
    assert "Moved question 1 down" in text_of(history.text)


def test_a_stale_move_is_refused_with_409_and_nothing_moves(
    api_for, browser_for, people, small, look
):
    api = api_for(people.director)
    _with_questions(api, small)
    stale = look.response(small).revision - 1
    reply = browser_for(people.director).submit(
        f"/responses/{small}/questions/2/move", {"direction": "up", "base_revision": stale}
    )
    assert reply.status_code == 409
    assert "has changed since you opened it" in text_of(reply.text)
    assert _refs(api, small) == ["1", "2", "3"]


def test_moving_the_last_question_down_is_422_with_the_reason(
    api_for, browser_for, people, small, look
):
    api = api_for(people.director)
    _with_questions(api, small)
    before = look.state(small)
    reply = browser_for(people.director).submit(
        f"/responses/{small}/questions/3/move",
        {"direction": "down", "base_revision": look.response(small).revision},
    )
    assert reply.status_code == 422
    assert "cannot move further" in text_of(reply.text)
    assert look.state(small) == before


def test_reviewers_and_members_cannot_move_questions(api_for, browser_for, people, small, look):
    _with_questions(api_for(people.director), small)
    before = look.state(small)
    base = look.response(small).revision
    for who, status in ((people.member, 404), (people.director2, 403)):
        reply = browser_for(who).submit(
            f"/responses/{small}/questions/1/move", {"direction": "down", "base_revision": base}
        )
        assert reply.status_code == status
        reply = api_for(who).put(
            f"/api/v1/responses/{small}/question-order",
            json={"order": ["3", "2", "1"], "base_revision": base},
        )
        assert reply.status_code == status
    assert look.state(small) == before
    assert _refs(api_for(people.director), small) == ["1", "2", "3"]


def test_the_api_puts_the_questions_in_a_new_order(api_for, people, small, look):
    api = api_for(people.director)
    _with_questions(api, small)
    base = _revision(api, small)
    reply = api.put(
        f"/api/v1/responses/{small}/question-order",
        json={"order": ["3", "Q1", "2"], "base_revision": base},
    )
    assert reply.status_code == 200
    assert [q["ref"] for q in reply.json()] == ["3", "1", "2"]
    assert int(reply.headers["x-revision"]) == base + 1
    assert _refs(api, small) == ["3", "1", "2"]
    stale = api.put(
        f"/api/v1/responses/{small}/question-order",
        json={"order": ["1", "2", "3"], "base_revision": base},
    )
    assert stale.status_code == 409
    assert _refs(api, small) == ["3", "1", "2"]


def test_an_order_that_misses_or_repeats_a_question_is_422(api_for, people, small, look):
    api = api_for(people.director)
    _with_questions(api, small)
    before = look.state(small)
    for order, reason in [
        (["3", "1"], "missing: 2"),
        (["3", "1", "1"], "named twice"),
        (["3", "1", "7"], "no question 7"),
    ]:
        reply = api.put(
            f"/api/v1/responses/{small}/question-order",
            json={"order": order, "base_revision": _revision(api, small)},
        )
        assert reply.status_code == 422
        assert reason in reply.json()["detail"]
    assert look.state(small) == before


# The closing date.


def _details(response_id: int, revision: int, closes: str) -> dict[str, object]:
    return {
        "title": "A small response",
        "rt_title": "A small consultation",
        "rt_publisher": "A department",
        "rt_date": "",
        "rt_url": "",
        "summary": "",
        "rt_closes": closes,
        "base_revision": revision,
    }


def test_director_sets_the_closing_date_on_the_details_form(browser_for, people, small, look):
    director = browser_for(people.director)
    form = director.get(f"/responses/{small}/edit")
    assert field_value(form.text, "rt_closes") == ""
    closes = today() + timedelta(days=12)
    saved = director.submit(
        f"/responses/{small}/edit",
        _details(small, look.response(small).revision, closes.isoformat()),
    )
    assert saved.status_code == 303
    assert look.response(small).rt_closes == closes
    words = text_of(director.get(f"/responses/{small}").text)
    assert "Consultation closes" in words
    assert "closes in 12 days" in words
    assert field_value(director.get(f"/responses/{small}/edit").text, "rt_closes") == (
        closes.isoformat()
    )


def test_a_past_closing_date_shows_the_consultation_closed(browser_for, people, small, look):
    director = browser_for(people.director)
    closes = today() - timedelta(days=3)
    director.submit(
        f"/responses/{small}/edit",
        _details(small, look.response(small).revision, closes.isoformat()),
    )
    assert "closed 3 days ago" in text_of(director.get(f"/responses/{small}").text)


def test_a_bad_closing_date_is_shown_beside_the_field_and_nothing_is_saved(
    browser_for, people, small, look
):
    director = browser_for(people.director)
    before = look.state(small)
    reply = director.submit(
        f"/responses/{small}/edit", _details(small, look.response(small).revision, "15/07/2009")
    )
    assert reply.status_code == 422
    assert "YYYY-MM-DD" in error_beside(reply.text, "rt_closes")
    assert field_value(reply.text, "rt_closes") == "15/07/2009"
    data = _details(small, look.response(small).revision, "2009-01-01")
    data["rt_date"] = "2009-03-01"
    reply = director.submit(f"/responses/{small}/edit", data)
    assert reply.status_code == 422
    assert "before it was published" in error_beside(reply.text, "rt_closes")
    assert look.state(small) == before
    assert look.response(small).rt_closes is None


def test_the_api_sets_and_clears_the_closing_date_as_revisions(api_for, people, small, look):
    api = api_for(people.director)
    base = _revision(api, small)
    reply = api.put(
        f"/api/v1/responses/{small}/closing-date",
        json={"closes": "2031-07-15", "base_revision": base},
    )
    assert reply.status_code == 200
    assert reply.json()["responding_to"]["closes"] == "2031-07-15"
    assert reply.json()["revision"] == base + 1
    assert api.get(f"/api/v1/responses/{small}").json()["responding_to"]["closes"] == "2031-07-15"
    stale = api.put(
        f"/api/v1/responses/{small}/closing-date", json={"closes": None, "base_revision": base}
    )
    assert stale.status_code == 409
    assert look.response(small).rt_closes == date(2031, 7, 15)
    cleared = api.put(
        f"/api/v1/responses/{small}/closing-date",
        json={"closes": None, "base_revision": base + 1},
    )
    assert cleared.status_code == 200
    assert cleared.json()["responding_to"]["closes"] is None


def test_a_bad_closing_date_on_the_api_is_422_and_changes_nothing(api_for, people, small, look):
    api = api_for(people.director)
    before = look.state(small)
    for closes in ("15 July", "1066-10-14", "2031-02-30"):
        reply = api.put(
            f"/api/v1/responses/{small}/closing-date",
            json={"closes": closes, "base_revision": _revision(api, small)},
        )
        assert reply.status_code == 422, closes
    assert look.state(small) == before


def test_a_new_response_carries_its_closing_date_from_the_api(api_for, people):
    api = api_for(people.director)
    reply = api.post(
        "/api/v1/responses",
        json={
            "title": "Our answer",
            "responding_to": {
                "title": "A consultation",
                "date": "2030-01-10",
                "closes": "2030-03-31",
            },
        },
    )
    assert reply.status_code == 201
    assert reply.json()["responding_to"]["closes"] == "2030-03-31"
    early = api.post(
        "/api/v1/responses",
        json={
            "title": "Our answer",
            "responding_to": {
                "title": "A consultation",
                "date": "2030-01-10",
                "closes": "2029-12-31",
            },
        },
    )
    assert early.status_code == 422
    assert "before it was published" in early.json()["detail"]


def test_only_the_owner_sets_the_closing_date(api_for, people, small, look):
    base = look.response(small).revision
    for who, status in ((people.member, 404), (people.futures, 404), (people.director2, 403)):
        reply = api_for(who).put(
            f"/api/v1/responses/{small}/closing-date",
            json={"closes": "2031-07-15", "base_revision": base},
        )
        assert reply.status_code == status
    assert look.response(small).rt_closes is None


def test_the_closing_date_travels_in_the_draft_file_and_the_submission(
    api_for, browser_for, people, small, import_draft
):
    api = api_for(people.director)
    _with_questions(api, small)
    api.put(
        f"/api/v1/responses/{small}/closing-date",
        json={"closes": "2031-07-15", "base_revision": _revision(api, small)},
    )
    director = browser_for(people.director)
    exported = director.get(f"/responses/{small}/export").text
    assert "closes: 2031-07-15" in exported
    again = import_draft(people.director, exported)
    got = api_for(people.director).get(f"/api/v1/responses/{again}").json()
    assert got["responding_to"]["closes"] == "2031-07-15"
    reply = director.get(f"/responses/{small}/submission.docx")
    document = docx.Document(io.BytesIO(reply.content))
    lines = [p.text for p in document.paragraphs]
    assert any("the consultation closes on 15 July 2031" in line for line in lines)


def test_the_openapi_schema_documents_reordering_and_the_closing_date(web):
    schema = web.get("/openapi.json").json()
    paths = schema["paths"]
    order = paths["/api/v1/responses/{response_id}/question-order"]["put"]
    assert {"200", "409", "422"} <= set(order["responses"])
    closing = paths["/api/v1/responses/{response_id}/closing-date"]["put"]
    assert {"200", "409", "422"} <= set(closing["responses"])
    assert "closes" in schema["components"]["schemas"]["RespondingTo"]["properties"]
