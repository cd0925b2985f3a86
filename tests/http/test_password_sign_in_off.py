"""Password sign-in turned off once single sign-on is in place: the sign-in page offers
only the provider, passwords and reset links are refused with a page saying how to get
in, API tokens keep working, and the command line still lets an admin back in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from server.accounts import links
from server.accounts.tokens import create_token
from server.app import create_app
from server.models import AccountEvent, AccountLink, OutboxMessage, User, UserSession
from tests.conftest import CSRF_RE, PASSWORD, Web
from tests.oidc_mock import MOCK_WARNINGS, approve, callback_path, mock_provider, set_claims

from .conftest import text_of

pytestmark = [pytest.mark.filterwarnings(w) for w in MOCK_WARNINGS]
TABLED = Path(sys.executable).parent / "tabled"
LINK_RE = re.compile(r"https?://[^\s]+(/login/link/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with mock_provider() as issuer:
        yield issuer


def _settings(settings, provider: str, **more: object):  # type: ignore[no-untyped-def]
    return settings.model_copy(
        update={
            "oidc_issuer": provider,
            "oidc_client_id": "tabled",
            "oidc_client_secret": "tabled-secret",
            "oidc_name": "Council Account",
            "password_sign_in": False,
            "base_url": "http://testserver",
            **more,
        }
    )


@pytest.fixture
def off_app(settings, engine, provider):  # type: ignore[no-untyped-def]
    return create_app(_settings(settings, provider), engine)


@pytest.fixture
def client(off_app) -> Iterator[Web]:  # type: ignore[no-untyped-def]
    """A browser holding a form's CSRF token from a page opened before passwords were
    turned off (a page without a form carries none)."""
    off = off_app.state.settings
    off_app.state.settings = off.model_copy(update={"password_sign_in": True})
    with Web(off_app, base_url="http://testserver") as web:
        web.refresh_csrf()
        off_app.state.settings = off
        yield web


def _signed_in(client: Web) -> bool:
    reply = client.get("/", follow_redirects=False)
    return reply.status_code == 200 and "Hello," in reply.text


def _actions(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(AccountEvent.action).order_by(col(AccountEvent.id))).all())


def test_the_sign_in_page_offers_only_the_provider(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert "Sign in with Council Account" in text_of(page.text)
    assert 'type="password"' not in page.text and 'action="/login"' not in page.text
    assert "/login/forgotten" not in page.text
    assert "does not use passwords here" in text_of(page.text)


def test_a_right_password_is_refused_with_a_clear_message(client, people, engine):
    reply = client.submit(
        "/login",
        {"email": people.member.email, "password": PASSWORD, "next": "/"},
    )
    assert reply.status_code == 403
    assert "Password sign-in is turned off here" in text_of(reply.text)
    assert "Sign in with Council Account instead" in text_of(reply.text)
    assert not _signed_in(client)
    with Session(engine) as s:
        assert s.exec(select(UserSession)).first() is None


def test_the_forgotten_password_flow_is_off_and_sends_nothing(client, people, engine):
    page = client.get("/login/forgotten")
    assert "Passwords are not used here" in text_of(page.text)
    assert 'name="email"' not in page.text
    reply = client.submit("/login/forgotten", {"email": people.member.email})
    assert reply.status_code == 403
    assert "Sign in with Council Account" in text_of(reply.text)
    with Session(engine) as s:
        assert s.exec(select(OutboxMessage)).first() is None


def test_a_reset_link_from_before_sets_no_password_now(client, people, engine):
    with Session(engine) as s:
        links.request_reset(s, email=people.member.email, address="x", base_url="http://t")
        s.commit()
        mail = s.exec(select(OutboxMessage)).one()
        before = s.exec(select(User.password_hash).where(User.id == people.member.id)).one()
    path = LINK_RE.search(mail.body).group(1)  # type: ignore[union-attr]
    page = client.get(path)
    assert page.status_code == 403 and "no password to set" in text_of(page.text)
    reply = client.submit(path, {"password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert reply.status_code == 403
    with Session(engine) as s:
        after = s.exec(select(User.password_hash).where(User.id == people.member.id)).one()
        assert after == before
        assert s.exec(select(AccountLink.used_at)).one() is None
    assert _actions(engine)[-2:] == ["link.refused.passwords_off"] * 2


def test_api_tokens_keep_working(off_app, session, people):
    _token, plain = create_token(session, people.member.id, "script")
    session.commit()
    with Web(off_app, base_url="http://testserver") as script:
        reply = script.get("/api/v1/themes", headers={"Authorization": f"Bearer {plain}"})
        assert reply.status_code == 200
        assert {"slug": "efficiency", "name": "Efficiency"} in reply.json()


def test_single_sign_on_still_lets_people_in(client, provider, people):
    set_claims(provider, "m-off", email=people.member.email, email_verified=True)
    start = client.get("/auth/oidc/start", follow_redirects=False)
    back = callback_path(approve(start.headers["location"], "m-off"))
    assert client.get(back, follow_redirects=False).status_code == 303
    assert _signed_in(client)


def test_an_invitation_says_to_use_the_council_account_and_carries_no_link(off_app, people, engine):
    with Web(off_app, base_url="http://testserver") as admin:
        admin.refresh_csrf()
        # The admin is already in through the command line (below) or single sign-on;
        # here the test signs them in the way the app allows: a one-time link.
        with Session(engine) as s:
            _user, url = links.make_sign_in_link(s, people.admin.email, base_url="http://t")
            s.commit()
        path = LINK_RE.search(url).group(1)  # type: ignore[union-attr]
        token = CSRF_RE.search(admin.get(path).text).group(1)  # type: ignore[union-attr]
        assert admin.post(path, data={"csrf_token": token}).status_code == 200
        admin.refresh_csrf()
        reply = admin.submit(
            "/admin/invitations",
            {"email": "ana@council.example", "name": "Ana Reviewer", "role": "member"},
        )
        assert reply.status_code == 303
        users_page = text_of(admin.get("/admin/users").text)
    assert "Council account: has not signed in yet" in users_page
    with Session(engine) as s:
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.to_email == "ana@council.example"))
        body = mail.one().body
        invites = select(AccountLink).where(AccountLink.purpose == links.INVITE)
        assert s.exec(invites).first() is None
    assert "Sign in with Council Account" in body and "http://testserver/login" in body
    assert "/login/link/" not in body


def test_without_single_sign_on_the_setting_cannot_shut_everyone_out(settings, engine, people):
    app = create_app(settings.model_copy(update={"password_sign_in": False}), engine)
    with Web(app, base_url="http://testserver") as web:
        assert 'type="password"' in web.get("/login").text
        web.sign_in(people.member.email)
        assert _signed_in(web)


def _tabled(engine, *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "TABLED_BASE_URL": "http://testserver",
    }
    return subprocess.run([str(TABLED), *args], env=env, capture_output=True, text=True, timeout=60)


def test_the_command_line_prints_a_one_time_link_that_lets_an_admin_back_in(client, people, engine):
    done = _tabled(engine, "users", "sign-in-link", "ADMIN@example.org")
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip().splitlines()[-1]
    assert url.startswith("http://testserver/login/link/")
    path = LINK_RE.search(url).group(1)  # type: ignore[union-attr]
    page = client.get(path)  # looking at it (or a mail scanner fetching it) uses nothing
    assert page.status_code == 200 and "Sign in as Admin" in text_of(page.text)
    token = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
    reply = client.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert reply.status_code == 303
    assert "Users" in client.get("/admin/users").text
    with Web(client.app, base_url="http://testserver") as thief:
        again = thief.get(path)
        assert again.status_code == 410 and "used already" in text_of(again.text)
        assert not _signed_in(thief)
    with Session(engine) as s:
        methods = s.exec(select(UserSession.method).where(UserSession.user_id == people.admin.id))
        assert list(methods) == ["link"]
    assert _actions(engine) == ["signin_link.made", "signin_link.used", "link.refused.used"]


def test_the_command_line_refuses_unknown_and_deactivated_people_in_one_line(engine, people):
    with Session(engine) as s:
        member = s.get(User, people.member.id)
        assert member is not None
        member.active = False
        s.add(member)
        s.commit()
    for email in ("nobody@example.org", people.member.email):
        done = _tabled(engine, "users", "sign-in-link", email)
        assert done.returncode == 1
        assert done.stderr.strip() == f"tabled: no active user with email {email}"
