"""Signing in with the keyboard alone, seeing where the focus is at every step."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from server.demo import DEMO_PASSWORD

from .conftest import DIRECTOR, NewPage

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    id: el.id, tag: el.tagName, text: (el.innerText || el.value || "").slice(0, 40),
    outline: style.outlineStyle === "none" || style.outlineWidth === "0px"
      || style.outlineColor === "rgba(0, 0, 0, 0)" ? "none" : style.outline,
    boxShadow: style.boxShadow,
  };
}"""


def _focus(page: Page) -> dict[str, Any]:
    focused: dict[str, Any] = page.evaluate(FOCUS_STYLE)
    return focused


def _assert_focus_visible(page: Page) -> dict[str, Any]:
    focused = _focus(page)
    assert focused["outline"] != "none" or focused["boxShadow"] != "none", (
        f"no visible focus indicator on {focused}"
    )
    return focused


def _tab_to(page: Page, element_id: str, limit: int = 10) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _assert_focus_visible(page)["id"] == element_id:
            return
    raise AssertionError(f"#{element_id} was not reached in {limit} presses of Tab")


def test_sign_in_with_the_keyboard_alone(new_page: NewPage) -> None:
    page = new_page()
    page.goto("/login")

    # The first Tab reaches the skip link, which becomes visible.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    _assert_focus_visible(page)

    _tab_to(page, "email")
    page.keyboard.type(DIRECTOR)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    _assert_focus_visible(page)
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    _assert_focus_visible(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dana Director")
    # Signed in, the navigation is reachable from the keyboard too.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _assert_focus_visible(page)["tag"] == "A"
