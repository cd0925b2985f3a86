"""Phone screens (WCAG 2.2, 1.4.10 reflow): every page, as each kind of person who
sees it, fits 320 and 390 CSS pixels without the page scrolling sideways, and has no
axe violation of WCAG 2.2 A or AA at 320 pixels. A table may be wider than the screen
only inside its own labelled region, which scrolls and takes keyboard focus."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .conftest import ADMIN, DIRECTOR

FUTURES = "futures1@example.org"
COUNCIL = "council1@example.org"
MEMBER = "member@example.org"
WIDTHS = (320, 390)
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()

# The demo's responses, by the words their titles start with.
TITLES = {
    "oep": "Response to the Operational Efficiency Programme",
    "futures": "Response to the Shared Care Records",
    "council": "Response to the Local Open Data",
    "published": "Response to the Cloud Hosting",
}

# (who, path): {oep}, {futures}, {council}, {published} are the demo responses' ids.
PAGES = [
    (None, "/login"),
    (None, "/login/forgotten"),
    (DIRECTOR, "/"),
    (DIRECTOR, "/responses"),
    (DIRECTOR, "/responses/new"),
    (DIRECTOR, "/responses/import"),
    (DIRECTOR, "/responses/{oep}"),
    (DIRECTOR, "/responses/{oep}/edit"),
    (DIRECTOR, "/responses/{oep}/positions/new"),
    (DIRECTOR, "/responses/{oep}/positions/{position}/edit"),
    (DIRECTOR, "/responses/{oep}/questions/new"),
    (DIRECTOR, "/responses/{oep}/comment"),
    (DIRECTOR, "/responses/{futures}"),
    (DIRECTOR, "/responses/{futures}/revisions"),
    (DIRECTOR, "/responses/{futures}/revisions/1"),
    (DIRECTOR, "/responses/{published}/compare?from=1&to=3"),
    (DIRECTOR, "/responses/{published}/history"),
    (DIRECTOR, "/responses/{futures}/report"),
    (DIRECTOR, "/responses/{published}"),
    (DIRECTOR, "/account"),
    (DIRECTOR, "/notifications"),
    (FUTURES, "/"),
    (FUTURES, "/responses/{futures}"),
    (FUTURES, "/responses/{futures}/comment"),
    (FUTURES, "/responses/{futures}/history"),
    (FUTURES, "{thread}"),
    (COUNCIL, "/responses/{council}"),
    (MEMBER, "/"),
    (MEMBER, "/library"),
    (MEMBER, "/library/{published}"),
    (MEMBER, "/library/{published}/compare"),
    (MEMBER, "/themes"),
    (MEMBER, "/themes/efficiency"),
    (ADMIN, "/themes"),
    (ADMIN, "/themes/efficiency/retire"),
    (ADMIN, "/admin/users"),
    (ADMIN, "/admin/users/new"),
    (ADMIN, "/admin/users/{member}"),
    (ADMIN, "/admin/invitations/new"),
    (ADMIN, "/admin/groups"),
    (ADMIN, "/admin/groups/futures"),
    (ADMIN, "/admin/outbox"),
]


@pytest.fixture(scope="module")
def ids(browser: Browser, base_url: str, signed_in_state: Callable[[str], Any]) -> dict[str, Any]:
    context = browser.new_context(base_url=base_url, storage_state=signed_in_state(DIRECTOR))
    page = context.new_page()
    page.goto("/responses")
    found: dict[str, Any] = {}
    for key, start in TITLES.items():
        href = page.get_by_role("link", name=re.compile("^" + re.escape(start))).first
        found[key] = int((href.get_attribute("href") or "").rstrip("/").split("/")[-1])
    page.goto(f"/responses/{found['oep']}")
    edit = page.get_by_role("link", name=re.compile(r"^Edit\s+position 1$")).get_attribute("href")
    found["position"] = int((edit or "").split("/positions/")[1].split("/")[0])
    page.goto(f"/responses/{found['futures']}")
    found["thread"] = page.locator(".tbl-actions-link").first.get_attribute("href")
    context.close()
    context = browser.new_context(base_url=base_url, storage_state=signed_in_state(ADMIN))
    page = context.new_page()
    page.goto("/admin/users")
    member = page.get_by_role("link", name="Morgan Member").get_attribute("href")
    found["member"] = int((member or "").rstrip("/").split("/")[-1])
    context.close()
    return found


def _too_wide(page: Page) -> list[str]:
    """The page's overflow, and what sticks out of the window (to say what to fix)."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            const inRegion = el.parentElement && el.parentElement.closest('.tbl-region');
            if (box.right > width + 0.5 && !inRegion
                && getComputedStyle(el).display !== 'none') {
              out.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.') +
                       ' right=' + Math.round(box.right));
            }
            if (out.length > 8) break;
          }
          return ['scrollWidth ' + document.documentElement.scrollWidth + ' > ' + width, ...out];
        }"""
    )


def _violations(page: Page) -> list[str]:
    results = AXE.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    lines = []
    for v in results.response["violations"]:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:3]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return lines


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{w or 'anonymous'} {p}" for w, p in PAGES])
def test_every_page_fits_a_phone_and_passes_axe(
    browser: Browser,
    base_url: str,
    signed_in_state: Callable[[str], Any],
    ids: dict[str, Any],
    who: str | None,
    path: str,
) -> None:
    url = path.format(**ids)
    for width in WIDTHS:
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": 740},
            storage_state=signed_in_state(who) if who else None,
        )
        try:
            page = context.new_page()
            reply = page.goto(url)
            assert reply is not None and reply.status == 200, f"{url} as {who}: {reply}"
            wide = _too_wide(page)
            assert not wide, f"{url} as {who} at {width} px:\n" + "\n".join(wide)
            if width == WIDTHS[0]:
                found = _violations(page)
                assert not found, f"axe on {url} as {who} at {width} px:\n" + "\n".join(found)
        finally:
            context.close()


def test_the_header_menu_opens_by_keyboard_on_a_phone(
    browser: Browser, base_url: str, signed_in_state: Callable[[str], Any]
) -> None:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 320, "height": 640},
        storage_state=signed_in_state(ADMIN),
    )
    page = context.new_page()
    page.goto("/")
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name="Library")).to_be_hidden()
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    menu = banner.locator("summary", has_text="Menu")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(banner.get_by_role("link", name="Library")).to_be_visible()
    expect(banner.get_by_role("link", name="Groups")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    banner.get_by_role("link", name="Library").click()
    page.wait_for_url("**/library")
    context.close()


def test_the_header_links_sit_in_a_row_on_a_wide_screen(
    browser: Browser, base_url: str, signed_in_state: Callable[[str], Any]
) -> None:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 1280, "height": 800},
        storage_state=signed_in_state(ADMIN),
    )
    page = context.new_page()
    page.goto("/")
    banner = page.get_by_role("banner")
    expect(banner.locator("summary", has_text="Menu")).to_be_hidden()
    expect(banner.get_by_role("link", name="Library")).to_be_visible()
    context.close()


def test_a_wide_table_scrolls_in_its_own_region_by_keyboard(
    browser: Browser, base_url: str, signed_in_state: Callable[[str], Any], ids: dict[str, Any]
) -> None:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 320, "height": 640},
        storage_state=signed_in_state(ADMIN),
    )
    page = context.new_page()
    page.goto("/admin/users")
    region = page.get_by_role("region", name="Users")
    region.focus()
    expect(region).to_be_focused()
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the table fits: no test"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.tbl-region').scrollLeft > 0", timeout=5000
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_move_buttons_line_up_with_the_other_position_buttons(
    browser: Browser, base_url: str, signed_in_state: Callable[[str], Any], ids: dict[str, Any]
) -> None:
    for width in (1280, 390):
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": 800},
            storage_state=signed_in_state(DIRECTOR),
        )
        page = context.new_page()
        page.goto(f"/responses/{ids['oep']}")
        edit = page.get_by_role("link", name=re.compile(r"^Edit\s+position 2$")).bounding_box()
        down = page.get_by_role("button", name=re.compile(r"^Move down\s+position 2$"))
        box = down.bounding_box()
        assert edit is not None and box is not None
        if width > 640:  # in a row: one top edge
            assert abs(box["y"] - edit["y"]) <= 1, (width, edit, box)
        else:  # stacked: the same full width
            assert abs(box["width"] - edit["width"]) <= 1, (width, edit, box)
            assert abs(box["x"] - edit["x"]) <= 1, (width, edit, box)
        context.close()
