"""Pages speak in words: group and theme names, stages that read right, Markdown
rendered wherever it is shown (diffs, the report, the feed), times in local time."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from .conftest import flash, text_of


def test_the_review_panel_names_the_group_not_its_slug(browser_for, people, small, look):
    look.set_stage(small, "futures-review")
    words = text_of(browser_for(people.futures).get(f"/responses/{small}").text)
    assert "reviewed by Futures" in words
    look.set_stage(small, "council-review")
    words = text_of(browser_for(people.council).get(f"/responses/{small}").text)
    assert "reviewed by National Advisory Council" in words
    assert "advisory-council" not in words


def test_a_done_message_reads_right_for_every_kind_of_stage(browser_for, people, small, look):
    director = browser_for(people.director)
    look.set_stage(small, "approved")
    director.submit(f"/responses/{small}/actions", {"action": "withdraw", "note": "Not yet"})
    assert flash(director.get(f"/responses/{small}").text) == (
        "Done: the response is back in draft."
    )


def test_a_revision_diff_shows_formatting_not_markdown(browser_for, people, small, look):
    director = browser_for(people.director)
    pid = look.positions(small)[0].id
    saved = director.submit(
        f"/responses/{small}/positions/{pid}",
        {
            "heading": "First position",
            "body": "The **first** text, now with [a link](https://example.org).",
            "themes": ["efficiency"],
            "base_revision": "4",
        },
    )
    assert saved.status_code == 303
    page = director.get(f"/responses/{small}/compare?from=4&to=5").text
    diff = page[page.index("tbl-diff--rendered") :]
    assert "**" not in diff and "](" not in diff
    assert re.search(r"<ins class=\"tbl-ins\">.*?<strong>", diff, re.S) or "<strong>" in diff
    assert '<a href="https://example.org">' in diff


def test_the_report_renders_what_reviewers_said(api_for, browser_for, people, small, look):
    look.set_stage(small, "futures-review")
    said = api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments",
        json={"body": "We **must** mention *inclusion*.\n\n- first\n- second"},
    )
    assert said.status_code == 201
    page = browser_for(people.director).get(f"/responses/{small}/report").text
    row = page[page.index(f'id="report-{said.json()["id"]}"') :]
    assert "<strong>must</strong>" in row and "<em>inclusion</em>" in row
    assert "<li>first</li>" in row
    assert "**must**" not in row


def test_the_feed_carries_the_summary_rendered_as_html(api_for, browser_for, people, small, look):
    director = api_for(people.director)
    edited = browser_for(people.director).submit(
        f"/responses/{small}/edit",
        {
            "title": "A small response",
            "rt_title": "A small consultation",
            "summary": "We **welcome** it <script>x</script>.",
            "base_revision": "4",
        },
    )
    assert edited.status_code == 303
    look.set_stage(small, "approved")
    assert (
        director.post(f"/api/v1/responses/{small}/actions", json={"action": "publish"}).status_code
        == 200
    )
    feed = browser_for(people.member).get("/library/feed.xml")
    entry = ET.fromstring(feed.content).find("{http://www.w3.org/2005/Atom}entry")  # noqa: S314
    assert entry is not None
    summary = entry.find("{http://www.w3.org/2005/Atom}summary")
    assert summary is not None and summary.get("type") == "html"
    assert "<strong>welcome</strong>" in (summary.text or "")
    assert "<script>" not in (summary.text or "")
    assert "&lt;script&gt;" in (summary.text or "")
    assert "Responding to A small consultation." in (summary.text or "")
