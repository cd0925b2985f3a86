"""Real-browser fixtures: one Tabled server and one Chromium per session.

The server is the installed `tabled` command on a fresh SQLite file with the
demo loaded, so these tests see what a user of `make run` sees. Chromium is
Debian's (`/usr/bin/chromium`): without it the tests are skipped, except under
CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from server.demo import DEMO_PASSWORD
from tests.servers import run_tabled, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DIRECTOR = "director@example.org"
ADMIN = "admin@example.org"
DEMO_TITLE = "Response to the Operational Efficiency Programme final report"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium_path()
    if path is None:
        message = "no chromium found (/usr/bin/chromium or on PATH): apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests are required under CI: {message}", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def base_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running `tabled serve` with the demo loaded; its root URL."""
    data = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "TABLED_DATABASE_URL": f"sqlite:///{data}/tabled.db",
        "TABLED_SECRET_KEY": secrets.token_urlsafe(32),
        "TABLED_DATA_DIR": str(data),
    }
    run_tabled(["db", "upgrade"], env)
    run_tabled(["demo"], env)
    with serving(env, data / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # a busy CI machine is slower than a laptop
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def signed_in_state(browser: Browser, base_url: str) -> Callable[[str], Any]:
    """The cookies of a signed-in session per email: signing in once keeps the suite quick."""
    states: dict[str, Any] = {}

    def state_for(email: str) -> Any:
        if email not in states:
            context = browser.new_context(base_url=base_url)
            page = context.new_page()
            sign_in(page, email)
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return state_for


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


class NewPage(Protocol):
    def __call__(self, email: str | None = None, *, javascript: bool = True) -> Page: ...


@pytest.fixture
def new_page(
    browser: Browser, base_url: str, signed_in_state: Callable[[str], Any]
) -> Iterator[NewPage]:
    """new_page(email=None, javascript=True): a page in a fresh browser context,
    signed in as `email` when given. Every context is closed after the test."""
    contexts: list[BrowserContext] = []

    def make(email: str | None = None, *, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=base_url,
            java_script_enabled=javascript,
            storage_state=signed_in_state(email) if email else None,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def demo_response_id(browser: Browser, base_url: str, signed_in_state: Callable[[str], Any]) -> int:
    """The id of the demo Operational Efficiency response, found as a user would."""
    context = browser.new_context(base_url=base_url, storage_state=signed_in_state(DIRECTOR))
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name=DEMO_TITLE).first.click()
    page.wait_for_url("**/responses/*")
    response_id = int(page.url.rstrip("/").split("/")[-1].split("#")[0])
    context.close()
    return response_id
