"""The reviewer's decision, by keyboard alone: after the positions, one question
(approve or request changes), a refusal shown beside it with the text kept, then an
approval with a comment; axe (WCAG 2.2 AA) on the form and on its error state."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import NewPage

REVIEWER = "futures2@example.org"
TITLE = "Response to the Shared Care Records consultation"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _violations(page: Page) -> list[str]:
    results = Axe().run(
        page,
        context={"include": [["#decision"]]},
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def _focused(page: Page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def test_a_reviewer_decides_by_keyboard_after_reading(new_page: NewPage) -> None:
    page = new_page(REVIEWER)
    page.goto("/")
    page.get_by_role("link", name=TITLE).first.click()
    decision = page.locator("#decision")
    positions = page.locator("#positions-heading")
    assert positions.bounding_box()["y"] < decision.bounding_box()["y"]  # type: ignore[index]
    expect(decision.locator("#open-summary")).to_contain_text("Open threads")
    assert not _violations(page)

    # From the pointer in the review panel to the question, by keyboard.
    page.get_by_role("link", name="your decision").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Approve")).to_be_focused()
    expect(page.locator("#note-approve")).to_be_hidden()  # nothing chosen yet
    page.keyboard.press("ArrowDown")
    changes = page.get_by_role("radio", name="Request changes")
    expect(changes).to_be_focused()
    expect(changes).to_be_checked()
    # Only the chosen choice's note box shows.
    expect(page.locator("#note-request-changes")).to_be_visible()
    expect(page.locator("#note-approve")).to_be_hidden()
    page.keyboard.press("Tab")
    assert _focused(page) == "note-request-changes"
    page.get_by_role("button", name="Send your decision").focus()
    page.keyboard.press("Enter")

    # Refused: the reason beside the question, the choice kept, nothing moved.
    expect(page.locator("#decision-error")).to_contain_text("needs a note")
    expect(page.get_by_role("radio", name="Request changes")).to_be_checked()
    expect(page.locator("#stage")).to_have_text("Futures review")
    assert not _violations(page)

    # The error summary's link leads back to the question; approve with a comment.
    page.locator("#action-errors a").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Request changes")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_role("radio", name="Approve")).to_be_checked()
    page.keyboard.press("Tab")
    assert _focused(page) == "note-approve"
    page.keyboard.type("Clear, and the phone route is a good catch.")
    page.get_by_role("button", name="Send your decision").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner__heading")).to_contain_text(
        re.compile(r"Approval recorded: 1 of 2 needed")
    )
    expect(page.get_by_role("radio", name="Approve")).to_have_count(0)
    expect(page.get_by_role("radio", name="Request changes")).to_have_count(1)


def test_without_javascript_every_note_box_is_shown(new_page: NewPage) -> None:
    page = new_page("futures1@example.org", javascript=False)
    page.goto("/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_label("What should change")).to_be_visible()
    expect(page.get_by_label("Comment with your approval (optional)")).to_be_visible()
