"""A director drafts positions in a real browser: with htmx, without JavaScript,
against a colleague's newer save, and back through the history."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Locator, Page, expect

from .conftest import DEMO_TITLE, DIRECTOR, NewPage


def _unique(word: str) -> str:
    return f"{word} {secrets.token_hex(3)}"


def _open_demo_response(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name=DEMO_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_TITLE)


def _edit_link(page: Page, number: int) -> Locator:
    return page.get_by_role("link", name=re.compile(rf"^Edit\s+position {number}$"))


def _position_item(page: Page, heading: str) -> Locator:
    return page.locator("li.tbl-position").filter(
        has=page.get_by_role("heading", level=3, name=heading)
    )


def test_director_adds_a_position_and_watches_the_live_preview(new_page: NewPage) -> None:
    page = new_page(DIRECTOR)
    _open_demo_response(page)
    page.get_by_role("link", name="Add a position").click()
    expect(page.get_by_role("heading", name="Add a position")).to_be_visible()

    heading = _unique("Shared data centres should report their energy use")
    page.get_by_label("Heading").fill(heading)
    page.get_by_label("Climate change").check()
    body = page.get_by_label("Text")
    body.fill("We ask for:\n\n- one ")
    body.press_sequentially("**annual energy report**\n- open data")

    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("annual energy report")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview).to_contain_text("open data")

    page.get_by_role("button", name="Save position").click()

    expect(page.get_by_role("alert")).to_contain_text(f"Saved “{heading}”.")
    item = _position_item(page, heading)
    expect(item).to_be_visible()
    expect(item.locator(".tbl-themes .govuk-tag")).to_have_text(["Climate change"])
    expect(item.locator(".tbl-prose strong")).to_have_text("annual energy report")
    expect(item.locator(".tbl-prose li")).to_have_text(["one annual energy report", "open data"])


def test_without_javascript_preview_and_save_still_work(new_page: NewPage) -> None:
    page = new_page(DIRECTOR, javascript=False)
    _open_demo_response(page)
    page.get_by_role("link", name="Add a position").click()

    heading = _unique("Procurement should favour accessible software")
    text = "Buy once, use **everywhere**:\n\n1. shared frameworks\n2. open standards"
    page.get_by_label("Heading").fill(heading)
    page.get_by_label("Social inclusion").check()
    page.get_by_label("Text").fill(text)

    page.get_by_role("button", name="Preview").click()

    # The same form comes back, filled in, with the rendered text beside it.
    expect(page.get_by_role("heading", name="Add a position")).to_be_visible()
    expect(page.locator("#preview strong")).to_have_text("everywhere")
    expect(page.locator("#preview ol li")).to_have_count(2)
    expect(page.get_by_label("Heading")).to_have_value(heading)
    expect(page.get_by_label("Text")).to_have_value(text)
    expect(page.get_by_label("Social inclusion")).to_be_checked()

    page.get_by_role("button", name="Save position").click()

    expect(page.get_by_role("alert")).to_contain_text(f"Saved “{heading}”.")
    item = _position_item(page, heading)
    expect(item.locator(".tbl-themes .govuk-tag")).to_have_text(["Social inclusion"])
    expect(item.locator(".tbl-prose strong")).to_have_text("everywhere")


def test_a_stale_save_keeps_my_text_and_shows_the_newer_version(
    new_page: NewPage, demo_response_id: int
) -> None:
    mine, theirs = new_page(DIRECTOR), new_page(DIRECTOR)
    for page in (mine, theirs):
        page.goto(f"/responses/{demo_response_id}")
        _edit_link(page, 1).click()
        expect(page.get_by_role("heading", name="Edit position")).to_be_visible()

    tag = secrets.token_hex(3)
    their_text = f"Councils should share back-office services ({tag})."
    theirs.get_by_label("Text").fill(their_text)
    theirs.get_by_role("button", name="Save position").click()
    expect(theirs.get_by_role("alert")).to_contain_text("Saved")

    my_text = f"Councils should pool budgets for back-office services ({tag})."
    mine.get_by_label("Text").fill(my_text)
    mine.get_by_role("button", name="Save position").click()

    expect(mine.locator("#stale")).to_contain_text("Someone saved a newer version")
    expect(mine.get_by_label("Text")).to_have_value(my_text)
    expect(mine.locator("#saved-text")).to_have_text(their_text)
    diff = mine.locator("#stale-diff")
    expect(diff.locator("del").first).to_contain_text("share")
    expect(diff.locator("ins").first).to_contain_text("pool")
    expect(diff).to_contain_text("budgets")

    # Having seen both, saving again keeps my text over theirs.
    mine.get_by_role("button", name="Save position").click()
    expect(mine.get_by_role("alert")).to_contain_text("Saved")
    expect(mine.locator("li.tbl-position").first).to_contain_text(my_text)


def test_history_compares_two_revisions_word_by_word(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR)
    page.goto(f"/responses/{demo_response_id}")
    tag = secrets.token_hex(3)

    def save_body(text: str) -> int:
        _edit_link(page, 2).click()
        page.get_by_label("Text").fill(text)
        page.get_by_role("button", name="Save position").click()
        expect(page.get_by_role("alert")).to_contain_text("Saved")
        return int(page.locator("#revision").inner_text())

    before = save_body(f"Councils {tag} should share finance systems by 2011.")
    after = save_body(f"Councils {tag} must share finance systems by 2011.")

    page.get_by_role("link", name="History and changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    page.get_by_label(f"Compare from revision {before}", exact=True).check()
    page.get_by_label(f"Compare to revision {after}", exact=True).check()
    page.get_by_role("button", name="Compare revisions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Changes from revision {before} to {after}"
    )
    change = page.locator("section.tbl-change")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("Changed")
    expect(change.locator("del")).to_have_text("[removed: should]")
    expect(change.locator("ins")).to_have_text("[added: must]")
