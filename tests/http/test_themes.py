"""Themes: everyone reads the list; admins add, rename and retire; a retired theme is
not offered for new positions but stays on old ones."""

from __future__ import annotations

import re

import pytest

from .conftest import error_beside, field_value, flash, page_error, text_of

CORE = {"climate-change": "Climate change", "social-inclusion": "Social inclusion",
        "efficiency": "Efficiency"}  # fmt: skip


def _follow(client, reply):  # type: ignore[no-untyped-def]
    assert reply.status_code == 303, (reply.status_code, page_error(reply.text))
    return client.get(reply.headers["location"])


def _api_themes(api) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {t["slug"]: t["name"] for t in api.get("/api/v1/themes").json()}


def _offered(page: str) -> set[str]:
    """Theme slugs offered as checkboxes on a position form."""
    return set(re.findall(r'name="themes" type="checkbox" value="([^"]+)"', page))


# Reading


@pytest.mark.parametrize("role", ["admin", "director", "futures", "member"])
def test_everyone_sees_the_core_themes(browser_for, people, role):
    page = browser_for(getattr(people, role)).get("/themes")
    assert page.status_code == 200
    text = text_of(page.text)
    for slug, name in CORE.items():
        assert f"{name} {slug} Core" in text


@pytest.mark.parametrize("role", ["director", "futures", "member"])
def test_only_admins_are_offered_theme_changes(browser_for, people, role):
    page = browser_for(getattr(people, role)).get("/themes")
    assert "Add a theme" not in page.text
    assert "Retire" not in page.text
    assert "Add a theme" in browser_for(people.admin).get("/themes").text


@pytest.mark.parametrize("role", ["director", "council", "member"])
def test_non_admins_cannot_add_rename_or_retire_themes(browser_for, people, look, role):
    client = browser_for(getattr(people, role))
    attempts = [
        ("/themes", {"name": "Open standards"}),
        ("/themes/efficiency", {"name": "Thrift"}),
        ("/themes/efficiency/retire", {"retired": "yes"}),
    ]
    for url, data in attempts:
        page = client.submit(url, data)
        assert page.status_code == 403, url
        assert page_error(page.text) == "only admins can change themes"
    themes = look.themes()
    assert set(themes) == set(CORE)
    assert themes["efficiency"].name == "Efficiency"
    assert not themes["efficiency"].retired


# Adding


def test_admin_adds_a_theme_that_positions_can_then_use(browser_for, api_for, people, small):
    admin = browser_for(people.admin)
    page = _follow(admin, admin.submit("/themes", {"name": "Open standards", "slug": ""}))
    assert flash(page.text) == "Added the theme “Open standards”."
    assert "Open standards open-standards Added" in text_of(page.text)
    director = api_for(people.director)
    assert _api_themes(director)["open-standards"] == "Open standards"
    form = browser_for(people.director).get(f"/responses/{small}/positions/new")
    assert "open-standards" in _offered(form.text)
    saved = director.post(
        f"/api/v1/responses/{small}/positions",
        json={"heading": "Use open standards", "themes": ["open-standards"], "base_revision": 4},
    )
    assert saved.status_code == 201
    assert saved.json()["themes"] == ["open-standards"]


def test_admin_may_choose_the_slug(browser_for, people, look):
    admin = browser_for(people.admin)
    admin.submit("/themes", {"name": "Shared services", "slug": "sharing"})
    assert look.theme("sharing").name == "Shared services"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name for the theme, of at most 100 characters"),
        ({"name": "   "}, "name", "Enter a name for the theme, of at most 100 characters"),
        ({"name": "n" * 101}, "name", "Enter a name for the theme, of at most 100 characters"),
        ({"name": "Efficiency"}, "slug", "A theme with slug 'efficiency' already exists"),
        ({"name": "Thrift", "slug": "efficiency"}, "slug", "already exists"),
        ({"name": "Thrift", "slug": "Not A Slug"}, "slug", "is not a valid slug"),
        ({"name": "Thrift", "slug": "s" * 61}, "slug", "is not a valid slug"),
        ({"name": "!!!"}, "slug", "is not a valid slug"),
    ],
)
def test_bad_new_themes_bring_the_form_back_with_the_error_beside_the_field(
    browser_for, people, look, values, field, message
):
    page = browser_for(people.admin).submit("/themes", values)
    assert page.status_code == 422
    assert message in error_beside(page.text, field)
    assert field_value(page.text, "slug") == values.get("slug", "")
    assert set(look.themes()) == set(CORE)


def test_adding_a_theme_needs_the_csrf_token(browser_for, people, look):
    page = browser_for(people.admin).post(
        "/themes", data={"name": "Open standards"}, follow_redirects=False
    )
    assert page.status_code == 403
    assert set(look.themes()) == set(CORE)


# Renaming


def test_admin_renames_a_theme_and_positions_show_the_new_name(
    browser_for, api_for, people, small, look
):
    admin = browser_for(people.admin)
    page = _follow(admin, admin.submit("/themes/efficiency", {"name": "Value for money"}))
    assert flash(page.text) == "Renamed the theme to “Value for money”."
    assert look.theme("efficiency").name == "Value for money"
    response_page = browser_for(people.director).get(f"/responses/{small}")
    assert "Value for money" in response_page.text
    api = api_for(people.director)
    assert _api_themes(api)["efficiency"] == "Value for money"
    assert api.get(f"/api/v1/responses/{small}").json()["positions"][0]["themes"] == ["efficiency"]


@pytest.mark.parametrize("name", ["", "   ", "n" * 101])
def test_a_bad_new_name_is_shown_beside_that_theme(browser_for, people, look, name):
    page = browser_for(people.admin).submit("/themes/efficiency", {"name": name})
    assert page.status_code == 422
    assert "Enter a name for the theme" in error_beside(page.text, "name-efficiency")
    assert look.theme("efficiency").name == "Efficiency"


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/themes/no-such-theme", 404, "no theme 'no-such-theme'"),
        ("/themes/no-such-theme/retire", 404, "no theme 'no-such-theme'"),
        ("/themes/Not_A_Slug", 422, "slug: String should match pattern"),
        ("/themes/Not_A_Slug/retire", 422, "slug: String should match pattern"),
    ],
)
def test_unknown_or_malformed_theme_addresses_get_a_clear_message(
    browser_for, people, look, url, status, message
):
    page = browser_for(people.admin).submit(url, {"name": "Whatever", "retired": "yes"})
    assert page.status_code == status
    assert message in page_error(page.text)
    assert set(look.themes()) == set(CORE)


# Retiring


def _retire(admin, slug: str, retired: str = "yes"):  # type: ignore[no-untyped-def]
    return _follow(admin, admin.submit(f"/themes/{slug}/retire", {"retired": retired}))


def test_a_retired_theme_is_not_offered_for_new_positions(browser_for, api_for, people, small):
    admin = browser_for(people.admin)
    page = _retire(admin, "climate-change")
    assert flash(page.text) == "“Climate change” is retired: it stays on old positions."
    assert "Climate change climate-change Core Retired" in text_of(page.text)
    assert "Bring back" in page.text
    api = api_for(people.director)
    assert "climate-change" not in _api_themes(api)
    form = browser_for(people.director).get(f"/responses/{small}/positions/new")
    assert "climate-change" not in _offered(form.text)
    refused = api.post(
        f"/api/v1/responses/{small}/positions",
        json={"heading": "Green IT", "themes": ["climate-change"], "base_revision": 4},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "theme 'climate-change' is retired and cannot be added"


def test_a_retired_theme_stays_on_the_positions_that_have_it(
    browser_for, api_for, people, small, look
):
    second = look.positions(small)[1]
    assert second.themes == ["climate-change"]
    _retire(browser_for(people.admin), "climate-change")
    api = api_for(people.director)
    assert api.get(f"/api/v1/responses/{small}").json()["positions"][1]["themes"] == [
        "climate-change"
    ]
    director = browser_for(people.director)
    assert "Climate change" in director.get(f"/responses/{small}").text
    # its edit form still offers it, marked as retired, and saving keeps it
    form = director.get(f"/responses/{small}/positions/{second.id}/edit")
    assert "climate-change" in _offered(form.text)
    assert "Climate change (retired)" in form.text
    saved = director.submit(
        f"/responses/{small}/positions/{second.id}",
        {
            "heading": "Second position",
            "body": "Edited.",
            "themes": ["climate-change"],
            "base_revision": "4",
        },
    )
    assert saved.status_code == 303
    assert look.positions(small)[1].themes == ["climate-change"]
    # so does the API
    kept = api.put(
        f"/api/v1/responses/{small}/positions/{second.id}",
        json={"heading": "Second position", "themes": ["climate-change"], "base_revision": 5},
    )
    assert kept.status_code == 200
    assert kept.json()["themes"] == ["climate-change"]


def test_a_retired_theme_cannot_be_given_to_another_existing_position(
    browser_for, api_for, people, small, look
):
    first = look.positions(small)[0]
    _retire(browser_for(people.admin), "climate-change")
    before = look.state(small)
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions/{first.id}",
        {
            "heading": "First position",
            "body": "The first text.",
            "themes": ["efficiency", "climate-change"],
            "base_revision": "4",
        },
    )
    assert page.status_code == 422
    assert "is retired and cannot be added" in error_beside(page.text, "themes")
    assert field_value(page.text, "body") == "The first text."
    reply = api_for(people.director).put(
        f"/api/v1/responses/{small}/positions/{first.id}",
        json={"heading": "First", "themes": ["climate-change"], "base_revision": 4},
    )
    assert reply.status_code == 422
    assert look.state(small) == before


def test_a_retired_theme_can_be_brought_back(browser_for, api_for, people, look):
    admin = browser_for(people.admin)
    _retire(admin, "efficiency")
    page = _retire(admin, "efficiency", "no")
    assert flash(page.text) == "“Efficiency” is back in use."
    assert not look.theme("efficiency").retired
    assert "efficiency" in _api_themes(api_for(people.director))


def test_retiring_needs_the_csrf_token(browser_for, people, look):
    page = browser_for(people.admin).post(
        "/themes/efficiency/retire", data={"retired": "yes"}, follow_redirects=False
    )
    assert page.status_code == 403
    assert not look.theme("efficiency").retired


def test_an_unknown_theme_in_a_position_form_is_named_in_the_error(browser_for, people, small):
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions",
        {"heading": "H", "body": "B", "themes": ["made-up"], "base_revision": "4"},
    )
    assert page.status_code == 422
    message = error_beside(page.text, "themes")
    assert message.startswith("Unknown theme 'made-up': use one of ")
    for slug in CORE:
        assert slug in message
