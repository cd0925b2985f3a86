"""Forms report every problem at once, take dates as day, month and year, and never
leave the address bar on a POST-only address."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from server.models import utcnow
from server.text.times import local

from .conftest import error_beside, field_value, flash, text_of


def summary_links(page: str) -> dict[str, str]:
    """The error summary's entries: the field each links to, and its message."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert found, "no error summary on the page"
    return {
        target: html.unescape(message.strip())
        for target, message in re.findall(r'<a href="#([^"]+)">(.*?)</a>', found.group(0), re.S)
    }


# A new response


def test_an_empty_new_response_form_names_every_missing_field_at_once(browser_for, people, look):
    page = browser_for(people.director).submit(
        "/responses",
        {
            "title": "",
            "rt_title": "",
            "rt_url": "ftp://x",
            "rt_date-day": "30",
            "rt_date-month": "2",
        },
    )
    assert page.status_code == 422
    expected = {
        "title": "Enter a title for the response",
        "rt_title": "Enter the title of the publication this responds to",
        "rt_date": "The date published must include a year",
        "rt_url": "The link must be a web address starting with https:// or http://",
    }
    assert summary_links(page.text) == expected
    for field, message in expected.items():
        assert error_beside(page.text, field) == message
    # What was typed stays in the boxes.
    assert field_value(page.text, "rt_date-day") == "30"
    assert field_value(page.text, "rt_date-month") == "2"
    assert look.response_count() == 0


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("30", "2", "2009", "The date published must be a real date"),
        ("31", "4", "2009", "The date published must be a real date"),
        ("0", "4", "2009", "The date published must be a real date"),
        ("12", "13", "2009", "The date published must be a real date"),
        ("twelve", "4", "2009", "The date published must be a real date"),
        ("12", "", "", "The date published must include a month and a year"),
        ("", "4", "2009", "The date published must include a day"),
        ("12", "4", "09", "The year must include 4 numbers"),
    ],
)
def test_an_impossible_date_is_refused_in_words_beside_the_date(
    browser_for, people, look, day, month, year, message
):
    page = browser_for(people.director).submit(
        "/responses",
        {
            "title": "A response",
            "rt_title": "A report",
            "rt_date-day": day,
            "rt_date-month": month,
            "rt_date-year": year,
        },
    )
    assert page.status_code == 422
    assert error_beside(page.text, "rt_date").startswith(message)
    assert list(summary_links(page.text)) == ["rt_date"]
    assert look.response_count() == 0


def test_a_date_typed_as_day_month_year_is_kept_and_shown_back(browser_for, people, look):
    client = browser_for(people.director)
    made = client.submit(
        "/responses",
        {
            "title": "A response",
            "rt_title": "A report",
            "rt_date-day": "22",
            "rt_date-month": "apr",
            "rt_date-year": "2009",
        },
    )
    assert made.status_code == 303
    rid = int(made.headers["location"].split("/")[-1])
    assert look.response(rid).rt_date.isoformat() == "2009-04-22"
    form = client.get(f"/responses/{rid}/edit").text
    assert (
        field_value(form, "rt_date-day"),
        field_value(form, "rt_date-month"),
        field_value(form, "rt_date-year"),
    ) == ("22", "4", "2009")


def test_editing_details_reports_every_problem_and_changes_nothing(
    browser_for, people, small, look
):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/edit",
        {
            "title": "",
            "rt_title": "",
            "rt_date-day": "29",
            "rt_date-month": "2",
            "rt_date-year": "2009",
            "base_revision": "4",
        },
    )
    assert page.status_code == 422
    assert set(summary_links(page.text)) == {"title", "rt_title", "rt_date"}
    assert error_beside(page.text, "rt_date") == "The date published must be a real date"
    assert look.state(small) == before


# A position


def test_a_position_with_every_field_wrong_reports_them_all(browser_for, people, small, look):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions",
        {
            "heading": "",
            "body": "b" * 50_001,
            "themes": ["no-such-theme"],
            "base_revision": "4",
        },
    )
    assert page.status_code == 422
    assert error_beside(page.text, "heading") == "Enter a heading for the position"
    assert error_beside(page.text, "body").startswith("The text must be at most 50,000 characters")
    assert error_beside(page.text, "themes").startswith("Unknown theme 'no-such-theme'")
    assert {"heading", "body", "themes"} <= set(summary_links(page.text))
    assert look.state(small) == before


# A comment


def test_a_reply_that_quotes_and_suggests_is_told_both_at_once(
    api_for, browser_for, people, small, look
):
    look.set_stage(small, "futures-review")
    first = api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments", json={"body": "A thread"}
    )
    assert first.status_code == 201
    page = browser_for(people.futures).submit(
        f"/responses/{small}/comments",
        {"body": "", "parent_id": str(first.json()["id"]), "quote": "The first text."},
    )
    assert page.status_code == 422
    words = text_of(page.text)
    assert "A reply answers its thread and cannot quote a passage" in words
    assert "Write your comment" in words


# A user and a theme


def test_a_new_user_with_every_field_wrong_is_told_of_each(browser_for, people, look):
    page = browser_for(people.admin).submit(
        "/admin/users",
        {
            "email": "not-an-email",
            "name": "",
            "role": "superuser",
            "password": "short",
            "other_groups": "Bad Group!",
        },
    )
    assert page.status_code == 422
    assert error_beside(page.text, "email") == "'not-an-email' is not an email address"
    assert error_beside(page.text, "name").startswith("A name is needed")
    assert error_beside(page.text, "role").startswith("Unknown role 'superuser'")
    assert error_beside(page.text, "password").startswith("The password must have at least")
    assert error_beside(page.text, "groups").startswith("Group 'Bad' is not a valid name")
    assert look.user("not-an-email") is None


def test_a_new_theme_with_a_bad_name_and_slug_is_told_of_both(browser_for, people):
    page = browser_for(people.admin).submit("/themes", {"name": "", "slug": "Not A Slug"})
    assert page.status_code == 422
    assert error_beside(page.text, "name") == (
        "Enter a name for the theme, of at most 100 characters"
    )
    assert "is not a valid slug" in error_beside(page.text, "slug")


# The review deadline


def _in_review(api_for, people, oep) -> None:
    done = api_for(people.director).post(
        f"/api/v1/responses/{oep}/actions", json={"action": "submit"}
    )
    assert done.status_code == 200


def _deadline(client, rid, day, month, year, note="The council meets later"):  # type: ignore[no-untyped-def]
    return client.submit(
        f"/responses/{rid}/deadline",
        {"due-day": day, "due-month": month, "due-year": year, "note": note},
    )


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("30", "2", "2099", "The new deadline must be a real date"),
        ("1", "13", "2099", "The new deadline must be a real date"),
        ("", "", "", "Enter the new deadline"),
        ("1", "", "2099", "The new deadline must include a month"),
        ("1", "1", "2001", "The new deadline must be in the future"),
    ],
)
def test_a_bad_new_deadline_is_refused_in_words_and_the_deadline_stays(
    api_for, browser_for, people, oep, look, day, month, year, message
):
    _in_review(api_for, people, oep)
    before = look.response(oep).due_at
    page = _deadline(browser_for(people.director), oep, day, month, year)
    assert page.status_code == 422
    assert error_beside(page.text, "due") == message
    assert summary_links(page.text) == {"due": message}
    assert look.response(oep).due_at == before


def test_a_deadline_with_no_date_and_no_reason_names_both(api_for, browser_for, people, oep):
    _in_review(api_for, people, oep)
    page = _deadline(browser_for(people.director), oep, "", "", "", note="")
    assert page.status_code == 422
    assert summary_links(page.text) == {
        "due": "Enter the new deadline",
        "deadline-note": "Say why the deadline moves",
    }
    assert error_beside(page.text, "deadline-note") == "Say why the deadline moves"


def test_a_later_deadline_typed_as_day_month_year_is_saved_and_shown_in_days(
    api_for, browser_for, people, oep, look
):
    _in_review(api_for, people, oep)
    director = browser_for(people.director)
    later = local(utcnow()).date() + timedelta(days=30)
    done = _deadline(director, oep, str(later.day), str(later.month), str(later.year))
    assert done.status_code == 303
    page = director.get(f"/responses/{oep}")
    assert flash(page.text) == "Deadline extended."
    assert "(due in 30 days)" in text_of(page.text)
    assert look.response(oep).due_at is not None


def test_the_review_deadline_says_how_many_days_are_left_on_home_and_response(
    api_for, browser_for, people, oep
):
    _in_review(api_for, people, oep)
    futures = browser_for(people.futures)
    # Entering Futures review set a 10-day deadline, closing at this hour in 10 days.
    assert "due in 10 days" in text_of(futures.get("/").text)
    assert "due in 10 days" in text_of(futures.get(f"/responses/{oep}").text)


# After a refusal


def test_reloading_a_refused_action_lands_on_the_response_not_a_405(
    browser_for, people, small, look
):
    client = browser_for(people.director)
    look.set_stage(small, "futures-review")
    refused = client.submit(f"/responses/{small}/actions", {"action": "submit"})
    assert refused.status_code in (403, 409)
    again = client.get(f"/responses/{small}/actions", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == f"/responses/{small}"
    assert client.get(f"/responses/{small}/deadline").status_code == 200


@pytest.mark.parametrize(
    ("address", "page"),
    [
        ("/account/password", "/account"),
        ("/responses/{small}/positions/{pid}/move", "/responses/{small}"),
        ("/responses/{small}/comments", "/responses/{small}"),
        ("/admin/users/{uid}", "/admin/users/{uid}"),
    ],
)
def test_a_post_only_address_opened_with_get_goes_to_its_form_page(
    browser_for, people, small, look, address, page
):
    names = {"small": small, "pid": look.positions(small)[0].id, "uid": people.member.id}
    reply = browser_for(people.admin).get(address.format(**names), follow_redirects=False)
    if address.startswith("/admin/users/"):
        assert reply.status_code == 200  # a page in its own right
        return
    assert reply.status_code == 303
    assert reply.headers["location"] == page.format(**names)


def test_the_api_still_answers_405_to_a_get_of_a_post_only_route(api_for, people, small):
    reply = api_for(people.director).get(f"/api/v1/responses/{small}/actions")
    assert reply.status_code == 405
    assert "detail" in reply.json()


# Signing in and changing a password


def test_signing_in_with_both_boxes_empty_names_both(web):
    web.refresh_csrf()
    page = web.submit("/login", {"email": "", "password": ""})
    assert page.status_code == 400
    assert summary_links(page.text) == {
        "email": "Enter your email address",
        "password": "Enter your password",
    }


def test_a_password_change_with_both_boxes_wrong_names_both(browser_for, people):
    page = browser_for(people.director).submit(
        "/account/password", {"current_password": "", "new_password": "short"}
    )
    assert page.status_code == 422
    assert error_beside(page.text, "current_password") == "Enter your current password"
    assert "at least" in error_beside(page.text, "new_password")


def test_a_reviewer_cannot_move_the_deadline_even_with_a_bad_date(
    api_for, browser_for, people, oep, look
):
    _in_review(api_for, people, oep)
    before = look.response(oep).due_at
    page = _deadline(browser_for(people.futures), oep, "30", "2", "2099", note="")
    assert page.status_code == 403
    assert look.response(oep).due_at == before
