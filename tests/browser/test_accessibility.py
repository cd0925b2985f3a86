"""axe-core on each main page: no serious or critical violations."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .conftest import ADMIN, DIRECTOR, NewPage

AXE = Axe()
BLOCKING = {"serious", "critical"}

# (name, who is signed in, path; {rid} is the demo response's id)
PAGES = [
    ("login", None, "/login"),
    ("home", DIRECTOR, "/"),
    ("responses", DIRECTOR, "/responses"),
    ("response", DIRECTOR, "/responses/{rid}"),
    ("position form", DIRECTOR, "/responses/{rid}/positions/new"),
    ("comment form", DIRECTOR, "/responses/{rid}/comment"),
    ("edit details", DIRECTOR, "/responses/{rid}/edit"),
    ("history", DIRECTOR, "/responses/{rid}/revisions"),
    ("compare", DIRECTOR, "/responses/{rid}/compare?from=1&to={rev}"),
    ("revision", DIRECTOR, "/responses/{rid}/revisions/1"),
    ("account", DIRECTOR, "/account"),
    ("themes", ADMIN, "/themes"),
    ("admin users", ADMIN, "/admin/users"),
    ("library", DIRECTOR, "/library"),
]


def _blocking_violations(page: Page) -> list[dict[str, Any]]:
    results = AXE.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"      {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def current_revision(
    browser: Browser,
    base_url: str,
    signed_in_state: Callable[[str], Any],
    demo_response_id: int,
) -> int:
    context = browser.new_context(base_url=base_url, storage_state=signed_in_state(DIRECTOR))
    page = context.new_page()
    page.goto(f"/responses/{demo_response_id}")
    revision = int(page.locator("#revision").inner_text())
    context.close()
    return revision


@pytest.mark.parametrize(("name", "email", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_accessibility_problems(
    new_page: NewPage,
    demo_response_id: int,
    current_revision: int,
    name: str,
    email: str | None,
    path: str,
) -> None:
    page = new_page(email)
    url = path.format(rid=demo_response_id, rev=max(current_revision, 2))
    reply = page.goto(url)
    assert reply is not None and reply.status == 200, f"{name}: {url} answered {reply}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    violations = _blocking_violations(page)
    assert not violations, f"axe on {name} ({url}):\n{_report(violations)}"


def test_stale_form_and_error_summary_have_no_serious_problems(
    new_page: NewPage, demo_response_id: int
) -> None:
    """The edit form as it comes back after a stale save: error summary, stale panel, diff."""
    page = new_page(DIRECTOR)
    page.goto(f"/responses/{demo_response_id}")
    page.get_by_role("link", name=re.compile(r"^Edit\s+position 3$")).click()
    page.locator("input[name=base_revision]").evaluate("el => { el.value = '1'; }")
    page.get_by_label("Text").fill("Some **text** written against an old revision.")
    page.get_by_role("button", name="Save position").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#stale-diff")).to_be_visible()
    violations = _blocking_violations(page)
    assert not violations, f"axe on the stale form:\n{_report(violations)}"
