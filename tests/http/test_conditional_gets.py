"""Conditional GETs and htmx: a client that has the page gets a 304 with the same
validators, one that has an old copy gets the new one, and an answer that differs
for htmx says so (Vary: HX-Request) so no cache mixes a fragment and a page."""

from __future__ import annotations

import pytest

from .conftest import text_of


@pytest.fixture
def futures_review(small, browser_for, people) -> int:  # type: ignore[no-untyped-def]
    sent = browser_for(people.director).submit(f"/responses/{small}/actions", {"action": "submit"})
    assert sent.status_code == 303, sent.text[:300]
    return int(small)


def test_the_response_page_round_trips_its_etag_until_the_text_changes(browser_for, people, small):
    director = browser_for(people.director)
    first = director.get(f"/responses/{small}")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"

    again = director.get(f"/responses/{small}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    # A weak form of the same tag, or one of several, matches too (RFC 9110).
    weak = director.get(f"/responses/{small}", headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304

    edit = director.get(f"/responses/{small}/edit")
    assert edit.status_code == 200
    saved = director.submit(
        f"/responses/{small}/edit",
        {
            "title": "A renamed response",
            "rt_title": "A small consultation",
            "rt_publisher": "A department",
            "rt_date": "",
            "rt_url": "",
            "summary": "",
            "base_revision": "4",
        },
    )
    assert saved.status_code == 303, saved.text[:300]
    changed = director.get(f"/responses/{small}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "A renamed response" in text_of(changed.text)


def test_the_comments_stamp_answers_304_until_someone_comments(
    api_for, browser_for, people, futures_review
):
    web = browser_for(people.director)
    url = f"/responses/{futures_review}/comments/stamp"
    first = web.get(url)
    assert first.status_code == 204 and first.headers["HX-Trigger"] == "tbl-comments-changed"
    etag = first.headers["ETag"]
    unchanged = web.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == etag
    assert "HX-Trigger" not in unchanged.headers
    posted = api_for(people.futures).post(
        f"/api/v1/responses/{futures_review}/comments", json={"body": "Something new"}
    )
    assert posted.status_code == 201, posted.text
    moved = web.get(url, headers={"If-None-Match": etag})
    assert moved.status_code == 204 and moved.headers["ETag"] != etag


def test_the_comment_form_says_it_varies_by_hx_request(browser_for, people, futures_review):
    web = browser_for(people.futures)
    url = f"/responses/{futures_review}/comment"
    page = web.get(url)
    fragment = web.get(url, headers={"HX-Request": "true", "HX-Target": "new-general"})
    assert page.status_code == fragment.status_code == 200
    # The same address answers a whole page to a browser and a form alone to htmx.
    assert "<html" in page.text and "<html" not in fragment.text
    assert 'name="body"' in page.text and 'name="body"' in fragment.text
    for reply in (page, fragment):
        assert "HX-Request" in [v.strip() for v in reply.headers["Vary"].split(",")]


def test_a_refused_comment_from_htmx_is_swapped_into_its_form(browser_for, people, futures_review):
    web = browser_for(people.futures)
    refused = web.submit(
        f"/responses/{futures_review}/comments",
        {"body": ""},
        headers={"HX-Request": "true", "HX-Target": "new-general"},
    )
    # htmx swaps only successes: render() sends the refusal as one, into the form's slot.
    assert refused.status_code == 200
    assert refused.headers["HX-Retarget"] == "#new-general"
    assert refused.headers["HX-Reswap"] == "innerHTML"
    plain = web.submit(f"/responses/{futures_review}/comments", {"body": ""})
    assert plain.status_code == 422 and "HX-Retarget" not in plain.headers
