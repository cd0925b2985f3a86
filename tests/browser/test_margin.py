"""Comments in the margin (issue 16), in a real browser: at 1280 px each thread sits
beside the passage it quotes, a click on the highlight brings its thread forward,
"Next open thread" walks the open threads, and a keyboard selection opens the
comment form as a mouse selection does; at 390 px the threads stay below the text.
axe checks both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import CHROMIUM_ARGS, DIRECTOR, TIMEOUT_MS, NewPage
from .test_accessibility import _blocking_violations, _report
from .test_comments import FUTURES, PASSAGE, _api, _make_response

FIRST_QUOTE = "share one finance system"
SECOND_QUOTE = "A second paragraph"


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def _response_with_threads(new_page: NewPage) -> tuple[int, dict[str, Any], list[int]]:
    """A response in Futures review with three threads on its first position: two
    quoting passages (the later one quoting the earlier words) and one on the whole."""
    director = new_page(DIRECTOR)
    rid, first, _api_context, _auth = _make_response(director)
    reviewer = new_page(FUTURES)
    api, auth = _api(reviewer)
    made = []
    for quote, body in (
        (SECOND_QUOTE, "Is this paragraph needed?"),
        (FIRST_QUOTE, "Which finance system?"),
        ("", "The position as a whole reads well."),
    ):
        data = {"body": body, "position_id": first["id"]}
        if quote:
            data["quote"] = quote
        sent = api.post(f"/api/v1/responses/{rid}/comments", headers=auth, data=data)
        assert sent.status == 201, sent.text()
        made.append(sent.json()["id"])
    reviewer.close()
    return rid, first, made


def test_at_1280_px_threads_sit_beside_their_passages_and_link_both_ways(
    new_page: NewPage,
) -> None:
    rid, first, (on_second, on_first, whole) = _response_with_threads(new_page)
    page = new_page(FUTURES)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/responses/{rid}")
    expect(page.locator("html")).to_have_class("govuk-template tbl-margin-on")
    mark_first, mark_second = f"#mark-{on_first}", f"#mark-{on_second}"
    expect(page.locator(mark_first)).to_have_text(FIRST_QUOTE)
    expect(page.locator(mark_second)).to_have_text(SECOND_QUOTE)

    prose = _box(page, f'.tbl-prose[data-position="{first["id"]}"]')
    thread_first = _box(page, f"#comment-{on_first}")
    thread_second = _box(page, f"#comment-{on_second}")
    thread_whole = _box(page, f"#comment-{whole}")
    # Beside the text, not below it, and level with its passage.
    assert thread_first["x"] >= prose["x"] + 400, (prose, thread_first)
    assert abs(thread_first["y"] - _box(page, mark_first)["y"]) < 4
    # Threads read in the order of their passages; a later one is pushed down no
    # further than the one above it needs, and never overlaps it.
    assert thread_second["y"] >= thread_first["y"] + thread_first["height"]
    assert thread_second["y"] >= _box(page, mark_second)["y"] - 4
    assert thread_whole["y"] >= thread_second["y"] + thread_second["height"]
    # The next position starts below the column of threads.
    next_position = page.locator(".tbl-positions > .tbl-position").nth(1).bounding_box()
    assert next_position is not None
    assert next_position["y"] >= thread_whole["y"] + thread_whole["height"]

    # Clicking the highlight brings its thread forward.
    page.locator(mark_second).click()
    expect(page.locator(f"#comment-{on_second}")).to_be_focused()
    expect(page.locator(f"#comment-{on_second}")).to_have_class("tbl-thread tbl-current")
    expect(page.locator(mark_second)).to_have_class("tbl-mark tbl-current")
    # And the thread leads back to its highlight.
    page.locator(f"#comment-{on_first}").get_by_role(
        "link", name="Show the passage in the text"
    ).click()
    expect(page.locator(mark_first)).to_be_focused()
    expect(page.locator(mark_first)).to_have_class("tbl-mark tbl-current")

    violations = _blocking_violations(page)
    assert not violations, f"axe on the response page at 1280 px:\n{_report(violations)}"


def test_next_open_thread_walks_the_open_threads_in_the_order_of_the_page(
    new_page: NewPage,
) -> None:
    rid, _first, (on_second, on_first, whole) = _response_with_threads(new_page)
    page = new_page(DIRECTOR)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/responses/{rid}")
    expect(page.locator("html")).to_have_class("govuk-template tbl-margin-on")
    following = page.get_by_role("link", name="Next open thread")
    status = page.locator("#thread-nav-where")
    for thread, n in ((on_first, 1), (on_second, 2), (whole, 3), (on_first, 1)):
        following.click()
        expect(page.locator(f"#comment-{thread}")).to_be_focused()
        expect(status).to_have_text(f"Open thread {n} of 3, on position 1.")
        box = _box(page, f"#comment-{thread}")
        assert 0 <= box["y"] < 900  # brought into view
    # By keyboard too: Enter on the link goes on from the thread in focus.
    following.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{on_second}")).to_be_focused()


def test_selecting_words_by_keyboard_opens_the_comment_form_with_them_quoted(
    new_page: NewPage,
    browser: Browser,
    chromium_path: str,
    base_url: str,
    signed_in_state: Callable[[str], Any],
) -> None:
    director = new_page(DIRECTOR)
    rid, first, _api_context, _auth = _make_response(director)
    # A keyboard user reads a page with a caret (caret browsing, F7 in Chromium):
    # this browser is started with it on.
    caret = browser.browser_type.launch(
        executable_path=chromium_path, args=[*CHROMIUM_ARGS, "--enable-caret-browsing"]
    )
    try:
        context = caret.new_context(
            base_url=base_url,
            storage_state=signed_in_state(FUTURES),
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        _select_by_keyboard(context.new_page(), rid, first["id"])
    finally:
        caret.close()


def _select_by_keyboard(page: Page, rid: int, position_id: int) -> None:
    page.goto(f"/responses/{rid}")
    selector = f'.tbl-prose[data-position="{position_id}"] p'
    expect(page.locator(selector).first).to_have_text(PASSAGE)
    # The caret before "share", where the arrow keys would bring it.
    page.evaluate(
        """([selector, word]) => {
            const text = document.querySelector(selector).firstChild;
            window.getSelection().collapse(text, text.data.indexOf(word));
        }""",
        [selector, "share"],
    )
    page.keyboard.press("ArrowRight")  # moving the caret alone opens nothing
    page.keyboard.press("ArrowLeft")
    box = page.locator(f'.tbl-new-comment[data-position="{position_id}"]')
    expect(box.locator("form")).to_have_count(0)
    page.keyboard.down("Shift")
    for _ in range(len("share one finance system")):
        page.keyboard.press("ArrowRight")
    page.keyboard.up("Shift")
    expect(box.locator(".tbl-field-quote")).to_have_value("share one finance system")
    expect(box.locator(".tbl-field-body")).to_be_focused()
    page.keyboard.type("Which system, and who runs it?")
    box.get_by_role("button", name="Post comment").click()
    section = page.locator(f"#comments-p{position_id}")
    expect(section).to_contain_text("Which system, and who runs it?")
    expect(section.locator("blockquote.tbl-quote")).to_have_text("share one finance system")
    # The new thread's passage is highlighted at once, without reloading.
    expect(page.locator(f"#text-{position_id} mark.tbl-mark")).to_have_text(
        "share one finance system"
    )
    # Typing a capital letter with Shift in a form is not a selection.
    page.get_by_role("link", name="Comment on the whole response").click()
    field = page.locator("#comments-general .tbl-field-body")
    expect(field).to_be_focused()
    page.keyboard.type("A Capital letter.")
    expect(field).to_have_value("A Capital letter.")
    expect(box.locator("form")).to_have_count(0)


def test_at_390_px_threads_stay_below_the_position_text(new_page: NewPage) -> None:
    rid, first, (on_second, on_first, _whole) = _response_with_threads(new_page)
    page = new_page(FUTURES)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/responses/{rid}")
    expect(page.locator(f"#mark-{on_first}")).to_have_text(FIRST_QUOTE)  # highlighted still
    page.wait_for_function("() => document.readyState === 'complete'")
    assert "tbl-margin-on" not in (page.locator("html").get_attribute("class") or "")
    prose = _box(page, f'.tbl-prose[data-position="{first["id"]}"]')
    section = _box(page, f"#comments-p{first['id']}")
    assert section["y"] >= prose["y"] + prose["height"]
    assert section["x"] + section["width"] <= 390
    # Below the text, in the order they were made (as without JavaScript).
    assert _box(page, f"#comment-{on_second}")["y"] < _box(page, f"#comment-{on_first}")["y"]
    page.locator(f"#mark-{on_first}").click()
    expect(page.locator(f"#comment-{on_first}")).to_be_focused()
    violations = _blocking_violations(page)
    assert not violations, f"axe on the response page at 390 px:\n{_report(violations)}"


def test_without_javascript_the_passages_are_highlighted_and_threads_below(
    new_page: NewPage,
) -> None:
    rid, first, (on_second, on_first, _whole) = _response_with_threads(new_page)
    page = new_page(FUTURES, javascript=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/responses/{rid}")
    expect(page.locator(f"#mark-{on_first}")).to_have_text(FIRST_QUOTE)
    prose = _box(page, f'.tbl-prose[data-position="{first["id"]}"]')
    assert _box(page, f"#comments-p{first['id']}")["y"] >= prose["y"] + prose["height"]
    # "Next open thread" is a plain link to the first open thread (the oldest: the
    # threads are listed as they were made).
    page.get_by_role("link", name="Next open thread").click()
    assert page.url.endswith(f"#comment-{on_second}")
