"""The response pages for every role: view, create, edit details, positions, preview,
export, history, compare and restore; with bad input, stale saves and CSRF."""

from __future__ import annotations

import pytest

from server.drafting.draftfile import parse_draft

from .conftest import (
    OEP_TITLE,
    SMALL_DRAFT,
    error_beside,
    field_value,
    flash,
    page_error,
    text_of,
)

ROLES = ["admin", "director", "director2", "futures", "council", "member"]


def _follow(client, reply):  # type: ignore[no-untyped-def]
    assert reply.status_code == 303, (reply.status_code, page_error(reply.text))
    return client.get(reply.headers["location"])


# Who sees which page


def _pages(response_id: int, position_id: int, user_id: int) -> dict[str, str]:
    r = f"/responses/{response_id}"
    return {
        "home": "/",
        "list": "/responses",
        "library": "/library",
        "themes": "/themes",
        "account": "/account",
        "new": "/responses/new",
        "view": r,
        "edit": f"{r}/edit",
        "add": f"{r}/positions/new",
        "edit-position": f"{r}/positions/{position_id}/edit",
        "delete-position": f"{r}/positions/{position_id}/delete",
        "history": f"{r}/revisions",
        "revision": f"{r}/revisions/2",
        "compare": f"{r}/compare?from=1&to=4",
        "export": f"{r}/export",
        "users": "/admin/users",
        "new-user": "/admin/users/new",
        "user": f"/admin/users/{user_id}",
    }


EVERYONE = {"home", "list", "library", "themes", "account"}
READING = {"view", "history", "revision", "compare", "export"}
EDITING = {"edit", "add", "edit-position", "delete-position"}
ADMIN = {"users", "new-user", "user"}
EXPECTED = {
    "admin": dict.fromkeys(EVERYONE | READING | EDITING | ADMIN | {"new"}, 200),
    "director": {
        **dict.fromkeys(EVERYONE | READING | EDITING | {"new"}, 200),
        **dict.fromkeys(ADMIN, 403),
    },
    "director2": {
        **dict.fromkeys(EVERYONE | READING | {"new"}, 200),
        **dict.fromkeys(EDITING | ADMIN, 403),
    },
    # A draft the workflow has not yet handed to their group: not there, for them.
    "futures": {
        **dict.fromkeys(EVERYONE, 200),
        **dict.fromkeys(READING | EDITING, 404),
        **dict.fromkeys(ADMIN | {"new"}, 403),
    },
    "council": {
        **dict.fromkeys(EVERYONE, 200),
        **dict.fromkeys(READING | EDITING, 404),
        **dict.fromkeys(ADMIN | {"new"}, 403),
    },
    "member": {
        **dict.fromkeys(EVERYONE, 200),
        **dict.fromkeys(READING | EDITING, 404),
        **dict.fromkeys(ADMIN | {"new"}, 403),
    },
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_pages_it_should(browser_for, people, small, look, role):
    client = browser_for(getattr(people, role))
    position = look.positions(small)[0]
    answers = {
        name: client.get(url, follow_redirects=False).status_code
        for name, url in _pages(small, position.id, people.member.id).items()
    }
    assert answers == EXPECTED[role]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(web, people, small, look):
    position = look.positions(small)[0]
    for url in _pages(small, position.id, people.member.id).values():
        reply = web.get(url, follow_redirects=False)
        assert reply.status_code == 303, url
        assert reply.headers["location"].startswith("/login?next=/"), url


def test_member_cannot_see_a_draft_response(browser_for, people, oep):
    client = browser_for(people.member)
    page = client.get(f"/responses/{oep}")
    assert page.status_code == 404
    assert "Not found" in page.text
    assert page_error(page.text) == f"no response with id {oep}"
    assert OEP_TITLE not in page.text
    for url in ("/", "/responses", "/library"):
        assert OEP_TITLE not in client.get(url).text


def test_member_reads_a_published_response_but_cannot_change_it(
    browser_for, api_for, people, oep, look
):
    look.set_stage(oep, "approved")
    published = api_for(people.director).post(
        f"/api/v1/responses/{oep}/actions", json={"action": "publish"}
    )
    assert published.json()["stage"] == "published"
    client = browser_for(people.member)
    sent = client.get(f"/responses/{oep}", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/library/{oep}"
    page = client.get(f"/responses/{oep}")
    assert page.status_code == 200 and page.url.path == f"/library/{oep}"
    assert OEP_TITLE in page.text
    assert "Add a position" not in page.text
    for tail in ("/history", "/revisions", "/revisions/1", "/compare?from=1&to=2", "/export"):
        assert client.get(f"/responses/{oep}{tail}").status_code == 404, tail
    assert OEP_TITLE in client.get("/library").text
    assert "Latest briefings" in client.get("/").text
    assert OEP_TITLE in client.get("/").text


def test_the_owner_sees_the_document_with_positions_themes_and_coverage(browser_for, people, oep):
    page = browser_for(people.director).get(f"/responses/{oep}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert OEP_TITLE in text
    assert "Responding to Operational Efficiency Programme: final report, HM Treasury" in text
    assert "Every core theme is covered by at least one position." in text
    assert "1. Efficiency should not be treated as a separate agenda" in text
    assert "Add a position" in text
    assert "Edit details" in text
    assert 'id="stage">Draft<' in page.text


def test_a_reviewer_reads_the_draft_without_editing_controls(browser_for, people, oep, look):
    look.set_stage(oep, "futures-review")
    page = browser_for(people.futures).get(f"/responses/{oep}")
    assert page.status_code == 200
    assert "Add a position" not in page.text
    assert "Move up" not in page.text
    assert "Download as a draft file" in page.text


def test_home_shows_what_waits_for_each_person(browser_for, people, small, look):
    director = browser_for(people.director).get("/")
    assert "Your responses in progress" in director.text
    assert "A small response" in director.text
    assert "A small response" not in browser_for(people.futures).get("/").text  # a draft
    look.set_stage(small, "futures-review")
    look.set_stage(small, "draft")  # sent back: Futures have had it, and keep seeing it
    futures = browser_for(people.futures).get("/")
    assert "Responses you can review" in futures.text
    assert "A small response" in futures.text
    member = browser_for(people.member).get("/")
    assert "A small response" not in member.text
    assert "Nothing has been published yet." in member.text
    assert "Start a new response" not in member.text


@pytest.mark.parametrize(
    "url", ["/responses/abc", "/responses/0", "/responses/1.5", "/responses/99999999999"]
)
def test_a_non_numeric_or_impossible_id_gets_a_clear_message(browser_for, people, url):
    page = browser_for(people.director).get(url)
    assert page.status_code == 422
    assert page_error(page.text).startswith("response_id: ")
    assert "Traceback" not in page.text


def test_an_unknown_response_is_not_found(browser_for, people):
    page = browser_for(people.director).get("/responses/424242")
    assert page.status_code == 404
    assert page_error(page.text) == "no response with id 424242"


def test_an_unknown_address_is_not_found(browser_for, people):
    page = browser_for(people.director).get("/no/such/page")
    assert page.status_code == 404
    assert page_error(page.text) == "There is no page at this address."


# Creating a response


DETAILS = {
    "title": "Response to the Digital Britain report",
    "rt_title": "Digital Britain: final report",
    "rt_publisher": "DCMS",
    "rt_date": "2009-06-16",
    "rt_url": "https://www.gov.uk/",
    "summary": "We broadly welcome it.",
    "workflow": "socitm-policy",
}


def test_director_creates_a_response_and_lands_on_it(browser_for, people, look):
    client = browser_for(people.director)
    form = client.get("/responses/new")
    assert "Start a new response" in form.text
    page = _follow(client, client.submit("/responses", DETAILS))
    assert flash(page.text) == "Response created: now add its positions."
    assert "Response to the Digital Britain report" in page.text
    assert "No positions yet." in page.text
    assert look.response_count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the response"),
        ({"title": "   "}, "title", "Enter a title for the response"),
        ({"title": "t" * 301}, "title", "The title must be at most 300 characters"),
        ({"rt_title": ""}, "rt_title", "Enter the title of the publication this responds to"),
        ({"rt_publisher": "p" * 201}, "rt_publisher", "at most 200 characters"),
        ({"rt_date": "16/06/2009"}, "rt_date", "The date published must be a real date"),
        ({"rt_url": "javascript:alert(1)"}, "rt_url", "starting with https://"),
        ({"summary": "s" * 20_001}, "summary", "The summary must be at most 20000 characters"),
        ({"workflow": "no-such-workflow"}, "workflow", "Unknown workflow 'no-such-workflow'"),
    ],
)
def test_bad_details_bring_the_form_back_with_the_error_beside_the_field(
    browser_for, people, look, change, field, message
):
    client = browser_for(people.director)
    values = {**DETAILS, **change}
    page = client.submit("/responses", values)
    assert page.status_code == 422
    assert message in error_beside(page.text, field)
    assert "There is a problem" in page.text
    for name in ("title", "rt_title", "rt_publisher", "rt_url", "summary"):
        assert field_value(page.text, name) == values[name], name
    assert look.response_count() == 0


@pytest.mark.parametrize("role", ["member", "futures"])
def test_members_cannot_create_responses(browser_for, people, look, role):
    client = browser_for(getattr(people, role))
    page = client.submit("/responses", DETAILS)
    assert page.status_code == 403
    assert page_error(page.text) == "only directors and admins can create responses"
    assert look.response_count() == 0


def test_creating_without_the_csrf_token_is_refused_and_keeps_the_text(browser_for, people, look):
    client = browser_for(people.director)
    page = client.post("/responses", data=DETAILS, follow_redirects=False)
    assert page.status_code == 403
    assert "This form has expired" in page_error(page.text)
    assert "We broadly welcome it." in page.text
    assert look.response_count() == 0


# Editing the details


def test_owner_edits_the_details(browser_for, people, small, look):
    client = browser_for(people.director)
    form = client.get(f"/responses/{small}/edit")
    assert field_value(form.text, "title") == "A small response"
    assert field_value(form.text, "base_revision") == "4"
    page = _follow(
        client,
        client.submit(
            f"/responses/{small}/edit",
            {**DETAILS, "title": "A better title", "base_revision": "4"},
        ),
    )
    assert flash(page.text) == "Details saved."
    assert "A better title" in page.text
    assert look.response(small).title == "A better title"
    assert look.response(small).revision == 5


def test_a_stale_details_save_keeps_my_text_and_shows_the_newer_one(
    browser_for, people, small, look
):
    director, admin = browser_for(people.director), browser_for(people.admin)
    admin.submit(
        f"/responses/{small}/edit",
        {
            **DETAILS,
            "title": "The admin's title",
            "summary": "Admin summary.",
            "base_revision": "4",
        },
    )
    page = director.submit(
        f"/responses/{small}/edit",
        {**DETAILS, "title": "My title", "summary": "My summary.", "base_revision": "4"},
    )
    assert page.status_code == 409
    assert "you edited revision 4, the current revision is 5" in error_beside(page.text, "title")
    assert field_value(page.text, "title") == "My title"
    assert field_value(page.text, "summary") == "My summary."
    assert field_value(page.text, "base_revision") == "5"
    stale = text_of(page.text)
    assert "Saved meanwhile by someone else" in stale
    assert "Title: The admin's title" in stale
    assert "<del" in page.text and "<ins" in page.text
    assert look.response(small).title == "The admin's title"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the response"),
        ({"title": "t" * 400}, "title", "at most 300 characters"),
        ({"rt_date": "yesterday"}, "rt_date", "must be a real date"),
    ],
)
def test_bad_detail_edits_change_nothing(browser_for, people, small, look, change, field, message):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/edit", {**DETAILS, **change, "base_revision": "4"}
    )
    assert page.status_code == 422
    assert message in error_beside(page.text, field)
    assert look.state(small) == before


@pytest.mark.parametrize(
    ("role", "status"), [("director2", 403), ("futures", 404), ("member", 404)]
)
def test_others_cannot_edit_the_details(browser_for, people, small, look, role, status):
    before = look.state(small)
    page = browser_for(getattr(people, role)).submit(
        f"/responses/{small}/edit", {**DETAILS, "base_revision": "4"}
    )
    assert page.status_code == status
    assert look.state(small) == before


def test_a_non_numeric_revision_in_a_form_gets_a_message(browser_for, people, small, look):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/edit", {**DETAILS, "base_revision": "four"}
    )
    assert page.status_code == 422
    assert page_error(page.text).startswith("base_revision: ")
    assert look.state(small) == before


# Adding and editing positions


def test_owner_adds_a_position_with_themes(browser_for, people, small, look):
    client = browser_for(people.director)
    form = client.get(f"/responses/{small}/positions/new")
    assert "Add a position" in form.text
    assert field_value(form.text, "base_revision") == "4"
    for slug in ("efficiency", "climate-change", "social-inclusion"):
        assert f'value="{slug}"' in form.text
    page = _follow(
        client,
        client.submit(
            f"/responses/{small}/positions",
            {
                "heading": "A fourth position",
                "body": "We **strongly** agree.",
                "themes": ["efficiency", "social-inclusion"],
                "base_revision": "4",
            },
        ),
    )
    assert flash(page.text) == "Saved “A fourth position”."
    assert "4. A fourth position" in text_of(page.text)
    assert "<strong>strongly</strong>" in page.text
    assert look.positions(small)[-1].themes == ["efficiency", "social-inclusion"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"heading": ""}, "heading", "Enter a heading for the position"),
        ({"heading": "  "}, "heading", "Enter a heading for the position"),
        ({"heading": "h" * 301}, "heading", "The heading must be at most 300 characters"),
        ({"body": "b" * 50_001}, "body", "The text must be at most 50,000 characters"),
        ({"body": "b" * 150_000}, "body", "The text must be at most 50,000 characters"),
        ({"themes": ["no-such-theme"]}, "themes", "Unknown theme 'no-such-theme'"),
    ],
)
def test_bad_positions_bring_the_form_back_with_the_error_beside_the_field(
    browser_for, people, small, look, change, field, message
):
    before = look.state(small)
    values = {
        "heading": "My heading",
        "body": "My carefully written text.",
        "themes": ["efficiency"],
        "base_revision": "4",
        **change,
    }
    page = browser_for(people.director).submit(f"/responses/{small}/positions", values)
    assert page.status_code == 422
    assert message in error_beside(page.text, field)
    assert field_value(page.text, "heading") == values["heading"]
    assert field_value(page.text, "body") == values["body"]
    assert look.state(small) == before


def test_a_10_mb_position_is_refused_with_a_page_saying_so(browser_for, people, small, look):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions",
        {"heading": "Huge", "body": "x" * (10 * 1024 * 1024), "base_revision": "4"},
    )
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "The request is too large: the limit is 2 MB." in page_error(page.text)
    assert look.state(small) == before


def test_saving_a_position_without_the_csrf_token_keeps_the_typed_text(
    browser_for, people, small, look
):
    before = look.state(small)
    page = browser_for(people.director).post(
        f"/responses/{small}/positions",
        data={"heading": "Unsaved", "body": "Words I typed for an hour.", "base_revision": "4"},
        follow_redirects=False,
    )
    assert page.status_code == 403
    assert "This form has expired or did not come from Tabled" in page_error(page.text)
    assert "Nothing was saved. Here is what you typed" in page.text
    assert "Words I typed for an hour." in page.text
    assert look.state(small) == before


def test_a_new_position_on_a_stale_revision_keeps_my_text(browser_for, people, small, look):
    director, admin = browser_for(people.director), browser_for(people.admin)
    admin.submit(
        f"/responses/{small}/positions",
        {"heading": "Admin's position", "body": "", "base_revision": "4"},
    )
    page = director.submit(
        f"/responses/{small}/positions",
        {"heading": "Mine", "body": "My new text.", "base_revision": "4"},
    )
    assert page.status_code == 409
    assert "Someone saved a newer version (revision 5)" in page.text
    assert field_value(page.text, "body") == "My new text."
    assert field_value(page.text, "base_revision") == "5"
    assert [p.heading for p in look.positions(small)][-1] == "Admin's position"


def test_a_position_from_the_future_is_refused(browser_for, people, small, look):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions",
        {"heading": "Later", "body": "Text.", "base_revision": "2147483647"},
    )
    assert page.status_code == 409
    assert "you edited revision 2147483647, the current revision is 4" in error_beside(
        page.text, "body"
    )
    assert field_value(page.text, "body") == "Text."
    assert look.state(small) == before


def test_owner_edits_a_position(browser_for, people, small, look):
    second = look.positions(small)[1]
    client = browser_for(people.director)
    form = client.get(f"/responses/{small}/positions/{second.id}/edit")
    assert field_value(form.text, "heading") == "Second position"
    assert field_value(form.text, "body") == "The second text."
    assert 'value="climate-change" checked' in form.text
    page = _follow(
        client,
        client.submit(
            f"/responses/{small}/positions/{second.id}",
            {"heading": "Second, better", "body": "Better text.", "base_revision": "4"},
        ),
    )
    assert flash(page.text) == "Saved “Second, better”."
    stored = look.positions(small)[1]
    assert (stored.heading, stored.body, stored.themes) == ("Second, better", "Better text.", [])


def test_a_stale_position_save_keeps_my_text_beside_the_newer_text_and_a_diff(
    browser_for, people, small, look
):
    first = look.positions(small)[0]
    director, admin = browser_for(people.director), browser_for(people.admin)
    opened = director.get(f"/responses/{small}/positions/{first.id}/edit")
    base = field_value(opened.text, "base_revision")
    saved = admin.submit(
        f"/responses/{small}/positions/{first.id}",
        {
            "heading": "First position",
            "body": "The first text, improved by the admin.",
            "themes": ["efficiency"],
            "base_revision": base,
        },
    )
    assert saved.status_code == 303
    page = director.submit(
        f"/responses/{small}/positions/{first.id}",
        {
            "heading": "First position",
            "body": "The first text, rewritten by the director.",
            "themes": ["efficiency"],
            "base_revision": base,
        },
    )
    assert page.status_code == 409
    assert "you edited revision 4, the current revision is 5" in error_beside(page.text, "body")
    assert field_value(page.text, "body") == "The first text, rewritten by the director."
    assert "The first text, improved by the admin." in page.text.split('id="saved-text">')[1]
    diff = page.text.split('id="stale-diff">')[1].split("</div>")[0]
    assert "<del" in diff and "<ins" in diff
    assert "director" in diff and "admin" in diff
    assert field_value(page.text, "base_revision") == "5"
    assert look.positions(small)[0].body == "The first text, improved by the admin."
    # saving again from the form that came back now succeeds
    again = director.submit(
        f"/responses/{small}/positions/{first.id}",
        {
            "heading": "First position",
            "body": "Merged text.",
            "themes": ["efficiency"],
            "base_revision": "5",
        },
    )
    assert again.status_code == 303
    assert look.positions(small)[0].body == "Merged text."


def test_a_stale_save_of_a_position_deleted_meanwhile_says_so(browser_for, people, small, look):
    first = look.positions(small)[0]
    director, admin = browser_for(people.director), browser_for(people.admin)
    admin.submit(f"/responses/{small}/positions/{first.id}/delete", {"base_revision": "4"})
    page = director.submit(
        f"/responses/{small}/positions/{first.id}",
        {"heading": "First position", "body": "Still mine.", "base_revision": "4"},
    )
    assert page.status_code == 404
    assert page_error(page.text) == f"no position {first.id} in this response"
    assert "Still mine." in page.text  # shown back so it can be copied


def test_a_position_from_another_response_cannot_be_edited_through_this_one(
    browser_for, people, small, import_draft, look
):
    other = import_draft(people.director, SMALL_DRAFT.replace("A small", "Another"))
    foreign = look.positions(other)[0]
    before_small, before_other = look.state(small), look.state(other)
    client = browser_for(people.director)
    form = client.get(f"/responses/{small}/positions/{foreign.id}/edit")
    assert form.status_code == 404
    assert page_error(form.text) == f"no position {foreign.id} in this response"
    page = client.submit(
        f"/responses/{small}/positions/{foreign.id}",
        {"heading": "Hijack", "body": "Crossed wires.", "base_revision": "4"},
    )
    assert page.status_code == 404
    assert "Crossed wires." in page.text  # the typed text is not lost
    for url in (
        f"/responses/{small}/positions/{foreign.id}/move",
        f"/responses/{small}/positions/{foreign.id}/delete",
    ):
        reply = client.submit(url, {"base_revision": "4", "direction": "up"})
        assert reply.status_code == 404, url
    assert look.state(small) == before_small
    assert look.state(other) == before_other


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/positions/abc/edit", 422),
        ("/positions/0/edit", 422),
        ("/positions/999999/edit", 404),
        ("/positions/999999/delete", 404),
    ],
)
def test_bad_position_ids_in_pages_get_a_clear_message(browser_for, people, small, url, status):
    page = browser_for(people.director).get(f"/responses/{small}{url}")
    assert page.status_code == status
    assert page_error(page.text)


@pytest.mark.parametrize(
    ("role", "status"), [("director2", 403), ("council", 404), ("member", 404)]
)
def test_others_cannot_add_or_edit_positions(browser_for, people, small, look, role, status):
    first = look.positions(small)[0]
    before = look.state(small)
    client = browser_for(getattr(people, role))
    for url in (f"/responses/{small}/positions", f"/responses/{small}/positions/{first.id}"):
        page = client.submit(url, {"heading": "Not mine", "body": "x", "base_revision": "4"})
        assert page.status_code == status
    assert look.state(small) == before


def test_positions_cannot_be_changed_once_submitted(browser_for, people, small, look):
    look.set_stage(small, "futures-review")
    before = look.state(small)
    client = browser_for(people.director)
    page = client.get(f"/responses/{small}")
    assert "Add a position" not in page.text
    form = client.get(f"/responses/{small}/positions/new")
    assert form.status_code == 409
    assert "only be changed while the response is in draft" in page_error(form.text)
    post = client.submit(
        f"/responses/{small}/positions", {"heading": "Late", "body": "x", "base_revision": "4"}
    )
    assert post.status_code == 409
    assert look.state(small) == before


# Preview


def test_preview_renders_markdown_safely(browser_for, people):
    client = browser_for(people.director)
    reply = client.submit(
        "/preview",
        {
            "body": "**bold** <script>alert(1)</script> [bad](javascript:alert(1)) [ok](https://x.org)"
        },
    )
    assert reply.status_code == 200
    assert "<strong>bold</strong>" in reply.text
    assert "<script>" not in reply.text
    assert "&lt;script&gt;" in reply.text
    assert 'href="javascript:' not in reply.text
    assert 'href="https://x.org"' in reply.text


def test_preview_of_nothing_says_so(browser_for, people):
    reply = browser_for(people.member).submit("/preview", {"body": "   "})
    assert "Nothing to preview yet." in reply.text


def test_preview_needs_the_csrf_token_and_a_signed_in_user(browser_for, web, people):
    assert browser_for(people.director).post("/preview", data={"body": "x"}).status_code == 403
    anonymous = web.post("/preview", data={"body": "x"}, follow_redirects=False)
    assert anonymous.status_code in (401, 403)


def test_the_preview_button_without_javascript_shows_the_form_and_saves_nothing(
    browser_for, people, small, look
):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions",
        {"heading": "Draft", "body": "Some *emphasis*.", "base_revision": "4", "action": "preview"},
    )
    assert page.status_code == 200
    assert "<em>emphasis</em>" in page.text
    assert field_value(page.text, "body") == "Some *emphasis*."
    assert look.state(small) == before


# Moving and deleting positions


def test_owner_moves_a_position_up_and_down(browser_for, people, small, look):
    first, second, third = look.positions(small)
    client = browser_for(people.director)
    page = _follow(
        client,
        client.submit(
            f"/responses/{small}/positions/{third.id}/move",
            {"direction": "up", "base_revision": "4"},
        ),
    )
    assert flash(page.text) == "Position moved."
    assert [p.id for p in look.positions(small)] == [first.id, third.id, second.id]
    client.submit(
        f"/responses/{small}/positions/{first.id}/move", {"direction": "down", "base_revision": "5"}
    )
    assert [p.id for p in look.positions(small)] == [third.id, first.id, second.id]
    assert look.response(small).revision == 6


@pytest.mark.parametrize(
    ("which", "data", "status", "message"),
    [
        (0, {"direction": "up", "base_revision": "4"}, 422, "cannot move further that way"),
        (2, {"direction": "down", "base_revision": "4"}, 422, "cannot move further that way"),
        (1, {"direction": "sideways", "base_revision": "4"}, 422, "direction"),
        (1, {"direction": "up", "base_revision": "3"}, 409, "you edited revision 3"),
        (1, {"direction": "up", "base_revision": "40"}, 409, "you edited revision 40"),
        (1, {"direction": "up"}, 422, "base_revision"),
    ],
)
def test_impossible_or_stale_moves_change_nothing(
    browser_for, people, small, look, which, data, status, message
):
    position = look.positions(small)[which]
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions/{position.id}/move", data
    )
    assert page.status_code == status
    assert message in page_error(page.text)
    assert look.state(small) == before


def test_owner_deletes_a_position_after_confirming(browser_for, people, small, look):
    first = look.positions(small)[0]
    client = browser_for(people.director)
    confirm = client.get(f"/responses/{small}/positions/{first.id}/delete")
    assert "Delete position 1, “First position”?" in confirm.text
    assert field_value(confirm.text, "base_revision") == "4"
    page = _follow(
        client,
        client.submit(f"/responses/{small}/positions/{first.id}/delete", {"base_revision": "4"}),
    )
    assert flash(page.text) == "Deleted “First position”. Its text stays in the history."
    assert "First position" not in text_of(page.text).replace("Deleted “First position”", "")
    assert [p.heading for p in look.positions(small)] == ["Second position", "Third position"]
    history = client.get(f"/responses/{small}/revisions")
    assert "Deleted “First position”" in history.text


def test_a_stale_delete_changes_nothing(browser_for, people, small, look):
    first = look.positions(small)[0]
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions/{first.id}/delete", {"base_revision": "2"}
    )
    assert page.status_code == 409
    assert "you edited revision 2, the current revision is 4" in page_error(page.text)
    assert look.state(small) == before


@pytest.mark.parametrize(
    ("role", "status"), [("director2", 403), ("futures", 404), ("member", 404)]
)
def test_others_cannot_move_or_delete_positions(browser_for, people, small, look, role, status):
    second = look.positions(small)[1]
    before = look.state(small)
    client = browser_for(getattr(people, role))
    moved = client.submit(
        f"/responses/{small}/positions/{second.id}/move", {"direction": "up", "base_revision": "4"}
    )
    deleted = client.submit(
        f"/responses/{small}/positions/{second.id}/delete", {"base_revision": "4"}
    )
    assert moved.status_code == deleted.status_code == status
    assert look.state(small) == before


# Export


def test_export_downloads_a_draft_file_that_imports_to_the_same_response(
    browser_for, people, oep, import_draft, look
):
    reply = browser_for(people.director2).get(f"/responses/{oep}/export")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/markdown; charset=utf-8"
    disposition = reply.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="response-to-the-operational-efficiency')
    assert disposition.endswith('.md"')
    draft = parse_draft(reply.text)
    assert draft.title == OEP_TITLE
    again = import_draft(people.director, reply.text)
    original, copy = look.positions(oep), look.positions(again)
    assert [(p.heading, p.body, p.themes) for p in original] == [
        (p.heading, p.body, p.themes) for p in copy
    ]


def test_member_cannot_export_a_draft(browser_for, people, oep):
    reply = browser_for(people.member).get(f"/responses/{oep}/export")
    assert reply.status_code == 404
    assert "Economic" not in reply.text


# History, compare and restore


def test_history_lists_every_revision_newest_first(browser_for, people, small):
    page = browser_for(people.director2).get(f"/responses/{small}/revisions")
    assert page.status_code == 200
    text = text_of(page.text)
    assert text.index("Added “Third position”") < text.index("Created the response")
    assert page.text.count('name="from"') == 4


def test_a_revision_page_shows_the_text_as_it_was(browser_for, people, small):
    page = browser_for(people.director).get(f"/responses/{small}/revisions/2")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Revision 2" in text
    assert "First position" in text
    assert "Second position" not in text
    assert "Restore this revision as the newest" in text
    current = browser_for(people.director).get(f"/responses/{small}/revisions/4")
    assert "Revision 4 (current)" in text_of(current.text)
    assert "Restore this revision" not in current.text


def test_compare_shows_what_changed_between_two_revisions(browser_for, people, small):
    client = browser_for(people.director2)
    page = client.get(f"/responses/{small}/compare?from=2&to=4")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Changes from revision 2 to 4" in text
    assert "Added [added: Second position ] Themes: none → climate-change" in text
    assert "Added [added: Third position ]" in text
    assert "[added: The third text. ]" in text
    assert "First position" not in text.split("Changes from revision 2 to 4")[-1]
    # the order of the two revisions does not matter
    swapped = client.get(f"/responses/{small}/compare?from=4&to=2")
    assert "Changes from revision 2 to 4" in text_of(swapped.text)
    same = client.get(f"/responses/{small}/compare?from=3&to=3")
    assert "The text is the same in both revisions." in same.text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?from=1&to=99", 404, "revision 99 does not exist for this response"),
        ("?from=abc&to=2", 422, "from: Input should be a valid integer"),
        ("?from=1", 422, "to: Field required"),
        ("", 422, "Field required"),
        ("?from=0&to=2", 422, "from: Input should be greater than or equal to 1"),
        ("?from=1&to=99999999999999", 422, "to: Input should be less than or equal"),
    ],
)
def test_bad_comparisons_get_a_clear_message(browser_for, people, small, query, status, message):
    page = browser_for(people.director).get(f"/responses/{small}/compare{query}")
    assert page.status_code == status
    assert message in page_error(page.text)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/revisions/99", 404, "revision 99 does not exist for this response"),
        ("/revisions/abc", 422, "number: Input should be a valid integer"),
    ],
)
def test_bad_revision_numbers_get_a_clear_message(browser_for, people, small, url, status, message):
    page = browser_for(people.director).get(f"/responses/{small}{url}")
    assert page.status_code == status
    assert message in page_error(page.text)


def test_owner_restores_an_earlier_revision_as_the_newest(browser_for, people, small, look):
    client = browser_for(people.director)
    page = _follow(
        client, client.submit(f"/responses/{small}/revisions/2/restore", {"base_revision": "4"})
    )
    assert flash(page.text) == "Restored revision 2 as revision 5."
    assert [p.heading for p in look.positions(small)] == ["First position"]
    assert look.positions(small)[0].themes == ["efficiency"]
    # nothing is thrown away: revision 4 can be restored in turn
    client.submit(f"/responses/{small}/revisions/4/restore", {"base_revision": "5"})
    assert [p.heading for p in look.positions(small)] == [
        "First position",
        "Second position",
        "Third position",
    ]
    assert look.revisions(small) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("number", "base", "status", "message"),
    [
        ("2", "3", 409, "you edited revision 3, the current revision is 4"),
        ("2", "77", 409, "you edited revision 77"),
        ("4", "4", 422, "that revision is already the current text"),
        ("99", "4", 404, "revision 99 does not exist"),
        ("abc", "4", 422, "number: Input should be a valid integer"),
        ("2", "", 422, "base_revision"),
    ],
)
def test_bad_restores_change_nothing(
    browser_for, people, small, look, number, base, status, message
):
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/revisions/{number}/restore", {"base_revision": base}
    )
    assert page.status_code == status
    assert message in page_error(page.text)
    assert look.state(small) == before


@pytest.mark.parametrize(
    ("role", "status"), [("director2", 403), ("futures", 404), ("member", 404)]
)
def test_others_cannot_restore(browser_for, people, small, look, role, status):
    before = look.state(small)
    page = browser_for(getattr(people, role)).submit(
        f"/responses/{small}/revisions/2/restore", {"base_revision": "4"}
    )
    assert page.status_code == status
    assert look.state(small) == before


def test_restore_without_the_csrf_token_changes_nothing(browser_for, people, small, look):
    before = look.state(small)
    page = browser_for(people.director).post(
        f"/responses/{small}/revisions/2/restore",
        data={"base_revision": "4"},
        follow_redirects=False,
    )
    assert page.status_code == 403
    assert look.state(small) == before


# Markup typed by people is shown as text


def test_markup_in_titles_and_headings_is_shown_as_text_not_run(browser_for, people, look):
    client = browser_for(people.director)
    page = _follow(
        client,
        client.submit("/responses", {**DETAILS, "title": "<script>alert('t')</script> Title"}),
    )
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Title" in page.text
    response_id = int(page.url.path.rsplit("/", 1)[1])
    saved = _follow(
        client,
        client.submit(
            f"/responses/{response_id}/positions",
            {
                "heading": '<img src=x onerror="alert(1)">',
                "body": "<b>raw</b>",
                "base_revision": "1",
            },
        ),
    )
    assert "<img src=x" not in saved.text
    assert "&lt;img src=x" in saved.text
    assert "<b>raw</b>" not in saved.text
    assert "&lt;b&gt;raw&lt;/b&gt;" in saved.text
    assert flash(saved.text) == 'Saved “<img src=x onerror="alert(1)">”.'


def test_a_wrong_method_gets_a_clear_message(browser_for, people, small):
    client = browser_for(people.director)
    page = client.request("DELETE", "/logout")
    assert page.status_code == 405
    assert page_error(page.text) == "Method Not Allowed"
    # Opened with GET, a POST-only address leads to a page instead (test_forms.py),
    # without doing what the form does: still signed in.
    reopened = client.get("/logout", follow_redirects=False)
    assert reopened.status_code == 303 and reopened.headers["location"] == "/"
    assert client.get("/account").status_code == 200
