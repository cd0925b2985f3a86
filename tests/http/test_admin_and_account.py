"""Admin pages for users, and each person's own page: API tokens and password."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, Web

from .conftest import error_beside, field_value, flash, page_error, text_of

NEW_USER = {
    "email": "Newcomer@Example.org",
    "name": "Nia Newcomer",
    "role": "member",
    "password": "a-long-enough-password",
    "groups": ["futures"],
    "other_groups": "",
}


def _follow(client, reply):  # type: ignore[no-untyped-def]
    assert reply.status_code == 303, (reply.status_code, page_error(reply.text))
    return client.get(reply.headers["location"])


def _can_sign_in(app, email: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    with Web(app, base_url="http://testserver") as client:
        client.refresh_csrf()
        reply = client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": client.csrf},
            follow_redirects=False,
        )
        return reply.status_code == 303


# The list of users


def test_admin_sees_every_user_with_role_groups_and_state(browser_for, people):
    page = browser_for(people.admin).get("/admin/users")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Futures futures@example.org member Futures Active" in text
    assert "Council council@example.org member National Advisory Council Active" in text
    # How each signs in, and when they last did: these have not yet.
    assert "futures@example.org member Futures Active Password Never" in text
    assert "Director director@example.org director" in text
    assert "Users" in browser_for(people.admin).get("/").text


@pytest.mark.parametrize("role", ["director", "futures", "member"])
def test_non_admins_cannot_open_or_use_the_user_pages(browser_for, people, look, role):
    client = browser_for(getattr(people, role))
    assert 'href="/admin/users"' not in client.get("/").text
    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{people.member.id}"):
        page = client.get(url)
        assert page.status_code == 403, url
        assert page_error(page.text) == "only admins can manage users"
    added = client.submit("/admin/users", NEW_USER)
    assert added.status_code == 403
    assert look.user("newcomer@example.org") is None
    promoted = client.submit(
        f"/admin/users/{people.member.id}", {"name": "Member", "role": "admin", "active": "yes"}
    )
    assert promoted.status_code == 403
    assert look.user(people.member.email).role == "member"


def test_a_bearer_token_cannot_be_used_to_post_admin_forms(api_for, people, look):
    client = api_for(people.admin)
    assert client.get("/admin/users").status_code == 200
    reply = client.post("/admin/users", data=NEW_USER, follow_redirects=False)
    assert reply.status_code in (401, 403)
    assert look.user("newcomer@example.org") is None


# Adding users


def test_admin_adds_a_user_who_can_then_sign_in(app, browser_for, people, look):
    client = browser_for(people.admin)
    form = client.get("/admin/users/new")
    assert "Add a user" in form.text
    assert 'value="futures"' in form.text and 'value="advisory-council"' in form.text
    page = _follow(
        client, client.submit("/admin/users", {**NEW_USER, "other_groups": "policy-team"})
    )
    assert flash(page.text) == "Added Nia Newcomer."
    assert "newcomer@example.org" in page.text
    user = look.user("newcomer@example.org")
    assert user is not None and user.role == "member" and user.active
    assert _can_sign_in(app, "newcomer@example.org", "a-long-enough-password")
    newcomer = Web(app, base_url="http://testserver").__enter__()
    try:
        newcomer.sign_in("newcomer@example.org", "a-long-enough-password")
        assert "Futures, Policy team" in newcomer.get("/account").text
    finally:
        newcomer.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "director@example.org"}, "email", "A user with email director@example.org"),
        ({"email": "DIRECTOR@example.org"}, "email", "already exists"),
        ({"email": "not-an-email"}, "email", "'not-an-email' is not an email address"),
        ({"email": ""}, "email", "is not an email address"),
        ({"name": ""}, "name", "A name is needed"),
        ({"name": "n" * 201}, "name", "A name is needed (at most 200 characters)"),
        ({"role": "superuser"}, "role", "Unknown role 'superuser'"),
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"other_groups": "Bad Group!"}, "groups", "is not a valid name"),
    ],
)
def test_bad_new_users_bring_the_form_back_with_the_error_beside_the_field(
    browser_for, people, look, change, field, message
):
    values = {**NEW_USER, **change}
    page = browser_for(people.admin).submit("/admin/users", values)
    assert page.status_code == 422
    assert message in error_beside(page.text, field)
    assert field_value(page.text, "name") == values["name"]
    assert field_value(page.text, "password") == ""  # never echoed back
    if field != "email":
        assert look.user("newcomer@example.org") is None
    assert look.user("director@example.org").name == "Director"


def test_adding_a_user_without_the_csrf_token_adds_nobody(browser_for, people, look):
    page = browser_for(people.admin).post("/admin/users", data=NEW_USER, follow_redirects=False)
    assert page.status_code == 403
    assert look.user("newcomer@example.org") is None


# Changing users


def test_admin_makes_a_member_a_futures_reviewer_who_then_sees_drafts(
    browser_for, people, small, look
):
    look.set_stage(small, "futures-review")  # a response the Futures group has been given
    member = browser_for(people.member)
    assert member.get(f"/responses/{small}").status_code == 404
    admin = browser_for(people.admin)
    form = admin.get(f"/admin/users/{people.member.id}")
    assert field_value(form.text, "name") == "Member"
    assert 'id="active" name="active" type="checkbox" value="yes" checked' in form.text
    page = _follow(
        admin,
        admin.submit(
            f"/admin/users/{people.member.id}",
            {"name": "Morgan Member", "role": "member", "groups": ["futures"], "active": "yes"},
        ),
    )
    assert flash(page.text) == "Saved Morgan Member."
    assert "Morgan Member member@example.org member Futures Active" in text_of(page.text)
    # the change applies to the open session at once
    assert member.get(f"/responses/{small}").status_code == 200


def test_admin_makes_a_member_a_director_who_can_then_start_responses(browser_for, people):
    member = browser_for(people.member)
    assert member.get("/responses/new").status_code == 403
    browser_for(people.admin).submit(
        f"/admin/users/{people.member.id}", {"name": "Member", "role": "director", "active": "yes"}
    )
    assert member.get("/responses/new").status_code == 200


def test_a_deactivated_user_is_marked_in_the_list(browser_for, people, look):
    admin = browser_for(people.admin)
    admin.submit(f"/admin/users/{people.member.id}", {"name": "Member", "role": "member"})
    assert look.user(people.member.email).active is False
    assert "Member member@example.org member Deactivated" in text_of(admin.get("/admin/users").text)


@pytest.mark.parametrize(
    "change",
    [{"role": "member", "active": "yes"}, {"role": "admin", "active": ""}],
    ids=["demote", "deactivate"],
)
def test_an_admin_cannot_lock_themselves_out(browser_for, people, look, change):
    page = browser_for(people.admin).submit(
        f"/admin/users/{people.admin.id}", {"name": "Admin", **change}
    )
    assert page.status_code == 422
    assert "You cannot remove your own admin role or deactivate yourself" in error_beside(
        page.text, "role"
    )
    user = look.user(people.admin.email)
    assert (user.role, user.active) == ("admin", True)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "A name is needed"),
        ({"role": "owner"}, "role", "Unknown role 'owner'"),
        ({"groups": ["Not OK"]}, "groups", "is not a valid name"),
    ],
)
def test_bad_user_changes_change_nothing(browser_for, people, look, change, field, message):
    page = browser_for(people.admin).submit(
        f"/admin/users/{people.futures.id}",
        {"name": "Futures", "role": "member", "groups": ["futures"], "active": "yes", **change},
    )
    assert page.status_code == 422
    assert message in error_beside(page.text, field)
    user = look.user(people.futures.email)
    assert (user.name, user.role, user.active) == ("Futures", "member", True)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/admin/users/424242", 404, "no user with id 424242"),
        ("/admin/users/abc", 422, "user_id: Input should be a valid integer"),
        ("/admin/users/0", 422, "user_id: Input should be greater than or equal to 1"),
    ],
)
def test_unknown_or_bad_user_ids_get_a_clear_message(browser_for, people, url, status, message):
    client = browser_for(people.admin)
    page = client.get(url)
    assert page.status_code == status
    assert message in page_error(page.text)
    posted = client.submit(url, {"name": "X", "role": "member", "active": "yes"})
    assert posted.status_code == status


# API tokens


def _new_token(page: str) -> str:
    found = re.search(r'<code id="new-token" class="tbl-token">([^<]+)</code>', page)
    assert found, "no new token shown"
    return found.group(1)


def test_a_token_made_on_the_account_page_opens_the_api_and_is_shown_once(app, browser_for, people):
    client = browser_for(people.director)
    page = client.submit("/account/tokens", {"label": "nightly export"})
    assert page.status_code == 200
    assert "Copy it now: it is not shown again." in page.text
    token = _new_token(page.text)
    assert token.startswith("tbl_")
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        reply = api.get("/api/v1/responses")
        assert reply.status_code == 200
    again = client.get("/account")
    assert token not in again.text
    assert 'id="new-token"' not in again.text
    listed = text_of(again.text)
    assert f"{token[:10]}… nightly export" in listed


def test_a_revoked_token_stops_working_on_the_api_and_on_pages(app, browser_for, people, look):
    client = browser_for(people.director)
    token = _new_token(client.submit("/account/tokens", {"label": "script"}).text)
    token_id = look.tokens(people.director.id)[0].id
    page = _follow(client, client.submit(f"/account/tokens/{token_id}/revoke"))
    assert flash(page.text) == "Token revoked: it no longer works."
    assert "Revoked" in page.text
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        reply = api.get("/api/v1/themes")
        assert reply.status_code == 401
        assert reply.json()["detail"] == "the API token is not valid or has been revoked"
        assert api.get("/", follow_redirects=False).status_code == 401
    # revoking twice is harmless
    assert client.submit(f"/account/tokens/{token_id}/revoke").status_code == 303


def test_nobody_can_revoke_someone_elses_token(api_for, browser_for, people, look):
    api = api_for(people.director)
    token_id = look.tokens(people.director.id)[0].id
    for role in ("director2", "admin"):
        page = browser_for(getattr(people, role)).submit(f"/account/tokens/{token_id}/revoke")
        assert page.status_code == 404
        assert page_error(page.text) == "no such token"
    assert api.get("/api/v1/themes").status_code == 200
    assert look.tokens(people.director.id)[0].revoked_at is None


@pytest.mark.parametrize(
    ("url", "status"),
    [("/account/tokens/424242/revoke", 404), ("/account/tokens/abc/revoke", 422)],
)
def test_revoking_an_unknown_token_gets_a_clear_message(browser_for, people, url, status):
    page = browser_for(people.director).submit(url)
    assert page.status_code == status
    assert page_error(page.text)


def test_making_a_token_needs_the_csrf_token(browser_for, people, look):
    page = browser_for(people.director).post(
        "/account/tokens", data={"label": "x"}, follow_redirects=False
    )
    assert page.status_code == 403
    assert look.tokens(people.director.id) == []


def test_an_over_long_token_label_is_refused_with_a_reason(browser_for, people, look):
    page = browser_for(people.director).submit("/account/tokens", {"label": "l" * 101})
    assert page.status_code == 422
    assert "label" in page_error(page.text)
    assert look.tokens(people.director.id) == []


def test_a_token_cannot_make_more_tokens(api_for, people, look):
    client = api_for(people.director)
    reply = client.post("/account/tokens", data={"label": "x"}, follow_redirects=False)
    assert reply.status_code in (401, 403)
    assert len(look.tokens(people.director.id)) == 1


# Password


def test_the_account_page_says_who_you_are(browser_for, people):
    text = text_of(browser_for(people.council).get("/account").text)
    assert "Council, council@example.org – member; groups: National Advisory Council." in text


def test_changing_the_password_replaces_the_old_one(app, browser_for, people):
    client = browser_for(people.member)
    page = _follow(
        client,
        client.submit(
            "/account/password",
            {"current_password": PASSWORD, "new_password": "a-brand-new-password"},
        ),
    )
    assert flash(page.text) == "Password changed: you are signed out everywhere else."
    assert not _can_sign_in(app, people.member.email, PASSWORD)
    assert _can_sign_in(app, people.member.email, "a-brand-new-password")


def test_a_wrong_current_password_is_shown_beside_that_field(app, browser_for, people):
    page = browser_for(people.member).submit(
        "/account/password",
        {"current_password": "not-my-password", "new_password": "a-brand-new-password"},
    )
    assert page.status_code == 422
    assert error_beside(page.text, "current_password") == "Your current password is not right"
    assert _can_sign_in(app, people.member.email, PASSWORD)


def test_a_short_new_password_is_shown_beside_the_new_password_field(app, browser_for, people):
    page = browser_for(people.member).submit(
        "/account/password", {"current_password": PASSWORD, "new_password": "short"}
    )
    assert page.status_code == 422
    assert "at least 10 characters" in error_beside(page.text, "new_password")
    assert _can_sign_in(app, people.member.email, PASSWORD)


def test_changing_the_password_needs_the_csrf_token(app, browser_for, people):
    page = browser_for(people.member).post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a-brand-new-password"},
        follow_redirects=False,
    )
    assert page.status_code == 403
    assert _can_sign_in(app, people.member.email, PASSWORD)
