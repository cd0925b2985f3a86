"""Counts that stay current: while a reviewer reads, someone else's comment arrives in
the threads, the open counts and the summary beside the decision, and a polite live
region says so once; the reader's own comment is not announced as news."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import NewPage

TITLE = "Response to the Shared Care Records consultation"
POLL_MS = 25_000  # the page asks every 10 s; a busy machine is slower


def _open_count(text: str) -> int:
    found = re.search(r"(\d+) comment threads? (waiting|still waiting)", text)
    return int(found.group(1)) if found else 0


def test_new_comments_update_the_counts_and_are_announced(new_page: NewPage) -> None:
    reader = new_page("futures1@example.org")
    reader.goto("/")
    reader.get_by_role("link", name=TITLE).first.click()
    news = reader.locator("#comment-news")
    expect(news).to_have_attribute("aria-live", "polite")
    expect(news).to_have_text("")
    counts = reader.locator("#comment-counts")
    before = _open_count(counts.inner_text())
    summary_before = _open_count(reader.locator("#open-summary").inner_text())
    assert before == summary_before
    rid = reader.url.rstrip("/").split("/")[-1]

    # Someone else comments on the whole response, without JavaScript.
    other = new_page("futures2@example.org", javascript=False)
    other.goto(f"/responses/{rid}/comment")
    other.get_by_label("Your comment").fill("Who pays for the phone route?")
    other.get_by_role("button", name="Post comment").click()

    expect(news).to_have_text("1 new comment on this response.", timeout=POLL_MS)
    expect(counts).to_contain_text(f"{before + 1} comment thread", timeout=POLL_MS)
    expect(reader.locator("#open-summary")).to_contain_text(
        f"{before + 1} comment thread", timeout=POLL_MS
    )
    expect(reader.locator("#comments-general")).to_contain_text("Who pays for the phone route?")

    # The reader's own comment: counted at once, never announced.
    news.evaluate("el => { el.textContent = ''; }")
    reader.get_by_role("link", name="Comment on the whole response").click()
    reader.locator("#new-general textarea.tbl-field-body").fill("A fair question.")
    reader.locator("#new-general").get_by_role("button", name="Post comment").click()
    expect(reader.locator("#comments-general")).to_contain_text("A fair question.")
    expect(counts).to_contain_text(f"{before + 2} comment thread")
    reader.wait_for_timeout(12_000)  # one more poll goes by
    expect(news).to_have_text("")
