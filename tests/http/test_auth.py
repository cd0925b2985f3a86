"""Signing in and out, CSRF, throttling, expired or tampered sessions, deactivation."""

from __future__ import annotations

import json
import time
from base64 import b64encode

import itsdangerous
import pytest
from fastapi.testclient import TestClient

from server.accounts.sessions import create_session
from server.config import Settings
from server.db import write_session
from tests.conftest import PASSWORD, Web

from .conftest import error_beside, field_value, page_error

BAD_CREDENTIALS = "The email address or password is not right."


def _login(client: Web, email: str, password: str, next_url: str = "/", csrf: str | None = None):  # type: ignore[no-untyped-def]
    if csrf is None:
        client.refresh_csrf()
        csrf = client.csrf
    return client.post(
        "/login",
        data={"email": email, "password": password, "next": next_url, "csrf_token": csrf},
        follow_redirects=False,
    )


def _session_cookie(settings: Settings, data: dict, *, age_seconds: int = 0) -> str:
    """A session cookie as the app would sign it, optionally made `age_seconds` ago."""

    class Signer(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age_seconds

    payload = b64encode(json.dumps(data).encode())
    return Signer(settings.resolved_secret_key()).sign(payload).decode()


def _real_key(engine, user_id: int) -> str:  # type: ignore[no-untyped-def]
    """The key of a real session record for the user, as a sign-in would make it."""
    with write_session(engine) as s:
        key = create_session(s, user_id, method="password", user_agent="test", address="x")
        s.commit()
    return key


def _signed_in(client: TestClient) -> bool:
    reply = client.get("/", follow_redirects=False)
    return reply.status_code == 200 and "Hello," in reply.text


# Signing in


def test_login_page_offers_a_form_with_a_csrf_token(web):
    page = web.get("/login")
    assert page.status_code == 200
    assert "Sign in to Tabled" in page.text
    assert field_value(page.text, "csrf_token")
    assert 'name="password" type="password"' in page.text


def test_anonymous_visitor_is_sent_to_sign_in_and_back_afterwards(web, people):
    reply = web.get("/library", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == "/login?next=/library"
    page = web.get(reply.headers["location"])
    assert field_value(page.text, "next") == "/library"
    signed = _login(web, people.member.email, PASSWORD, next_url="/library")
    assert signed.status_code == 303
    assert signed.headers["location"] == "/library"
    assert "Briefings library" in web.get("/library").text


def test_director_signs_in_and_is_greeted_by_name(web, people):
    reply = _login(web, "  Director@Example.org ", PASSWORD)
    assert reply.status_code == 303
    home = web.get("/")
    assert home.status_code == 200
    assert "Hello, Director" in home.text
    assert "Sign out" in home.text


def test_session_cookie_is_httponly_and_samesite_lax(web, people):
    reply = _login(web, people.director.email, PASSWORD)
    cookie = reply.headers["set-cookie"].lower()
    assert cookie.startswith("tabled_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie


def test_session_cookie_is_secure_when_served_over_https(settings, engine, people):
    from server.app import create_app

    app = create_app(settings.model_copy(update={"https": True}), engine)
    with Web(app, base_url="https://testserver") as client:
        reply = _login(client, people.director.email, PASSWORD)
        assert reply.status_code == 303
        assert "secure" in reply.headers["set-cookie"].lower()


def test_signed_in_user_visiting_login_goes_straight_home(browser_for, people):
    client = browser_for(people.director)
    reply = client.get("/login", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == "/"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_sends_people_to_another_site(web, people, target):
    reply = _login(web, people.director.email, PASSWORD, next_url=target)
    assert reply.status_code == 303
    assert reply.headers["location"] == "/"


def test_wrong_password_shows_the_form_again_with_the_email_kept(web, people):
    reply = _login(web, people.director.email, "not-the-password")
    assert reply.status_code == 400
    assert error_beside(reply.text, "email") == BAD_CREDENTIALS
    assert field_value(reply.text, "email") == people.director.email
    assert field_value(reply.text, "password") == ""
    assert not _signed_in(web)


def test_unknown_email_gets_exactly_the_same_answer_as_a_wrong_password(web, people):
    wrong_password = _login(web, "director@example.org", "not-the-password")
    unknown_email = _login(web, "nobody@example.org", "not-the-password")
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert error_beside(unknown_email.text, "email") == BAD_CREDENTIALS
    # the same page, word for word, apart from the address typed in
    assert wrong_password.text.replace("director@", "X@") == unknown_email.text.replace(
        "nobody@", "X@"
    )


@pytest.mark.parametrize(
    ("email", "password"),
    [("", ""), ("director@example.org", ""), ("x" * 300 + "@example.org", "p"), ("a", "p" * 5000)],
)
def test_empty_or_absurd_credentials_get_a_message_not_an_error(web, people, email, password):
    reply = _login(web, email, password)
    assert 400 <= reply.status_code < 500
    # An empty box is named ("Enter your password"), before any password is checked.
    told = (BAD_CREDENTIALS, "Enter your email address", "Enter your password")
    assert any(message in reply.text for message in told) or page_error(reply.text)
    assert not _signed_in(web)


def test_sign_in_without_a_csrf_token_is_refused_with_a_reason(web, people):
    reply = web.post(
        "/login",
        data={"email": people.director.email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert reply.status_code == 403
    assert "This form has expired or did not come from Tabled" in page_error(reply.text)
    assert "Traceback" not in reply.text
    assert not _signed_in(web)


def test_sign_in_with_a_forged_csrf_token_is_refused(web, people):
    reply = _login(web, people.director.email, PASSWORD, csrf="forged-token")
    assert reply.status_code == 403
    assert not _signed_in(web)


def test_signing_in_starts_a_fresh_session(web, people):
    web.get("/login")
    before = web.cookies.get("tabled_session")
    _login(web, people.director.email, PASSWORD)
    after = web.cookies.get("tabled_session")
    assert before and after and before != after
    # the CSRF token of the anonymous session no longer works
    reply = web.post(
        "/logout", data={"csrf_token": web.csrf}, follow_redirects=False
    )  # refreshed by _login before sign-in, so stale now
    assert reply.status_code == 403
    assert _signed_in(web)


# Throttling (more in test_signin_throttle.py)


def test_repeated_failures_make_that_address_wait_even_with_the_right_password(web, people):
    for _ in range(5):
        assert _login(web, people.director.email, "wrong-password").status_code == 400
    reply = _login(web, people.director.email, PASSWORD)
    assert reply.status_code == 429
    message = error_beside(reply.text, "email")
    assert "Too many failed sign-in attempts" in message
    assert "Wait 1 minute and try again" in message
    assert 0 < int(reply.headers["retry-after"]) <= 60
    assert not _signed_in(web)


def test_throttling_does_not_reveal_whether_an_account_exists(web, people):
    for email in (people.director.email, "ghost@example.org"):
        for _ in range(5):
            _login(web, email, "wrong-password")
    known = _login(web, people.director.email, "wrong-password")
    unknown = _login(web, "ghost@example.org", "wrong-password")
    assert known.status_code == unknown.status_code == 429
    assert error_beside(known.text, "email") == error_beside(unknown.text, "email")


def test_throttling_one_email_leaves_other_people_able_to_sign_in(web, people):
    for _ in range(6):
        _login(web, people.director.email, "wrong-password")
    reply = _login(web, people.member.email, PASSWORD)
    assert reply.status_code == 303
    assert _signed_in(web)


def test_a_successful_sign_in_clears_earlier_failures(web, people, browser_for):
    for _ in range(4):
        _login(web, people.director.email, "wrong-password")
    browser_for(people.director)  # signs in successfully, from the same address
    for _ in range(4):
        assert _login(web, people.director.email, "wrong-password").status_code == 400
    assert _login(web, people.director.email, PASSWORD).status_code == 303


def test_failures_are_counted_however_the_email_is_typed(web, people):
    for variant in ("DIRECTOR@example.org", " director@example.org", "Director@Example.Org"):
        _login(web, variant, "wrong-password")
        _login(web, variant, "wrong-password")
    assert _login(web, people.director.email, PASSWORD).status_code == 429


# Signing out


def test_sign_out_ends_the_session(browser_for, people):
    client = browser_for(people.director)
    reply = client.submit("/logout")
    assert reply.status_code == 303
    assert reply.headers["location"] == "/login"
    assert not _signed_in(client)
    again = client.get("/responses", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")


def test_sign_out_without_the_csrf_token_keeps_you_signed_in(browser_for, people):
    client = browser_for(people.director)
    reply = client.post("/logout", follow_redirects=False)
    assert reply.status_code == 403
    assert "This form has expired" in page_error(reply.text)
    assert _signed_in(client)


def test_csrf_token_may_come_in_the_htmx_header(browser_for, people):
    client = browser_for(people.director)
    reply = client.post(
        "/preview", data={"body": "**bold**"}, headers={"X-CSRF-Token": client.csrf}
    )
    assert reply.status_code == 200
    assert "<strong>bold</strong>" in reply.text
    wrong = client.post("/preview", data={"body": "x"}, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403


# Expired, tampered and orphaned sessions


def test_an_expired_session_sends_you_to_sign_in_again(web, settings, people):
    csrf = "a-csrf-token"
    old = _session_cookie(
        settings,
        {"sid": "an-expired-key", "csrf": csrf},
        age_seconds=settings.session_max_age + 60,
    )
    web.cookies.set("tabled_session", old, domain="testserver.local")
    reply = web.get("/responses", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == "/login?next=/responses"


def test_a_form_sent_from_an_expired_session_is_refused_and_shows_what_was_typed(
    web, settings, people, small, look
):
    csrf = "a-csrf-token"
    old = _session_cookie(
        settings,
        {"sid": "an-expired-key", "csrf": csrf},
        age_seconds=settings.session_max_age + 60,
    )
    web.cookies.set("tabled_session", old, domain="testserver.local")
    before = look.state(small)
    reply = web.post(
        f"/responses/{small}/positions",
        data={
            "csrf_token": csrf,
            "heading": "Typed before lunch",
            "body": "A long paragraph I do not want to lose.",
            "base_revision": "4",
        },
        follow_redirects=False,
    )
    assert reply.status_code == 403
    assert "This form has expired" in page_error(reply.text)
    assert "A long paragraph I do not want to lose." in reply.text
    assert look.state(small) == before


def test_a_fresh_forged_style_cookie_works_so_the_expiry_test_is_meaningful(
    web, settings, people, engine
):
    key = _real_key(engine, people.director.id)
    fresh = _session_cookie(settings, {"sid": key, "csrf": "t"})
    web.cookies.set("tabled_session", fresh, domain="testserver.local")
    assert _signed_in(web)


def test_a_tampered_session_cookie_counts_as_signed_out(web, settings, people, engine):
    good = _session_cookie(settings, {"sid": _real_key(engine, people.member.id), "csrf": "t"})
    payload, _, rest = good.partition(".")
    admins = _real_key(engine, people.admin.id)
    forged_payload = b64encode(json.dumps({"sid": admins, "csrf": "t"}).encode()).decode()
    web.cookies.set("tabled_session", f"{forged_payload}.{rest}", domain="testserver.local")
    reply = web.get("/admin/users", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login")


@pytest.mark.parametrize("cookie", ["garbage", "", "a.b.c", "x" * 4000, "null"])
def test_a_garbled_session_cookie_counts_as_signed_out(web, cookie):
    web.cookies.set("tabled_session", cookie, domain="testserver.local")
    reply = web.get("/", follow_redirects=False)
    assert reply.status_code == 303
    assert web.get("/login").status_code == 200


def test_a_session_key_nobody_issued_counts_as_signed_out(web, settings):
    web.cookies.set(
        "tabled_session",
        _session_cookie(settings, {"sid": "made-up-key", "csrf": "t"}),
        domain="testserver.local",
    )
    reply = web.get("/", follow_redirects=False)
    assert reply.status_code == 303


@pytest.mark.parametrize("field", [{"uid": 1}, {"sid": 1}, {"sid": None}, {"sid": "k" * 500}])
def test_a_cookie_without_a_proper_session_key_counts_as_signed_out(web, settings, people, field):
    # "uid" is what cookies held before session records: such a cookie signs nobody in.
    web.cookies.set(
        "tabled_session",
        _session_cookie(settings, {**field, "csrf": "t"}),
        domain="testserver.local",
    )
    reply = web.get("/", follow_redirects=False)
    assert reply.status_code == 303


# Deactivation


def _deactivate(admin: Web, user_id: int, name: str, role: str = "member") -> None:
    reply = admin.submit(f"/admin/users/{user_id}", {"name": name, "role": role, "active": ""})
    assert reply.status_code == 303, page_error(reply.text)


def test_a_deactivated_user_cannot_sign_in_and_is_told_nothing_more(web, browser_for, people):
    _deactivate(browser_for(people.admin), people.member.id, "Member")
    reply = _login(web, people.member.email, PASSWORD)
    assert reply.status_code == 400
    assert error_beside(reply.text, "email") == BAD_CREDENTIALS
    assert not _signed_in(web)


def test_deactivating_a_user_ends_their_open_session(browser_for, people, small, look):
    director = browser_for(people.director)
    assert _signed_in(director)
    _deactivate(browser_for(people.admin), people.director.id, "Director", "director")
    reply = director.get(f"/responses/{small}", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login")
    before = look.state(small)
    post = director.submit(
        f"/responses/{small}/positions",
        {"heading": "Sneaky", "body": "", "base_revision": "4"},
    )
    assert post.status_code in (401, 403)
    assert look.state(small) == before


def test_deactivating_a_user_stops_their_api_tokens(api_for, browser_for, people):
    api = api_for(people.director)
    assert api.get("/api/v1/responses").status_code == 200
    _deactivate(browser_for(people.admin), people.director.id, "Director", "director")
    reply = api.get("/api/v1/responses")
    assert reply.status_code == 401
    assert reply.json()["detail"]


def test_a_reactivated_user_can_sign_in_again(web, browser_for, people):
    admin = browser_for(people.admin)
    _deactivate(admin, people.member.id, "Member")
    admin.submit(
        f"/admin/users/{people.member.id}", {"name": "Member", "role": "member", "active": "yes"}
    )
    assert _login(web, people.member.email, PASSWORD).status_code == 303


# Bearer tokens on pages


def test_a_bearer_token_opens_every_get_page(api_for, people, small):
    client = api_for(people.director)
    for url in (
        "/",
        "/responses",
        "/library",
        "/themes",
        "/account",
        f"/responses/{small}",
        f"/responses/{small}/revisions",
        f"/responses/{small}/export",
        f"/responses/{small}/positions/new",
    ):
        reply = client.get(url, follow_redirects=False)
        assert reply.status_code == 200, url
    assert "Hello, Director" in client.get("/").text


def test_a_bearer_token_cannot_post_page_forms(api_for, people, small, look):
    client = api_for(people.director)
    before = look.state(small)
    reply = client.post(
        f"/responses/{small}/positions",
        data={"heading": "Via token", "body": "", "base_revision": "4"},
        follow_redirects=False,
    )
    assert reply.status_code in (401, 403)
    assert look.state(small) == before


def test_a_bad_bearer_token_on_a_page_gets_401_not_the_sign_in_page(app, people):
    with TestClient(app, headers={"Authorization": "Bearer tbl_not-a-real-token"}) as client:
        reply = client.get("/", follow_redirects=False)
        assert reply.status_code == 401
        assert "not valid or has been revoked" in page_error(reply.text)
