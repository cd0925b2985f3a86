"""The admin page for groups: who is in each review group, adding and removing them,
starting a group; only admins, CSRF on every form, bad input shown beside its field.
Also retiring a theme, which now asks to confirm on a page of its own."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from server.accounts.users import groups_of

from .conftest import error_beside, flash, page_error, text_of


def _in(engine, user_id: int) -> frozenset[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as fresh:
        return groups_of(fresh, user_id)


def _follow(client, reply):  # type: ignore[no-untyped-def]
    assert reply.status_code == 303, (reply.status_code, page_error(reply.text))
    return client.get(reply.headers["location"])


@pytest.mark.parametrize("role", ["director", "futures", "member"])
def test_only_admins_see_or_change_groups(browser_for, people, engine, role):
    client = browser_for(getattr(people, role))
    for url in ("/admin/groups", "/admin/groups/futures"):
        assert client.get(url).status_code == 403, url
    attempts = [
        ("/admin/groups", {"name": "data-sharing", "user_id": str(people.member.id)}),
        ("/admin/groups/futures/members", {"user_id": str(people.member.id)}),
        (f"/admin/groups/futures/members/{people.futures.id}/remove", {}),
    ]
    for url, data in attempts:
        reply = client.submit(url, data)
        assert reply.status_code == 403, url
    assert _in(engine, people.member.id) == frozenset()
    assert _in(engine, people.futures.id) == {"futures"}
    assert "/admin/groups" not in client.get("/").text  # not offered in the header either


def test_signed_out_people_are_sent_to_sign_in(app):
    from tests.conftest import Web

    reply = Web(app).get("/admin/groups", follow_redirects=False)
    assert reply.status_code == 303 and "/login" in reply.headers["location"]


def test_the_list_shows_every_workflow_group_with_its_members(browser_for, people):
    admin = browser_for(people.admin)
    page = admin.get("/admin/groups")
    assert page.status_code == 200
    text = text_of(page.text)
    assert (
        "futures Futures review (Policy response (Futures, then National Advisory Council)) 1"
        in text
    )
    assert "advisory-council Council review" in text
    assert 'href="/admin/groups"' in admin.get("/").text  # in the admin's header
    group = text_of(admin.get("/admin/groups/futures").text)
    assert "Members (1)" in group and people.futures.name in group
    assert people.council.email not in group.split("Add a member")[0]


def test_an_admin_adds_and_removes_a_member(browser_for, api_for, people, engine, import_draft):
    rid = import_draft(people.director)
    api_for(people.director).post(f"/api/v1/responses/{rid}/actions", json={"action": "submit"})
    reviewer = browser_for(people.futures)
    assert reviewer.get(f"/responses/{rid}").status_code == 200
    admin = browser_for(people.admin)
    added = admin.submit("/admin/groups/futures/members", {"user_id": str(people.member.id)})
    page = _follow(admin, added)
    assert flash(page.text) == f"Added {people.member.name} to futures."
    assert _in(engine, people.member.id) == {"futures"}
    assert "Members (2)" in text_of(page.text)
    assert browser_for(people.member).get(f"/responses/{rid}").status_code == 200

    removed = admin.submit(f"/admin/groups/futures/members/{people.futures.id}/remove", {})
    page = _follow(admin, removed)
    assert flash(page.text) == f"Removed {people.futures.name} from futures."
    assert _in(engine, people.futures.id) == frozenset()
    # Their next request already knows: the group's draft is closed to them.
    assert reviewer.get(f"/responses/{rid}").status_code == 404


def test_bad_input_is_shown_beside_the_field_and_changes_nothing(browser_for, people, engine):
    admin = browser_for(people.admin)
    for user_id, status, reason in [
        ("", 422, "Choose the person to add"),
        ("abc", 422, "User_id must be written with the digits 0-9 only"),
        ("99999", 422, "Choose the person to add from the list"),
        (str(people.futures.id), 409, f"{people.futures.name} is already in futures"),
    ]:
        reply = admin.submit("/admin/groups/futures/members", {"user_id": user_id})
        assert reply.status_code == status, (user_id, reply.status_code)
        assert error_beside(reply.text, "user_id") == reason
        assert "There is a problem" in reply.text
    assert admin.get("/admin/groups/no-such-group").status_code == 404
    assert admin.get("/admin/groups/Not_A_Group").status_code == 422
    gone = admin.submit(f"/admin/groups/futures/members/{people.member.id}/remove", {})
    assert gone.status_code == 404
    assert admin.submit("/admin/groups/nobody-here/members", {"user_id": "1"}).status_code == 404
    assert _in(engine, people.futures.id) == {"futures"}
    assert _in(engine, people.member.id) == frozenset()


def test_a_deactivated_account_is_not_added(browser_for, people, engine):
    admin = browser_for(people.admin)
    admin.submit(
        f"/admin/users/{people.member.id}",
        {"name": people.member.name, "role": "member", "active": ""},
    )
    reply = admin.submit("/admin/groups/futures/members", {"user_id": str(people.member.id)})
    assert reply.status_code == 422
    assert "deactivated" in error_beside(reply.text, "user_id")
    assert _in(engine, people.member.id) == frozenset()


def test_a_new_group_starts_with_its_first_member(browser_for, people, engine):
    admin = browser_for(people.admin)
    started = admin.submit(
        "/admin/groups", {"name": "data-sharing", "user_id": str(people.member.id)}
    )
    assert started.headers["location"] == "/admin/groups/data-sharing"
    page = _follow(admin, started)
    assert "No workflow stage names this group yet" in page.text
    assert _in(engine, people.member.id) == {"data-sharing"}
    assert "data-sharing No workflow stage yet 1" in text_of(admin.get("/admin/groups").text)
    # Its last member gone, a group no workflow names is gone too.
    left = admin.submit(f"/admin/groups/data-sharing/members/{people.member.id}/remove", {})
    assert left.headers["location"] == "/admin/groups"
    assert admin.get("/admin/groups/data-sharing").status_code == 404


@pytest.mark.parametrize(
    ("name", "user", "status", "field", "reason"),
    [
        ("", "member", 422, "name", "Enter the group's name"),
        ("Data Sharing", "member", 422, "name", "lower-case letters"),
        ("futures", "member", 409, "name", "There is already a group called futures"),
        ("data-sharing", "", 422, "user_id", "Choose the person to add"),
    ],
)
def test_starting_a_group_refuses_bad_input_and_keeps_it(
    browser_for, people, engine, name, user, status, field, reason
):
    admin = browser_for(people.admin)
    user_id = str(people.member.id) if user else ""
    reply = admin.submit("/admin/groups", {"name": name, "user_id": user_id})
    assert reply.status_code == status
    assert reason in error_beside(reply.text, field)
    assert f'value="{name}"' in reply.text
    assert _in(engine, people.member.id) == frozenset()


def test_group_forms_refuse_a_missing_or_forged_csrf_token(browser_for, people, engine):
    admin = browser_for(people.admin)
    for token in ("", "forged"):
        for url, data in [
            ("/admin/groups/futures/members", {"user_id": str(people.member.id)}),
            (f"/admin/groups/futures/members/{people.futures.id}/remove", {}),
            ("/admin/groups", {"name": "x-group", "user_id": str(people.member.id)}),
        ]:
            reply = admin.post(url, data={**data, "csrf_token": token}, follow_redirects=False)
            assert reply.status_code == 403, (url, token)
    assert _in(engine, people.member.id) == frozenset()
    assert _in(engine, people.futures.id) == {"futures"}


# Retiring a theme asks first.


def test_retiring_a_theme_asks_to_confirm_on_its_own_page(browser_for, people, look, import_draft):
    import_draft(people.director)
    admin = browser_for(people.admin)
    themes = admin.get("/themes").text
    assert 'href="/themes/efficiency/retire"' in themes
    assert 'action="/themes/efficiency/retire"' not in themes  # no one-click retiring
    confirm = admin.get("/themes/efficiency/retire")
    assert confirm.status_code == 200
    text = text_of(confirm.text)
    assert "Retire the theme “Efficiency”?" in text
    assert "positions carry this theme: they keep it" in text
    assert not look.themes()["efficiency"].retired  # asking changes nothing
    done = _follow(admin, admin.submit("/themes/efficiency/retire", {"retired": "yes"}))
    assert "“Efficiency” is retired" in flash(done.text)
    # Retired: bringing it back is one click, and asking again goes back to the list.
    assert 'action="/themes/efficiency/retire"' in done.text
    again = admin.get("/themes/efficiency/retire", follow_redirects=False)
    assert again.status_code == 303


@pytest.mark.parametrize("role", ["director", "member"])
def test_only_admins_get_the_retire_confirmation(browser_for, people, role):
    assert browser_for(getattr(people, role)).get("/themes/efficiency/retire").status_code == 403
