"""What the server adds to the editor: word counts on the form and the response page,
and accessibility warnings in the preview - shown to the author, never a refusal."""

from __future__ import annotations

import re

from tests.http.conftest import field_value, flash, text_of


def _follow(client, reply):  # type: ignore[no-untyped-def]
    assert reply.status_code == 303, reply.status_code
    return client.get(reply.headers["location"])


def _warnings(page: str) -> list[str]:
    block = re.search(r'id="preview-warnings">(.*?)</ul>', page, re.S)
    return re.findall(r"<li data-warning=\"([a-z-]+)\">", block.group(1)) if block else []


def test_live_preview_warns_about_a_link_without_text_and_an_image_without_alt(browser_for, people):
    reply = browser_for(people.director).submit(
        "/preview", {"body": "Read [](https://example.org/report) and ![](chart.png)."}
    )
    assert reply.status_code == 200
    assert _warnings(reply.text) == ["link-without-text", "image-without-alt"]
    assert "2 things a reader using a screen reader would miss" in text_of(reply.text)
    assert 'href="https://example.org/report"' in reply.text  # still rendered as written


def test_live_preview_of_clean_text_has_no_warnings(browser_for, people):
    reply = browser_for(people.director).submit(
        "/preview", {"body": "Read [the report](https://example.org) and ![A chart](c.png)."}
    )
    assert _warnings(reply.text) == []
    assert 'id="preview-warnings"' not in reply.text


def test_edit_form_shows_the_saved_text_its_word_count_and_its_warnings(
    browser_for, people, small, look
):
    first = look.positions(small)[0]
    client = browser_for(people.director)
    page = _follow(
        client,
        client.submit(
            f"/responses/{small}/positions/{first.id}",
            {"heading": first.heading, "body": "See [](https://x.org).", "base_revision": "4"},
        ),
    )
    assert flash(page.text) == "Saved “First position”."
    form = client.get(f"/responses/{small}/positions/{first.id}/edit")
    assert "3 words in this position (heading and text)" in text_of(form.text)
    assert _warnings(form.text) == ["link-without-text"]
    # The formatting buttons are there for JavaScript to show, hidden without it.
    assert re.search(r"<div class=\"tbl-editor__tools\" data-editor-tools hidden>", form.text)


def test_a_position_with_warnings_saves_exactly_as_typed(browser_for, people, small, look):
    body = "Our chart: ![](chart.png)\n\n| a | b |\n| --- | --- |\n| [](https://x.org) | 2 |"
    client = browser_for(people.director)
    reply = client.submit(
        f"/responses/{small}/positions",
        {"heading": "With warnings", "body": body, "base_revision": "4"},
    )
    assert reply.status_code == 303
    assert look.positions(small)[-1].body == body


def test_preview_button_without_javascript_shows_the_word_count_and_warnings(
    browser_for, people, small
):
    page = browser_for(people.director).submit(
        f"/responses/{small}/positions",
        {
            "heading": "Draft",
            "body": "One ![](x.png) two",
            "base_revision": "4",
            "action": "preview",
        },
    )
    assert page.status_code == 200
    assert field_value(page.text, "body") == "One ![](x.png) two"
    assert "3 words in this position" in text_of(page.text)
    assert _warnings(page.text) == ["image-without-alt"]


def test_response_page_counts_the_words_of_each_position_and_of_all(browser_for, people, small):
    page = text_of(browser_for(people.director).get(f"/responses/{small}").text)
    # "First position" + "The first text." and the same for the other two.
    assert "15 words in 3 positions (headings and text)" in page
    assert page.count("5 words") == 4  # three positions, and "15 words" in the total
