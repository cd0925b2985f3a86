"""The whole single sign-on, clicked through in a browser: Tabled served as a process
with password sign-in off and a real OpenID Connect provider (oidc-provider-mock) on
another port; axe on the sign-in page and on the refusal page."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.oidc_mock import MOCK_WARNINGS, mock_provider, set_claims
from tests.servers import ROOT, TABLED, free_port, run_tabled, wait_until_healthy

from .conftest import TIMEOUT_MS

pytestmark = [pytest.mark.filterwarnings(w) for w in MOCK_WARNINGS]
AXE = Axe()


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with mock_provider() as issuer:
        set_claims(issuer, "dana", email="Director@example.org", email_verified=True)
        set_claims(issuer, "stranger", email="stranger@elsewhere.example", email_verified=True)
        yield issuer


@pytest.fixture(scope="module")
def sso_url(
    chromium_path: str, provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`tabled serve` with the demo, single sign-on through the provider, no passwords."""
    data = tmp_path_factory.mktemp("sso-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": f"sqlite:///{data}/tabled.db",
        "TABLED_SECRET_KEY": secrets.token_urlsafe(32),
        "TABLED_DATA_DIR": str(data),
        "TABLED_BASE_URL": url,
        "TABLED_OIDC_ISSUER": provider,
        "TABLED_OIDC_CLIENT_ID": "tabled",
        "TABLED_OIDC_CLIENT_SECRET": "tabled-secret",
        "TABLED_OIDC_NAME": "Council Account",
        "TABLED_PASSWORD_SIGN_IN": "false",
    }
    run_tabled(["db", "upgrade"], env)
    run_tabled(["demo"], env)
    log = data / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(TABLED), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(url, server, Path(log))
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def page(browser: Browser, sso_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=sso_url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _no_blocking_violations(page: Page) -> None:
    results = AXE.run(page)
    blocking = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert blocking == [], "\n".join(blocking)


def _at_provider_as(page: Page, sub: str) -> None:
    page.get_by_role("link", name="Sign in with Council Account").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_a_director_signs_in_with_the_council_account_from_the_sign_in_page(page: Page):
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in to Tabled")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    _no_blocking_violations(page)
    _at_provider_as(page, "dana")
    expect(page.get_by_role("heading", name="Hello, Dana Director")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_text("(oidc)")).to_be_visible()
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/login")
    page.goto("/")
    page.wait_for_url("**/login**")


def test_someone_without_an_account_sees_why_and_how_to_get_in(page: Page):
    page.goto("/login")
    _at_provider_as(page, "stranger")
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(
        page.get_by_text("There is no Tabled account for stranger@elsewhere.example")
    ).to_be_visible()
    _no_blocking_violations(page)
    page.get_by_role("link", name="Go to the sign-in page").click()
    expect(page.get_by_role("link", name="Sign in with Council Account")).to_be_visible()


def test_cancelling_at_the_provider_comes_back_to_a_page_that_says_so(page: Page):
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Council Account").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_text("Council Account did not sign you in")).to_be_visible()
