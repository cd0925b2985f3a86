"""Microsoft Entra ID, multi-tenant: the `common` endpoint's issuer is a template, so
each token's issuer is checked against its own tenant, and only listed tenants get in.
Run against a local stand-in for Entra ID that signs real tokens (tests/entra_double.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import Session, col, select

from server.app import create_app
from server.models import AccountEvent, User
from tests.conftest import Web
from tests.entra_double import EntraDouble, running_entra_double

from .conftest import text_of

COUNCIL = "6f1a2c3d-0000-4000-8000-00000000c0c1"  # a council's tenant, allowed
OTHER = "9a8b7c6d-0000-4000-8000-0000000000ff"  # somebody else's tenant


@pytest.fixture(scope="module")
def entra() -> Iterator[EntraDouble]:
    with running_entra_double() as double:
        yield double


def _app(settings, engine, issuer: str, tenants: str = COUNCIL, domains: str = ""):  # type: ignore[no-untyped-def]
    configured = settings.model_copy(
        update={
            "oidc_issuer": issuer,
            "oidc_client_id": "tabled",
            "oidc_client_secret": "tabled-secret",
            "oidc_name": "Microsoft 365",
            "oidc_tenants": tenants,
            "oidc_member_domains": domains,
            "base_url": "http://testserver",
        }
    )
    return create_app(configured, engine)


@pytest.fixture
def multi(settings, engine, entra):  # type: ignore[no-untyped-def]
    return _app(settings, engine, f"{entra.base}/common/v2.0", tenants=f"{COUNCIL}, other-id")


@dataclass
class SignOn:
    reply: httpx.Response  # Tabled's answer to the callback
    home: str  # the home page afterwards, "" when not signed in

    @property
    def status_code(self) -> int:
        return self.reply.status_code

    @property
    def text(self) -> str:
        return self.reply.text


def _sign_on(app, entra: EntraDouble, tenant: str, **claims: object) -> SignOn:  # type: ignore[no-untyped-def]
    """Go through the whole sign-on as a person of `tenant`."""
    entra.next_person(tenant, **claims)
    with Web(app, base_url="http://testserver") as client:
        start = client.get("/auth/oidc/start", follow_redirects=False)
        assert start.status_code == 303
        assert start.headers["location"].startswith(f"{entra.base}/common/oauth2/v2.0/authorize")
        reply = httpx.get(start.headers["location"])
        assert reply.status_code == 302, reply.text
        back = urlsplit(reply.headers["location"])
        answer = client.get(f"{back.path}?{back.query}")
        home = client.get("/", follow_redirects=False)
        return SignOn(answer, home.text if home.status_code == 200 else "")


def _events(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(AccountEvent.action).order_by(col(AccountEvent.id))).all())


def test_a_member_of_an_allowed_tenant_signs_in_through_the_common_endpoint(
    multi, entra, people, engine
):
    reply = _sign_on(multi, entra, COUNCIL, email="member@example.org", email_verified=True)
    assert reply.status_code == 200
    assert "Hello, Member" in reply.home
    assert _events(engine)[-1] == "oidc.signed_in"


def test_entra_s_domain_verified_claim_stands_in_for_email_verified(multi, entra, people):
    reply = _sign_on(multi, entra, COUNCIL, email="member@example.org", xms_edov=True)
    assert "Hello, Member" in reply.home
    refused = _sign_on(multi, entra, COUNCIL, email="member@example.org", xms_edov=False)
    assert refused.status_code == 403
    assert "did not confirm a verified email" in text_of(refused.text)
    # A provider that says the email is not verified is believed, whatever else it says.
    refused = _sign_on(
        multi, entra, COUNCIL, email="member@example.org", email_verified=False, xms_edov=True
    )
    assert refused.status_code == 403


def test_a_person_from_a_tenant_not_listed_is_refused_with_a_clear_page(
    multi, entra, people, engine
):
    reply = _sign_on(multi, entra, OTHER, email="member@example.org", email_verified=True)
    assert reply.status_code == 403
    page = text_of(reply.text)
    assert "You are not signed in" in page
    assert f"tenant {OTHER}" in page and "ask a Tabled admin to add it" in page
    assert not reply.home
    assert _events(engine)[-1] == "oidc.refused.tenant"


def test_a_token_whose_issuer_is_not_its_own_tenant_s_is_refused(multi, entra, people):
    # Signed by the provider, for an allowed tenant, but naming another tenant's issuer.
    for issuer in (entra.issuer_for(OTHER), "https://login.example.net/whoever/v2.0"):
        reply = _sign_on(
            multi, entra, COUNCIL, email="member@example.org", email_verified=True, iss=issuer
        )
        assert reply.status_code == 400
        assert "could not be trusted" in text_of(reply.text)
        assert not reply.home


def test_a_token_from_the_common_endpoint_with_no_tenant_is_refused(multi, entra, people):
    reply = _sign_on(
        multi,
        entra,
        COUNCIL,
        email="member@example.org",
        email_verified=True,
        tid=None,
        iss=entra.issuer_for("None"),
    )
    assert reply.status_code == 400


def test_with_no_tenant_listed_nobody_gets_in_through_the_common_endpoint(
    settings, engine, entra, people
):
    app = _app(settings, engine, f"{entra.base}/common/v2.0", tenants="")
    reply = _sign_on(app, entra, COUNCIL, email="member@example.org", email_verified=True)
    assert reply.status_code == 403 and "not one whose members" in text_of(reply.text)


def test_a_new_signing_key_is_fetched_when_the_provider_rotates(multi, entra, people):
    assert (
        "Hello"
        in _sign_on(multi, entra, COUNCIL, email="member@example.org", email_verified=True).home
    )
    entra.rotate()  # Tabled still holds the old key set in its cache
    assert (
        "Hello"
        in _sign_on(multi, entra, COUNCIL, email="member@example.org", email_verified=True).home
    )


def test_a_single_tenant_issuer_pins_its_tenant_without_a_list(settings, engine, entra, people):
    app = _app(settings, engine, entra.issuer_for(COUNCIL), tenants="")
    entra.next_person(COUNCIL, email="member@example.org", email_verified=True)
    with Web(app, base_url="http://testserver") as client:
        start = client.get("/auth/oidc/start", follow_redirects=False)
        back = urlsplit(httpx.get(start.headers["location"]).headers["location"])
        assert client.get(f"{back.path}?{back.query}", follow_redirects=False).status_code == 303
    # A token of another tenant does not carry this tenant's issuer.
    entra.next_person(OTHER, email="member@example.org", email_verified=True)
    with Web(app, base_url="http://testserver") as client:
        start = client.get("/auth/oidc/start", follow_redirects=False)
        back = urlsplit(httpx.get(start.headers["location"]).headers["location"])
        assert client.get(f"{back.path}?{back.query}").status_code == 400


def test_an_allowed_tenant_and_domain_make_a_plain_member_on_first_sign_in(
    settings, engine, entra, people
):
    app = _app(settings, engine, f"{entra.base}/common/v2.0", domains="council.example")
    reply = _sign_on(
        app, entra, COUNCIL, email="Ana@Council.Example", xms_edov=True, name="Ana Reviewer"
    )
    assert "Hello, Ana Reviewer" in reply.home
    with Session(engine) as s:
        made = s.exec(select(User).where(User.email == "ana@council.example")).one()
        assert (made.role, made.password_hash, made.active) == ("member", "", True)
    # The same domain from a tenant not listed makes nothing.
    refused = _sign_on(app, entra, OTHER, email="bo@council.example", xms_edov=True)
    assert refused.status_code == 403
    with Session(engine) as s:
        assert s.exec(select(User).where(User.email == "bo@council.example")).first() is None
