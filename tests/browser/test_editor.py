"""The position editor in a real browser: formatting by keyboard, paste from Word and
spreadsheets, drafts that survive a reload, live checks, and axe on the editor."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from .conftest import DIRECTOR, NewPage

AXE = Axe()


def _new_position_form(page: Page, response_id: int) -> Locator:
    page.goto(f"/responses/{response_id}/positions/new")
    expect(page.get_by_role("toolbar", name="Formatting")).to_be_visible()
    return page.get_by_label("Text", exact=True)


def _type_and_select(text_box: Locator, value: str, start: int, end: int) -> None:
    text_box.fill(value)
    text_box.evaluate("(el, [s, e]) => el.setSelectionRange(s, e)", [start, end])


def _selected(text_box: Locator) -> str:
    return str(text_box.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)"))


# (button, what is selected in "Plain words", the text after pressing it)
CONTROLS = [
    ("Bold", (6, 11), "Plain **words**"),
    ("Italic", (6, 11), "Plain _words_"),
    ("Heading", (0, 11), "### Plain words"),
    ("Bulleted list", (0, 11), "- Plain words"),
    ("Numbered list", (0, 11), "1. Plain words"),
    ("Quote", (0, 11), "> Plain words"),
    ("Link", (6, 11), "Plain [words](url)"),
    ("Table", (11, 11), "Plain words\n\n| Column 1 | Column 2 |\n| --- | --- |\n| Text | Text |"),
    ("Footnote", (11, 11), "Plain words[^1]\n\n[^1]: "),
]


def test_every_formatting_button_works_from_the_keyboard(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR)
    text_box = _new_position_form(page, demo_response_id)
    names = [name for name, _, _ in CONTROLS]
    expect(page.get_by_role("toolbar", name="Formatting").get_by_role("button")).to_have_text(names)
    for index, (name, (start, end), expected) in enumerate(CONTROLS):
        _type_and_select(text_box, "Plain words", start, end)
        # Shift+Tab from the text reaches the toolbar, one tab stop; Home and the
        # arrow keys move along it.
        text_box.press("Shift+Tab")
        page.keyboard.press("Home")
        expect(page.get_by_role("button", name="Bold")).to_be_focused()
        for _ in range(index):
            page.keyboard.press("ArrowRight")
        expect(page.get_by_role("button", name=name, exact=True)).to_be_focused()
        page.keyboard.press("Enter" if index % 2 == 0 else "Space")
        expect(text_box).to_have_value(expected)
    # The footnote leaves the cursor where its text goes.
    text_box.press_sequentially("Audit Commission, 2009.")
    expect(text_box).to_have_value("Plain words[^1]\n\n[^1]: Audit Commission, 2009.")
    expect(page.locator("#preview .footnotes")).to_contain_text("Audit Commission, 2009.")


def test_ctrl_b_i_and_k_format_the_selection(new_page: NewPage, demo_response_id: int) -> None:
    page = new_page(DIRECTOR)
    text_box = _new_position_form(page, demo_response_id)
    _type_and_select(text_box, "Share payroll", 6, 13)
    text_box.press("Control+b")
    expect(text_box).to_have_value("Share **payroll**")
    _type_and_select(text_box, "Share payroll", 0, 5)
    text_box.press("Control+i")
    expect(text_box).to_have_value("_Share_ payroll")
    _type_and_select(text_box, "Share payroll", 6, 13)
    text_box.press("Control+k")
    expect(text_box).to_have_value("Share [payroll](url)")
    assert _selected(text_box) == "url"  # ready for the address to be typed over it
    text_box.press_sequentially("https://example.org")
    expect(page.locator("#preview a")).to_have_attribute("href", "https://example.org")


# What Word for Windows puts on the clipboard for a short document, trimmed.
WORD_HTML = (Path(__file__).parent / "word_clipboard.html").read_text(encoding="utf-8")

WORD_MARKDOWN = """### Shared services

Councils **must** share _back-office_ systems; see [the report](https://www.gov.uk/report)[^1].

- Payroll
- Finance

1. Agree a plan
   1. Name an owner
2. Report every year

| Service | Saving |
| --- | --- |
| Payroll and HR | £1.2m |

Click me

[^1]: Audit Commission, 2009."""


def _paste(text_box: Locator, **data: str) -> None:
    text_box.evaluate(
        """(el, data) => {
            const clipboard = new DataTransfer();
            for (const [type, value] of Object.entries(data)) clipboard.setData(type, value);
            el.focus();
            el.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: clipboard, bubbles: true, cancelable: true }));
        }""",
        {key.replace("_", "/"): value for key, value in data.items()},
    )


def test_pasting_from_word_keeps_headings_lists_tables_links_and_notes(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR)
    text_box = _new_position_form(page, demo_response_id)
    _paste(text_box, text_html=WORD_HTML, text_plain="Shared services Councils must share")

    expect(text_box).to_have_value(WORD_MARKDOWN)
    assert page.title() != "pwned"
    preview = page.locator("#preview")
    expect(preview.locator("h3")).to_have_text("Shared services")
    expect(preview.locator("table th")).to_have_text(["Service", "Saving"])
    expect(preview.locator(".footnotes")).to_contain_text("Audit Commission, 2009.")
    expect(preview.locator("a[href^='javascript']")).to_have_count(0)


def test_pasting_spreadsheet_cells_makes_a_table(new_page: NewPage, demo_response_id: int) -> None:
    page = new_page(DIRECTOR)
    text_box = _new_position_form(page, demo_response_id)
    text_box.fill("Savings by service:")
    text_box.press("End")
    _paste(text_box, text_plain="Service\tSaving\nPayroll\t£1.2m\nFinance\t£0.8m\n")
    expect(text_box).to_have_value(
        "Savings by service:\n\n| Service | Saving |\n| --- | --- |\n"
        "| Payroll | £1.2m |\n| Finance | £0.8m |"
    )
    expect(page.locator("#preview table tbody tr")).to_have_count(2)


def test_an_unsaved_draft_comes_back_after_a_reload_and_can_be_discarded(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR)
    page.goto(f"/responses/{demo_response_id}")
    page.get_by_role("link", name=re.compile(r"^Edit\s+position 1$")).click()
    text_box = page.get_by_label("Text", exact=True)
    saved_text = text_box.input_value()
    draft = f"{saved_text}\n\nA paragraph not yet saved {secrets.token_hex(3)}."
    text_box.fill(draft)
    page.wait_for_function(
        "text => Object.keys(localStorage).some("
        "k => k.startsWith('tabled:draft:') && localStorage.getItem(k).includes(text))",
        arg=draft[-20:],
    )

    page.reload()  # as after a crash: the server still has the saved text
    notice = page.get_by_role("status").filter(has_text="Restored the text you had not saved")
    expect(notice).to_be_visible()
    expect(text_box).to_have_value(draft)

    page.get_by_role("button", name="Discard it and show the saved text").click()
    expect(text_box).to_have_value(saved_text)
    expect(page.get_by_role("status")).to_contain_text("Discarded")
    page.reload()
    expect(page.get_by_role("status").filter(has_text="Restored")).to_have_count(0)
    expect(text_box).to_have_value(saved_text)


def test_a_saved_draft_is_forgotten_and_a_closed_tab_keeps_one(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR)
    text_box = _new_position_form(page, demo_response_id)
    heading = f"Kept through a closed tab {secrets.token_hex(3)}"
    page.get_by_label("Heading").fill(heading)
    text_box.fill("Words that must not be lost.")
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('tabled:draft:'))"
    )
    context = page.context
    page.close()

    page = context.new_page()
    text_box = _new_position_form(page, demo_response_id)
    expect(page.get_by_role("status")).to_contain_text("Restored the text you had not saved")
    expect(page.get_by_label("Heading")).to_have_value(heading)
    expect(text_box).to_have_value("Words that must not be lost.")

    page.get_by_role("button", name="Save position").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Saved “{heading}”.")
    assert (
        page.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('tabled:draft:')).length"
        )
        == 0
    )
    _new_position_form(page, demo_response_id)
    expect(page.get_by_role("status")).to_have_count(0)


def test_word_count_and_accessibility_warnings_follow_the_text(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR)
    text_box = _new_position_form(page, demo_response_id)
    count = page.locator("#body-words")
    expect(count).to_have_text("0 words in this position (heading and text)")
    page.get_by_label("Heading").fill("Open data")
    text_box.fill(
        "- one [annual report](https://example.org/report)\n- ![](chart.png) [](https://x.org)"
    )
    expect(count).to_have_text("5 words in this position (heading and text)")
    warnings = page.locator("#preview-warnings li")
    expect(warnings).to_have_count(2)
    expect(warnings.first).to_contain_text("no description (alt text)")
    expect(warnings.last).to_contain_text("The link to https://x.org has no text")
    text_box.fill("- ![A rising line](chart.png) [the data](https://x.org)")
    expect(page.locator("#preview-warnings")).to_have_count(0)


def test_the_editor_passes_axe_with_its_toolbar_warnings_and_notice(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR)
    text_box = _new_position_form(page, demo_response_id)
    text_box.fill("See [](https://example.org) and ![](chart.png).")
    expect(page.locator("#preview-warnings")).to_be_visible()
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('tabled:draft:'))"
    )
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Restored")
    expect(page.locator("#preview-warnings")).to_be_visible()
    # The rendered text itself holds the empty link and the image the warnings are
    # about: axe would flag the author's text, which is the warning's job. The editor
    # around it must pass.
    results = AXE.run(page, context={"exclude": [["#preview .tbl-prose"]]})
    blocking = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert blocking == []


def test_without_javascript_there_are_no_buttons_and_the_text_box_is_plain(
    new_page: NewPage, demo_response_id: int
) -> None:
    page = new_page(DIRECTOR, javascript=False)
    page.goto(f"/responses/{demo_response_id}/positions/new")
    expect(page.get_by_role("toolbar")).to_have_count(0)
    expect(page.get_by_role("button", name="Bold")).to_have_count(0)
    page.get_by_label("Text", exact=True).fill("**Plain** Markdown still works.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("Plain")
    expect(page.locator("#body-words")).to_contain_text("4 words")
