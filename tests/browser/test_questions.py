"""A director pastes a consultation's questions, checks them, and maps a position by keyboard."""

from __future__ import annotations

import secrets

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import DIRECTOR, NewPage

AXE = Axe()
QUESTIONS = """Consultation on library opening hours. Answer as many as you like.

Question 1: Should libraries open on Sundays?
Question 2: How should the change be paid for?
(maximum 200 words)
"""


def _no_blocking_violations(page: Page) -> None:
    found = AXE.run(page).response["violations"]
    blocking = [v["id"] for v in found if v["impact"] in {"serious", "critical"}]
    assert not blocking, blocking


def test_director_pastes_questions_and_maps_a_position_by_keyboard(new_page: NewPage) -> None:
    page = new_page(DIRECTOR)
    title = f"Response on library hours {secrets.token_hex(3)}"
    page.goto("/responses/new")
    page.get_by_label("Title of the response").fill(title)
    page.get_by_label("Title of the publication").fill("Library hours consultation")
    page.get_by_role("button", name="Create response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.get_by_role("link", name="Add the consultation's questions").click()
    page.get_by_label("The consultation's questions").fill(QUESTIONS)
    page.get_by_role("button", name="Check").click()
    understood = page.locator("#understood")
    expect(understood).to_contain_text("Should libraries open on Sundays?")
    expect(understood).to_contain_text("200")
    _no_blocking_violations(page)
    page.get_by_role("button", name="Add these questions").click()
    expect(page.locator("#questions-summary")).to_have_text("0 of 2 answered, 2 still to answer.")

    page.get_by_role("link", name="Add a position").click()
    page.get_by_label("Heading").fill("Open on Sundays where people ask for it")
    page.get_by_label("Text", exact=True).fill("We support Sunday opening in busy branches.")
    # Reach the first question's checkbox from the heading with the keyboard alone.
    page.get_by_label("Heading").focus()
    first = page.get_by_label("Question 1: Should libraries open on Sundays?")
    for _ in range(30):
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    expect(first).to_be_focused()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    _no_blocking_violations(page)
    page.get_by_role("button", name="Save position").click()

    expect(page.locator(".tbl-answers")).to_contain_text("question 1")
    expect(page.locator("#questions-summary")).to_have_text("1 of 2 answered, 1 still to answer.")
    _no_blocking_violations(page)

    # Reorder by keyboard: the move button is reached and pressed like any other.
    move = page.get_by_role("button", name="Move down question 1")
    move.focus()
    expect(move).to_be_focused()
    page.keyboard.press("Enter")
    keys = page.locator(".tbl-question-list .govuk-summary-list__key")
    expect(keys.first).to_have_text("Question 2")
    expect(keys.nth(1)).to_have_text("Question 1")
    expect(page.get_by_role("button", name="Move up question 1")).to_be_visible()
    _no_blocking_violations(page)
