"""Titles, headings, names and the publisher are one line of plain text: a line break,
a NUL or an invisible text-direction control is refused with the reason, through the
API (422) and beside the field of a form, on every engine, and nothing is stored.

Before, "Poison\\nBcc: attacker@example.org" was accepted as a title (201) and then
broke email delivery for everyone."""

from __future__ import annotations

import pytest

from server.textfields import line_problem, one_line

from .conftest import error_beside

INJECTION = "Poison\nBcc: attacker@example.org"
BAD = [
    (INJECTION, "one line"),
    ("Carriage\rreturn", "one line"),
    ("Line\u2028separator", "one line"),
    ("Null\x00byte", "NUL"),
    ("Looks harmless\u202etxt.exe", "text-direction control (U+202E"),
    ("Isolated \u2067text", "text-direction control (U+2067"),
    ("Bell\x07", "control character (U+0007)"),
]
NEW_RESPONSE = {
    "title": "A response",
    "responding_to": {"title": "A consultation", "publisher": "A department"},
}


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_a_title_that_is_not_one_line_is_refused_by_the_api_with_the_reason(
    api_for, people, look, text, reason
):
    api = api_for(people.director)
    for body in (
        {**NEW_RESPONSE, "title": text},
        {**NEW_RESPONSE, "responding_to": {"title": text}},
        {**NEW_RESPONSE, "responding_to": {"title": "A consultation", "publisher": text}},
    ):
        reply = api.post("/api/v1/responses", json=body)
        assert reply.status_code == 422, body
        assert reason in reply.json()["detail"][0]["msg"]
    assert look.response_count() == 0


def test_a_position_heading_with_a_line_break_is_refused_by_the_api(api_for, people, oep, look):
    api = api_for(people.director)
    before = look.positions(oep)
    revision = api.get(f"/api/v1/responses/{oep}").json()["revision"]
    reply = api.post(
        f"/api/v1/responses/{oep}/positions",
        json={"heading": INJECTION, "body": "Text.", "themes": [], "base_revision": revision},
    )
    assert reply.status_code == 422
    assert "one line" in reply.json()["detail"][0]["msg"]
    assert look.positions(oep) == before


@pytest.mark.parametrize("field", ["title", "rt_title", "rt_publisher"])
def test_the_new_response_form_shows_the_reason_beside_the_field(browser_for, people, look, field):
    values = {
        "title": "Response to the Digital Britain report",
        "rt_title": "Digital Britain: final report",
        "rt_publisher": "DCMS",
        "workflow": "socitm-policy",
        field: INJECTION,
    }
    page = browser_for(people.director).submit("/responses", values)
    assert page.status_code == 422
    assert "must be on one line" in error_beside(page.text, field)
    assert look.response_count() == 0


def test_the_position_form_shows_the_reason_beside_the_heading(browser_for, people, oep, look):
    client = browser_for(people.director)
    before = look.positions(oep)
    revision = look.response(oep).revision
    page = client.submit(
        f"/responses/{oep}/positions",
        {"heading": "Sneaky\u202eheading", "body": "Text.", "base_revision": str(revision)},
    )
    assert page.status_code == 422
    assert "text-direction control" in error_beside(page.text, "heading")
    assert look.positions(oep) == before


def test_a_user_or_theme_name_with_a_line_break_is_refused_beside_the_field(
    browser_for, people, look
):
    admin = browser_for(people.admin)
    page = admin.submit(
        "/admin/users",
        {
            "email": "newcomer@example.org",
            "name": "Nia\nNewcomer",
            "role": "member",
            "password": "a-long-enough-password",
        },
    )
    assert page.status_code == 422
    assert "The name must be on one line" in error_beside(page.text, "name")
    assert look.user("newcomer@example.org") is None
    page = admin.submit("/themes", {"name": "Open\x00standards"})
    assert page.status_code == 422
    assert "NUL" in error_beside(page.text, "name")
    assert look.theme("open-standards") is None


def test_ordinary_text_in_any_script_is_one_line():
    for text in (
        "Réponse — «consultation»",
        "مسودة الرد",
        "回应草案",
        "Ответ",
        "emoji 🙂",
        "a\u200db",
    ):
        assert line_problem(text) is None, text
    assert one_line("Review needed: " + INJECTION) == (
        "Review needed: Poison Bcc: attacker@example.org"
    )
