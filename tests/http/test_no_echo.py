"""A refused form shows back what was typed, but never a password or other secret; error
pages and pages about who you are tell caches not to keep them."""

from __future__ import annotations

import pytest

from server.security import is_secret_field
from tests.conftest import PASSWORD, Web

from .conftest import page_error

SECRET = "my-very-secret-passphrase-42"


def _stale(_client: Web) -> str:
    return "a-token-from-a-page-opened-yesterday"


def test_a_sign_in_with_a_stale_form_never_shows_the_password_back(web, people):
    web.get("/login")
    reply = web.post(
        "/login",
        data={"email": people.director.email, "password": SECRET, "csrf_token": _stale(web)},
        follow_redirects=False,
    )
    assert reply.status_code == 403
    assert "This form has expired" in page_error(reply.text)
    assert SECRET not in reply.text
    assert people.director.email in reply.text  # the harmless fields are still kept
    assert reply.headers["cache-control"] == "no-store"


def test_a_stale_password_change_never_shows_either_password(browser_for, people):
    client = browser_for(people.member)
    reply = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": SECRET, "csrf_token": _stale(client)},
        follow_redirects=False,
    )
    assert reply.status_code == 403
    assert SECRET not in reply.text
    assert PASSWORD not in reply.text
    assert reply.headers["cache-control"] == "no-store"


def test_a_stale_add_user_form_keeps_the_name_but_not_the_password(browser_for, people):
    client = browser_for(people.admin)
    reply = client.post(
        "/admin/users",
        data={
            "email": "newcomer@example.org",
            "name": "Nia Newcomer",
            "role": "member",
            "password": SECRET,
            "csrf_token": _stale(client),
        },
        follow_redirects=False,
    )
    assert reply.status_code == 403
    assert "Nia Newcomer" in reply.text
    assert SECRET not in reply.text


@pytest.mark.parametrize(
    "name", ["password", "new_password", "current_password", "csrf_token", "api_key", "secret"]
)
def test_fields_named_like_secrets_are_never_echoed(name):
    assert is_secret_field(name)


@pytest.mark.parametrize("name", ["body", "heading", "email", "name", "quote", "summary"])
def test_ordinary_fields_are_echoed(name):
    assert not is_secret_field(name)


@pytest.mark.parametrize("url", ["/login", "/account", "/admin/users"])
def test_sign_in_account_and_admin_pages_are_never_cached(browser_for, web, people, url):
    client = web if url == "/login" else browser_for(people.admin)
    reply = client.get(url, follow_redirects=False)
    assert reply.status_code == 200
    assert reply.headers["cache-control"] == "no-store"


def test_error_pages_are_never_cached(browser_for, people):
    client = browser_for(people.member)
    for url in ("/responses/999999", "/no-such-page", "/admin/users"):
        reply = client.get(url, follow_redirects=False)
        assert reply.status_code >= 400, url
        assert reply.headers["cache-control"] == "no-store", url


def test_a_too_large_request_is_never_cached(browser_for, people, settings):
    client = browser_for(people.member)
    reply = client.post("/preview", content=b"x" * (settings.max_body_bytes + 1))
    assert reply.status_code == 413
    assert reply.headers["cache-control"] == "no-store"
