"""Single sign-on against a real OpenID Connect server (oidc-provider-mock on a
loopback port): who gets in, who is refused, and forged or replayed callbacks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, col, select

from server.app import create_app
from server.models import AccountEvent, User, UserGroup, UserSession
from tests.conftest import Web
from tests.oidc_mock import MOCK_WARNINGS, approve, callback_path, mock_provider, set_claims

from .conftest import text_of

pytestmark = [pytest.mark.filterwarnings(w) for w in MOCK_WARNINGS]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with mock_provider() as issuer:
        yield issuer


@pytest.fixture
def sso_app(settings, engine, provider):  # type: ignore[no-untyped-def]
    configured = settings.model_copy(
        update={
            "oidc_issuer": provider,
            "oidc_client_id": "tabled",
            "oidc_client_secret": "tabled-secret",
            "oidc_name": "Council Account",
            "base_url": "http://testserver",
        }
    )
    return create_app(configured, engine)


_claims = set_claims


def _through_provider(client: Web, sub: str) -> str:
    """Start at Tabled, let the provider's form approve `sub`; the callback path."""
    start = client.get("/auth/oidc/start", follow_redirects=False)
    assert start.status_code == 303
    authorize = start.headers["location"]
    assert "code_challenge=" in authorize and "nonce=" in authorize
    return callback_path(approve(authorize, sub))


def _signed_in_as(client: Web) -> str:
    page = client.get("/", follow_redirects=False)
    return page.text if page.status_code == 200 and "Hello," in page.text else ""


def test_a_person_with_a_verified_email_signs_in_as_their_tabled_user(
    sso_app, provider, people, engine
):
    _claims(provider, "ana-1", email="Member@Example.org", email_verified=True)
    with Web(sso_app, base_url="http://testserver") as client:
        assert "Sign in with Council Account" in client.get("/login").text
        reply = client.get(_through_provider(client, "ana-1"), follow_redirects=False)
        assert reply.status_code == 303
        assert "Hello, Member" in _signed_in_as(client)
    with Session(engine) as s:
        methods = s.exec(select(UserSession.method).where(UserSession.user_id == people.member.id))
        assert "oidc" in list(methods)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": "stranger@example.org", "email_verified": True}, "no Tabled account"),
        ({"email": "member@example.org", "email_verified": False}, "verified email"),
        ({"email": "member@example.org"}, "verified email"),
    ],
)
def test_unknown_and_unverified_people_are_refused_and_nothing_is_made(
    sso_app, provider, people, engine, claims, reason
):
    _claims(provider, "x-" + reason[:5].replace(" ", ""), **claims)
    with Web(sso_app, base_url="http://testserver") as client:
        reply = client.get(_through_provider(client, "x-" + reason[:5].replace(" ", "")))
        assert reply.status_code == 403
        assert reason in text_of(reply.text)
        assert not _signed_in_as(client)
    with Session(engine) as s:
        assert s.exec(select(User).where(User.email == "stranger@example.org")).first() is None


def test_a_deactivated_user_is_refused(sso_app, provider, people, browser_for):
    admin = browser_for(people.admin)
    admin.submit(f"/admin/users/{people.member.id}", {"name": "Member", "role": "member"})
    _claims(provider, "gone", email="member@example.org", email_verified=True)
    with Web(sso_app, base_url="http://testserver") as client:
        reply = client.get(_through_provider(client, "gone"))
        assert reply.status_code == 403 and "deactivated" in text_of(reply.text)


def test_a_forged_or_missing_state_or_code_and_a_replayed_callback_get_400(
    sso_app, provider, people
):
    _claims(provider, "ana-2", email="member@example.org", email_verified=True)
    with Web(sso_app, base_url="http://testserver") as client:
        path = _through_provider(client, "ana-2")
        code = parse_qs(urlsplit(path).query)["code"][0]
        forged = client.get(f"/auth/oidc/callback?state=forged&code={code}")
        assert forged.status_code == 400 and "did not start here" in text_of(forged.text)
        # The forged try used up this browser's start: the real callback is refused too.
        assert client.get(path).status_code == 400
    with Web(sso_app, base_url="http://testserver") as client:
        assert client.get("/auth/oidc/callback").status_code == 400
        path = _through_provider(client, "ana-2")
        state = parse_qs(urlsplit(path).query)["state"][0]
        assert client.get(f"/auth/oidc/callback?state={state}").status_code == 400
    with Web(sso_app, base_url="http://testserver") as client:
        path = _through_provider(client, "ana-2")
        assert client.get(path, follow_redirects=False).status_code == 303
        assert client.get(path).status_code == 400  # the same callback again: replayed


def _last_event(engine) -> str:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.exec(select(AccountEvent.action).order_by(col(AccountEvent.id).desc())).first()


def test_every_refused_callback_is_audited(sso_app, provider, people, engine):
    _claims(provider, "ana-3", email="member@example.org", email_verified=True)
    with Web(sso_app, base_url="http://testserver") as client:
        client.get("/auth/oidc/callback?state=forged&code=x")
        assert _last_event(engine) == "oidc.refused.state"
        path = _through_provider(client, "ana-3")
        state = parse_qs(urlsplit(path).query)["state"][0]
        client.get(f"/auth/oidc/callback?state={state}")
        assert _last_event(engine) == "oidc.refused.no_code"


def test_a_cancelled_sign_in_says_so_without_echoing_what_came_back(sso_app, provider, engine):
    with Web(sso_app, base_url="http://testserver") as client:
        for error, shown in (("access_denied", True), ("<b>pwned</b>", False)):
            start = client.get("/auth/oidc/start", follow_redirects=False)
            state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
            reply = client.get("/auth/oidc/callback", params={"state": state, "error": error})
            assert reply.status_code == 400
            page = text_of(reply.text)
            assert "Council Account did not sign you in" in page and "cancelled" in page
            assert ("access_denied" in page) is shown and "pwned" not in reply.text
            assert _last_event(engine) == "oidc.refused.provider"


def test_a_code_used_once_or_carried_into_another_browser_is_refused(
    sso_app, provider, people, engine
):
    _claims(provider, "ana-4", email="member@example.org", email_verified=True)
    with (
        Web(sso_app, base_url="http://testserver") as first,
        Web(sso_app, base_url="http://testserver") as second,
    ):
        # A code the provider already exchanged, sent with another browser's own state.
        fresh = _through_provider(first, "ana-4")
        assert first.get(fresh, follow_redirects=False).status_code == 303
        used = parse_qs(urlsplit(fresh).query)["code"][0]
        own = parse_qs(urlsplit(_through_provider(second, "ana-4")).query)["state"][0]
        replayed = second.get(f"/auth/oidc/callback?state={own}&code={used}")
        assert replayed.status_code == 400 and "Start again" in text_of(replayed.text)
        assert _last_event(engine) == "oidc.refused.code"
        # A code never used, but issued to the first browser (its PKCE verifier and
        # nonce): carried into the second, it lets nobody in.
        stolen = parse_qs(urlsplit(_through_provider(first, "ana-4")).query)["code"][0]
        own = parse_qs(urlsplit(_through_provider(second, "ana-4")).query)["state"][0]
        carried = second.get(f"/auth/oidc/callback?state={own}&code={stolen}")
        assert carried.status_code == 400
        assert "Hello," not in second.get("/").text


def test_without_settings_there_is_no_sso_button_and_the_callback_says_so(web):
    assert "Sign in with" not in web.get("/login").text
    assert web.get("/auth/oidc/callback?state=a&code=b").status_code == 404


@pytest.fixture
def open_app(settings, engine, provider):  # type: ignore[no-untyped-def]
    """SSO that gives people of council.example a plain-member account on first sign-on."""
    configured = settings.model_copy(
        update={
            "oidc_issuer": provider,
            "oidc_client_id": "tabled",
            "oidc_client_secret": "tabled-secret",
            "oidc_name": "Council Account",
            "oidc_member_domains": "@Council.Example, second.example",
            "base_url": "http://testserver",
        }
    )
    return create_app(configured, engine)


def _events(engine) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        rows = s.exec(select(AccountEvent.action, AccountEvent.email).order_by(AccountEvent.id))
        return [(action, email) for action, email in rows]


def test_a_verified_person_of_an_allowed_domain_gets_a_plain_member_account_once(
    open_app, provider, people, engine
):
    _claims(provider, "new-1", email="Ana@council.example", email_verified=True, name="Ana Lee")
    for visit in range(2):
        with Web(open_app, base_url="http://testserver") as client:
            reply = client.get(_through_provider(client, "new-1"))
            assert reply.status_code == 200
            assert "Hello, Ana Lee" in reply.text
            if visit == 0:
                assert "your account was made from your Council Account sign-in" in reply.text
    with Session(engine) as s:
        made = s.exec(select(User).where(User.email == "ana@council.example")).all()
        assert [(u.role, u.password_hash, u.active) for u in made] == [("member", "", True)]
        assert not s.exec(select(UserGroup).where(UserGroup.user_id == made[0].id)).all()
    assert [a for a, e in _events(engine) if e == "ana@council.example"] == [
        "oidc.account_made",
        "oidc.signed_in",
        "oidc.signed_in",
    ]


@pytest.mark.parametrize(
    ("claims", "reason", "event"),
    [
        ({"email": "bo@elsewhere.example", "email_verified": True}, "no Tabled account", "unknown"),
        ({"email": "bo@evil.council.example", "email_verified": True}, "no Tabled", "unknown"),
        ({"email": "bo@council.example.evil.net", "email_verified": True}, "no Tabled", "unknown"),
        ({"email": "bo@council.example", "email_verified": False}, "verified email", "unverified"),
        ({"email": "bo@council.example"}, "verified email", "unverified"),
    ],
)
def test_people_outside_the_allowed_domains_or_unverified_get_nothing(
    open_app, provider, people, engine, claims, reason, event
):
    _claims(provider, "bo", **claims)
    with Web(open_app, base_url="http://testserver") as client:
        reply = client.get(_through_provider(client, "bo"))
        assert reply.status_code == 403
        assert reason in text_of(reply.text) and "You are not signed in" in text_of(reply.text)
        assert not _signed_in_as(client)
    with Session(engine) as s:
        assert s.exec(select(User).where(col(User.email).like("bo@%"))).first() is None
    assert _events(engine)[-1] == (f"oidc.refused.{event}", claims["email"])


def test_a_deactivated_member_of_an_allowed_domain_is_not_made_again(
    open_app, provider, people, engine, browser_for
):
    _claims(provider, "cy", email="cy@council.example", email_verified=True)
    with Web(open_app, base_url="http://testserver") as client:
        assert client.get(_through_provider(client, "cy")).status_code == 200
    with Session(engine) as s:
        cy = s.exec(select(User).where(User.email == "cy@council.example")).one()
    browser_for(people.admin).submit(f"/admin/users/{cy.id}", {"name": cy.name, "role": "member"})
    with Web(open_app, base_url="http://testserver") as client:
        reply = client.get(_through_provider(client, "cy"))
        assert reply.status_code == 403 and "deactivated" in text_of(reply.text)
    with Session(engine) as s:
        assert len(s.exec(select(User).where(User.email == "cy@council.example")).all()) == 1


def _row(page: str, name: str) -> str:
    found = re.search(rf"/admin/users/\d+\">{name}</a>.*?</tr>", page, re.S)
    assert found, name
    return text_of(found.group(0)).replace(" ,", ",")


def test_the_users_page_shows_how_each_person_signs_in_and_when_they_last_did(
    open_app, provider, people
):
    _claims(provider, "m-5", email="member@example.org", email_verified=True)
    _claims(provider, "new-5", email="dee@council.example", email_verified=True, name="Dee")
    for sub in ("m-5", "new-5"):
        with Web(open_app, base_url="http://testserver") as client:
            assert client.get(_through_provider(client, sub)).status_code == 200
    with Web(open_app, base_url="http://testserver") as admin:
        admin.sign_in(people.admin.email)
        page = admin.get("/admin/users").text
    member, dee, director = _row(page, "Member"), _row(page, "Dee"), _row(page, "Director")
    # How they sign in, then when they last did and how (times in TABLED_TIMEZONE).
    assert "Password and council account" in member and re.search(
        r"(GMT|BST), council account", member
    )
    assert "Council account" in dee and "Password" not in dee and "council account" in dee
    assert "Password" in director and "council" not in director.lower() and "Never" in director
    assert re.search(r"(GMT|BST), password", _row(page, "Admin"))
