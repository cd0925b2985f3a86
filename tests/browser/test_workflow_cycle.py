"""A whole review cycle clicked through by the demo people: draft -> Futures ->
changes requested -> Futures -> Council -> approved, one step without JavaScript."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import DIRECTOR, NewPage
from .test_accessibility import _blocking_violations, _report

TITLE = "Response to the Delivering Digital Inclusion consultation"
FUTURES = ("futures1@example.org", "futures2@example.org")
COUNCIL = ("council1@example.org", "council2@example.org")


def _open(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def _flash(page: Page) -> str:
    return page.locator(".govuk-notification-banner__heading").inner_text()


def _approve(page: Page, note: str = "") -> None:
    page.get_by_role("radio", name="Approve").check()
    if note:
        page.locator("#note-approve").fill(note)
    page.get_by_role("button", name="Send your decision").click()


def test_a_response_is_reviewed_twice_and_approved(new_page: NewPage) -> None:
    director = new_page(DIRECTOR)
    _open(director)
    director.get_by_role("button", name="Submit for review").click()
    expect(director.locator("#stage")).to_have_text("Futures review")
    assert "now in Futures review" in _flash(director)

    first = new_page(FUTURES[0])
    first.goto("/")
    expect(first.locator("#waiting")).to_contain_text(TITLE)
    expect(first.locator("#waiting")).to_contain_text("Not yet decided")
    _open(first)
    expect(first.locator("#review")).to_contain_text("Approvals: 0 of 2 needed")
    _approve(first, "Clear and well argued")
    expect(first.locator(".govuk-notification-banner__heading")).to_contain_text(
        "Approval recorded: 1 of 2 needed."
    )
    expect(first.get_by_role("radio", name="Approve")).to_have_count(0)

    # The second Futures member works without JavaScript.
    second = new_page(FUTURES[1], javascript=False)
    _open(second)
    second.get_by_role("radio", name="Request changes").check()
    second.get_by_role("button", name="Send your decision").click()
    expect(second.locator("#action-errors")).to_contain_text("needs a note")
    expect(second.locator("#decision-error")).to_contain_text("needs a note")
    second.locator("#note-request-changes").fill("Say more about public libraries.")
    second.get_by_role("button", name="Send your decision").click()
    expect(second.locator("#stage")).to_have_text("Draft")

    director.goto("/notifications")
    expect(director.locator("main")).to_contain_text("Say more about public libraries.")
    _open(director)
    director.get_by_role("button", name="Submit for review").click()
    expect(director.locator("#stage")).to_have_text("Futures review")

    for email in FUTURES:
        page = new_page(email)
        _open(page)
        expect(page.locator("#review")).to_contain_text("Approvals")
        _approve(page)
    expect(page.locator("#stage")).to_have_text("Council review")

    for email in COUNCIL:
        page = new_page(email)
        _open(page)
        _approve(page, "Agreed")
    expect(page.locator("#stage")).to_have_text("Approved")

    _open(director)
    expect(director.get_by_role("button", name="Publish")).to_be_visible()
    violations = _blocking_violations(director)
    assert not violations, _report(violations)
    director.get_by_role("link", name="Workflow history").click()
    rows = director.locator("tbody tr")
    expect(rows).to_have_count(8)
    expect(director.locator("tbody")).to_contain_text("Say more about public libraries.")
    violations = _blocking_violations(director)
    assert not violations, _report(violations)
