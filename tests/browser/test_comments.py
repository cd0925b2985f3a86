"""A Futures member comments on a paragraph by keyboard alone; the director redrafts
the passage and the comment shows "text changed"; the page stays accessible.

The server is shared with the other browser tests, so this test makes its own
response through the API (with a token the director creates on /account)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from .conftest import DIRECTOR, NewPage
from .test_accessibility import _blocking_violations, _report

FUTURES = "futures1@example.org"
PASSAGE = "Councils that share one finance system save most when they also share the data."
REDRAFT = "Councils that share a finance system save the most when they share their data too."


def _api(page: Page) -> tuple[Any, dict[str, str]]:
    page.goto("/account")
    page.get_by_label("What the token is for").fill("comments browser test")
    page.get_by_role("button", name="Create a token").click()
    token = page.locator("#new-token").inner_text().strip()
    return page.request, {"Authorization": f"Bearer {token}"}


def _make_response(page: Page) -> tuple[int, dict[str, Any], Any, dict[str, str]]:
    api, auth = _api(page)
    made = api.post(
        "/api/v1/responses",
        headers=auth,
        data={
            "title": "Response on shared finance systems",
            "responding_to": {"title": "Sharing the back office", "publisher": "A department"},
        },
    ).json()
    rid, revision = made["id"], made["revision"]
    bodies = [
        (
            "Share the data, not only the system",
            f"{PASSAGE}\n\nA second paragraph.",
            ["efficiency"],
        ),
        ("Count the carbon", "Data centres waste power.", ["climate-change"]),
        ("Include everyone", "Services must work for everyone.", ["social-inclusion"]),
    ]
    first: dict[str, Any] = {}
    for heading, body, themes in bodies:
        saved = api.post(
            f"/api/v1/responses/{rid}/positions",
            headers=auth,
            data={
                "heading": heading,
                "body": body,
                "themes": themes,
                "base_revision": revision,
            },
        ).json()
        revision = saved["revision"]
        first = first or saved
    moved = api.post(f"/api/v1/responses/{rid}/actions", headers=auth, data={"action": "submit"})
    assert moved.json()["stage"] == "futures-review"
    return rid, first, api, auth


def _tab_to(page: Page, text: str, limit: int = 400) -> None:
    """Press Tab until the focused element's text starts with `text` - keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and focused.strip().startswith(text):
            return
    raise AssertionError(f"no focusable element reading {text!r} reached by Tab")


def test_a_keyboard_comment_follows_its_passage_through_a_redraft(new_page: NewPage) -> None:
    director = new_page(DIRECTOR)
    rid, first, _api_context, _auth = _make_response(director)

    reviewer = new_page(FUTURES)
    reviewer.goto(f"/responses/{rid}")
    _tab_to(reviewer, "Comment on this paragraph")
    reviewer.keyboard.press("Enter")  # the form opens under the paragraph, focus in it
    expect(reviewer.locator(".tbl-para-comment .tbl-field-quote")).to_have_value(PASSAGE)
    expect(reviewer.locator(".tbl-para-comment .tbl-field-body")).to_be_focused()
    reviewer.keyboard.type("Say which data, and who keeps control of it.")
    _tab_to(reviewer, "Post comment")
    reviewer.keyboard.press("Enter")
    section = reviewer.locator(f"#comments-p{first['id']}")
    expect(section.locator(".tbl-comment-notice")).to_have_text("Comment posted.")
    expect(section.locator(".tbl-anchor-state")).to_have_text("On this passage")
    expect(section).to_contain_text("Say which data, and who keeps control of it.")
    expect(section.locator(".tbl-open-count")).to_have_text("(1 open)")

    # Changes are requested, and the director rewords the passage.
    reviewer.get_by_role("radio", name="Request changes").check()
    reviewer.locator("#note-request-changes").fill("Please answer the comment.")
    reviewer.get_by_role("button", name="Send your decision").click()
    expect(reviewer.locator("#stage")).to_have_text("Draft")
    director.goto(f"/responses/{rid}/positions/{first['id']}/edit")
    director.get_by_label("Text").fill(f"{REDRAFT}\n\nA second paragraph.")
    director.get_by_role("button", name="Save position").click()
    expect(director.locator(".govuk-notification-banner__heading")).to_be_visible()

    reviewer.goto(f"/responses/{rid}")
    section = reviewer.locator(f"#comments-p{first['id']}")
    expect(section.locator(".tbl-anchor-state")).to_have_text("Text changed")
    expect(section.locator(".tbl-passage")).to_have_text(REDRAFT)
    expect(section.locator(".tbl-quote")).to_have_text(PASSAGE)
    violations = _blocking_violations(reviewer)
    assert not violations, f"axe on the response page with comments:\n{_report(violations)}"


def test_selecting_text_with_the_mouse_fills_the_quote(new_page: NewPage) -> None:
    director = new_page(DIRECTOR)
    rid, first, _api_context, _auth = _make_response(director)
    reviewer = new_page(FUTURES)
    reviewer.goto(f"/responses/{rid}")
    prose = reviewer.locator(f'.tbl-prose[data-position="{first["id"]}"] p').first
    prose.select_text()
    reviewer.mouse.up()
    box = reviewer.locator(f'.tbl-new-comment[data-position="{first["id"]}"]')
    expect(box.locator(".tbl-field-quote")).to_have_value(PASSAGE)
    box.get_by_label("Your comment").fill("Selected by mouse.")
    box.get_by_role("button", name="Post comment").click()
    section = reviewer.locator(f"#comments-p{first['id']}")
    expect(section.locator("blockquote.tbl-quote")).to_have_text(PASSAGE)
    expect(section).to_contain_text("Selected by mouse.")


def test_commenting_answering_and_suggesting_work_without_javascript(new_page: NewPage) -> None:
    director = new_page(DIRECTOR)
    rid, first, _api_context, _auth = _make_response(director)
    reviewer = new_page(FUTURES, javascript=False)
    reviewer.goto(f"/responses/{rid}")
    reviewer.get_by_role("link", name="Comment on this paragraph (position 1, paragraph 1)").click()
    expect(reviewer.get_by_label("Passage you are commenting on (optional)")).to_have_value(PASSAGE)
    reviewer.get_by_label("Your comment").fill("Who owns the shared data?")
    reviewer.get_by_label("Suggested wording (optional)").fill(
        "Councils that share one finance system save most when they share the data as well."
    )
    reviewer.get_by_role("button", name="Post comment").click()
    expect(reviewer.locator(".govuk-notification-banner__heading")).to_have_text("Comment posted.")
    section = reviewer.locator(f"#comments-p{first['id']}")
    expect(section).to_contain_text("Who owns the shared data?")
    expect(section.locator(".tbl-suggestion")).to_contain_text("Suggested edit")

    # Changes are requested; the director (in draft again) accepts the suggestion.
    reviewer.get_by_role("radio", name="Request changes").check()
    reviewer.locator("#note-request-changes").fill("Please look at the suggestion.")
    reviewer.get_by_role("button", name="Send your decision").click()
    expect(reviewer.locator("#stage")).to_have_text("Draft")
    owner = new_page(DIRECTOR, javascript=False)
    owner.goto(f"/responses/{rid}")
    owner.locator(f"#comments-p{first['id']} .tbl-actions-link").first.click()
    owner.get_by_role("button", name="Accept the suggestion").click()
    expect(owner.locator(".govuk-notification-banner__heading")).to_contain_text(
        "Suggestion accepted"
    )
    expect(owner.locator(f"#position-{first['id']} .tbl-prose").first).to_contain_text(
        "share the data as well"
    )
    expect(owner.locator(f"#comments-p{first['id']}")).to_contain_text("Accepted")


def test_others_comments_appear_without_reloading(new_page: NewPage) -> None:
    director = new_page(DIRECTOR)
    rid, _first, _context, _token = _make_response(director)
    reviewer = new_page(FUTURES)
    reviewer.goto(f"/responses/{rid}")
    expect(reviewer.locator("#comments-general")).to_contain_text("No comments yet.")
    # Someone else posts; the open page shows it within the ten-second poll.
    other = new_page("futures2@example.org")
    other_api, other_auth = _api(other)
    other_api.post(
        f"/api/v1/responses/{rid}/comments",
        headers=other_auth,
        data={"body": "Posted from another desk."},
    )
    expect(reviewer.locator("#comments-general")).to_contain_text(
        "Posted from another desk.", timeout=25_000
    )
    violations = _blocking_violations(reviewer)
    assert not violations, f"axe after a live refresh:\n{_report(violations)}"
    # The thread's own page (what a link opens without JavaScript) and its forms.
    thread = reviewer.locator("#comments-general .tbl-actions-link").first.get_attribute("href")
    reviewer.goto(str(thread))
    expect(reviewer.get_by_label("Your reply")).to_be_visible()
    violations = _blocking_violations(reviewer)
    assert not violations, f"axe on the thread page:\n{_report(violations)}"
