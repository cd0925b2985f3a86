"""The questions on the response page: paste with a check first, map positions, edit, remove."""

from __future__ import annotations

from .conftest import error_beside, field_value, flash, text_of

BLOCK = "Intro text.\n\nQuestion 1: Is the aim right?\nQuestion 2: Is the timetable right?"


def _revision(look, rid):  # type: ignore[no-untyped-def]
    return look.response(rid).revision


def test_director_checks_what_was_understood_then_adds_the_questions(
    browser_for, people, small, look
):
    director = browser_for(people.director)
    form = director.get(f"/responses/{small}/questions/new")
    assert form.status_code == 200
    before = look.state(small)
    check = director.submit(
        f"/responses/{small}/questions",
        {"text": BLOCK, "base_revision": _revision(look, small), "action": "preview"},
    )
    assert check.status_code == 200
    assert "What Tabled understood: 2 questions" in text_of(check.text)
    assert "Is the timetable right?" in check.text
    assert field_value(check.text, "text") == BLOCK
    assert look.state(small) == before  # checking saves nothing
    saved = director.submit(
        f"/responses/{small}/questions",
        {"text": BLOCK, "base_revision": _revision(look, small), "action": "save"},
    )
    assert saved.status_code == 303
    page = director.get(f"/responses/{small}")
    assert flash(page.text) == "Added 2 questions."
    words = text_of(page.text)
    assert "Consultation questions" in words
    assert "0 of 2 answered, 2 still to answer" in words
    assert "Question 1 Is the aim right?" in words


def test_an_unreadable_block_is_shown_back_with_the_error_beside_it(
    browser_for, people, small, look
):
    director = browser_for(people.director)
    before = look.state(small)
    reply = director.submit(
        f"/responses/{small}/questions",
        {"text": "No numbers here.", "base_revision": _revision(look, small), "action": "save"},
    )
    assert reply.status_code == 422
    assert "No numbered questions found" in error_beside(reply.text, "text")
    assert field_value(reply.text, "text") == "No numbers here."
    assert look.state(small) == before


def test_the_position_form_offers_the_questions_and_saves_the_choice(
    browser_for, people, small, look
):
    director = browser_for(people.director)
    director.submit(
        f"/responses/{small}/questions",
        {"text": BLOCK, "base_revision": _revision(look, small), "action": "save"},
    )
    first = look.positions(small)[0]
    form = director.get(f"/responses/{small}/positions/{first.id}/edit")
    assert 'name="questions" type="checkbox" value="1"' in form.text
    assert "Question 2: Is the timetable right?" in text_of(form.text)
    saved = director.submit(
        f"/responses/{small}/positions/{first.id}",
        {
            "heading": first.heading,
            "body": first.body,
            "themes": first.themes,
            "questions": ["2"],
            "questions_shown": "1",
            "base_revision": _revision(look, small),
        },
    )
    assert saved.status_code == 303
    page = director.get(f"/responses/{small}").text
    assert "Answers question 2" in text_of(page)
    assert f"Answered by position 1, {first.heading}" in text_of(page)
    # Ticking none clears the answers.
    director.submit(
        f"/responses/{small}/positions/{first.id}",
        {
            "heading": first.heading,
            "body": first.body,
            "themes": first.themes,
            "questions_shown": "1",
            "base_revision": _revision(look, small),
        },
    )
    assert "Answers question 2" not in text_of(director.get(f"/responses/{small}").text)


def test_a_reader_sees_a_question_added_after_the_page_was_kept(browser_for, people, small, look):
    reader = browser_for(people.director2)  # a draft: other directors read it, reviewers not yet
    assert "Is the aim right?" not in reader.get(f"/responses/{small}").text
    director = browser_for(people.director)
    director.submit(
        f"/responses/{small}/questions",
        {"text": BLOCK, "base_revision": _revision(look, small), "action": "save"},
    )
    page = reader.get(f"/responses/{small}").text
    assert "Is the aim right?" in page
    assert "Add the consultation's questions" not in page  # readers cannot edit


def test_marking_not_answering_and_removing_a_question_by_form(browser_for, people, small, look):
    director = browser_for(people.director)
    director.submit(
        f"/responses/{small}/questions",
        {"text": BLOCK, "base_revision": _revision(look, small), "action": "save"},
    )
    form = director.get(f"/responses/{small}/questions/2/edit")
    assert field_value(form.text, "text") == "Is the timetable right?"
    bad = director.submit(
        f"/responses/{small}/questions/2/edit",
        {
            "text": "Is the timetable right?",
            "word_limit": "lots",
            "not_answering": "",
            "base_revision": _revision(look, small),
        },
    )
    assert bad.status_code == 422
    assert "whole number" in error_beside(bad.text, "word_limit")
    saved = director.submit(
        f"/responses/{small}/questions/2/edit",
        {
            "text": "Is the timetable right?",
            "word_limit": "",
            "not_answering": "Not for us.",
            "base_revision": _revision(look, small),
        },
    )
    assert saved.status_code == 303
    words = text_of(director.get(f"/responses/{small}").text)
    assert "Not answering Not for us." in words
    assert "1 deliberately not answered" in words
    removed = director.submit(
        f"/responses/{small}/questions/1/delete", {"base_revision": _revision(look, small)}
    )
    assert removed.status_code == 303
    assert "Is the aim right?" not in director.get(f"/responses/{small}").text


def test_question_forms_refuse_a_missing_csrf_token_and_other_people(
    browser_for, people, small, look
):
    director = browser_for(people.director)
    before = look.state(small)
    reply = director.post(
        f"/responses/{small}/questions",
        data={"text": BLOCK, "base_revision": _revision(look, small), "action": "save"},
    )
    assert reply.status_code in (400, 403)
    assert look.state(small) == before
    other = browser_for(people.director2)
    assert other.get(f"/responses/{small}/questions/new").status_code == 403
    member = browser_for(people.member)
    assert member.get(f"/responses/{small}/questions/new").status_code == 404
