"""Comments in the margin, as the server sends them (issue 16): each thread's passage
highlighted in the text for everyone who reads the comments, the thread and its
highlight linked both ways, "Next open thread", and "Comment on this paragraph"
(whose quote the reviewer narrows) only for people who may comment now."""

from __future__ import annotations

import re

import pytest

from .conftest import error_beside, field_value, text_of


@pytest.fixture
def futures_review(small, look) -> int:  # type: ignore[no-untyped-def]
    look.set_stage(small, "futures-review")
    return small


def _quote(api, rid: int, position_id: int, quote: str, body: str = "Why?") -> int:  # type: ignore[no-untyped-def]
    made = api.post(
        f"/api/v1/responses/{rid}/comments",
        json={"body": body, "position_id": position_id, "quote": quote},
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _mark_of(page: str, thread: int) -> str:
    """The words of the <mark> that is this thread's target, or ''."""
    found = re.search(rf'<mark [^>]*id="mark-{thread}"[^>]*>(.*?)</mark>', page, re.S)
    return found.group(1) if found else ""


def test_every_reader_of_the_comments_sees_the_quoted_passage_highlighted(
    api_for, browser_for, people, futures_review, look
):
    position = look.positions(futures_review)[1]
    thread = _quote(api_for(people.futures), futures_review, position.id, "second text")
    for reader in (people.futures, people.director, people.director2, people.admin):
        page = browser_for(reader).get(f"/responses/{futures_review}").text
        assert _mark_of(page, thread) == "second text", reader.email
        assert "The second text." in text_of(page)  # the words read on as before
        # The thread links to its highlight, and the highlight names its thread.
        assert f'href="#mark-{thread}">Show the passage in the text</a>' in page
        assert re.search(rf'<mark [^>]*data-threads="{thread}"', page)
        assert f'id="comment-{thread}"' in page and f'data-mark="mark-{thread}"' in page
    # A plain member never reads the draft: nothing of it, or of its comments.
    member = browser_for(people.member).get(f"/responses/{futures_review}", follow_redirects=False)
    assert member.status_code in (303, 307, 404) and "<mark" not in member.text


def test_overlapping_threads_and_a_passage_across_bold_are_highlighted_on_the_page(
    api_for, browser_for, people, futures_review, look
):
    position = look.positions(futures_review)[0]
    director = api_for(people.director)
    look.set_stage(futures_review, "draft")
    saved = director.put(
        f"/api/v1/responses/{futures_review}/positions/{position.id}",
        json={
            "heading": position.heading,
            "body": "Share the **data centre** and the network.",
            "themes": position.themes,
            "base_revision": look.response(futures_review).revision,
        },
    )
    assert saved.status_code == 200, saved.text
    look.set_stage(futures_review, "futures-review")
    futures = api_for(people.futures)
    wide = _quote(futures, futures_review, position.id, "the data centre and")
    narrow = _quote(futures, futures_review, position.id, "centre and the network")
    page = browser_for(people.futures).get(f"/responses/{futures_review}").text
    assert "<strong><mark" in page  # the marks sit inside the bold, never across it
    assert re.search(rf'data-threads="{wide} {narrow}"|data-threads="{narrow} {wide}"', page)
    assert _mark_of(page, wide).startswith("the") and _mark_of(page, narrow) == "centre"


def test_a_passage_redrafted_away_is_not_highlighted_and_its_thread_says_outdated(
    api_for, browser_for, people, futures_review, look
):
    position = look.positions(futures_review)[0]
    look.set_stage(futures_review, "draft")
    director = api_for(people.director)

    def redraft(body: str) -> None:
        saved = director.put(
            f"/api/v1/responses/{futures_review}/positions/{position.id}",
            json={
                "heading": position.heading,
                "body": body,
                "themes": position.themes,
                "base_revision": look.response(futures_review).revision,
            },
        )
        assert saved.status_code == 200, saved.text

    redraft("Shared data centres cut running costs for every council.")
    thread = _quote(director, futures_review, position.id, "data centres cut running costs")
    assert "<mark" in browser_for(people.director).get(f"/responses/{futures_review}").text
    redraft("Completely different words now.")
    page = browser_for(people.director).get(f"/responses/{futures_review}").text
    assert f'id="mark-{thread}"' not in page and "<mark" not in page
    assert "Outdated" in text_of(page) and f"#mark-{thread}" not in page


def test_next_open_thread_links_to_the_first_open_thread_and_goes_when_all_are_answered(
    api_for, browser_for, people, futures_review, look
):
    positions = look.positions(futures_review)
    futures = api_for(people.futures)
    second = _quote(futures, futures_review, positions[1].id, "second text")
    first = _quote(futures, futures_review, positions[0].id, "first text")
    web = browser_for(people.director)
    page = web.get(f"/responses/{futures_review}").text
    # In the order of the page: position 1's thread comes before position 2's.
    assert re.search(rf'id="next-open-thread" href="#comment-{first}"', page)
    director = api_for(people.director)
    for thread in (first, second):
        answered = director.patch(
            f"/api/v1/comments/{thread}", json={"disposition": "noted", "disposition_note": "ok"}
        )
        assert answered.status_code == 200, answered.text
    page = web.get(f"/responses/{futures_review}").text
    assert 'id="next-open-thread"' not in page
    # Answered threads stay highlighted, drawn as answered.
    assert re.search(rf'<mark class="tbl-mark tbl-mark--closed" data-threads="{first}"', page)


def test_the_paragraph_link_is_offered_only_to_people_who_may_comment_now(
    browser_for, people, futures_review, look
):
    position = look.positions(futures_review)[0]
    link = f"/responses/{futures_review}/comment?position={position.id}&amp;paragraph=1"
    assert link in browser_for(people.futures).get(f"/responses/{futures_review}").text
    assert link in browser_for(people.director).get(f"/responses/{futures_review}").text
    # Another director reads the comments but may not comment: no link, and no form.
    reader = browser_for(people.director2)
    assert "Comment on this paragraph" not in reader.get(f"/responses/{futures_review}").text
    # Futures once its stage is over: read-only, so no link either.
    look.set_stage(futures_review, "council-review")
    later = browser_for(people.futures).get(f"/responses/{futures_review}").text
    assert "Comment on this paragraph" not in later and "first text" in later
    assert (
        "Comment on this paragraph"
        in browser_for(people.council).get(f"/responses/{futures_review}").text
    )


def test_a_reviewer_narrows_a_paragraph_quote_without_retyping_it(
    api_for, browser_for, people, futures_review, look
):
    position = look.positions(futures_review)[0]
    web = browser_for(people.futures)
    form = web.get(f"/responses/{futures_review}/comment?position={position.id}&paragraph=1").text
    assert field_value(form, "quote") == "The first text."
    assert field_value(form, "paragraph") == "1"
    assert "delete the words before and after that part" in form
    sent = web.submit(
        f"/responses/{futures_review}/comments?section=p{position.id}",
        {
            "body": "Only this part.",
            "position_id": str(position.id),
            "paragraph": "1",
            "quote": "first text",
        },
    )
    assert sent.status_code == 303, sent.text
    page = web.get(sent.headers["location"]).text
    thread = int(re.findall(r'id="mark-(\d+)"', page)[0])
    assert _mark_of(page, thread) == "first text"
    stored = api_for(people.futures).get(f"/api/v1/responses/{futures_review}/comments").json()[0]
    assert (stored["quote"], stored["anchor"]["state"]) == ("first text", "attached")


def test_a_narrowed_quote_that_is_not_part_of_the_paragraph_is_refused_beside_it(
    api_for, browser_for, people, futures_review, look
):
    position = look.positions(futures_review)[0]
    web = browser_for(people.futures)
    sent = web.submit(
        f"/responses/{futures_review}/comments?section=p{position.id}",
        {
            "body": "Kept words.",
            "position_id": str(position.id),
            "paragraph": "1",
            "quote": "The first words",
        },
    )
    assert sent.status_code == 422
    assert "must be words from paragraph 1 of position 1" in error_beside(sent.text, "page-quote")
    assert field_value(sent.text, "body") == "Kept words."
    assert field_value(sent.text, "quote") == "The first words"
    assert field_value(sent.text, "paragraph") == "1"
    # Words of another position are not part of this paragraph either.
    other = web.submit(
        f"/responses/{futures_review}/comments?section=p{position.id}",
        {"body": "x", "position_id": str(position.id), "paragraph": "1", "quote": "second text"},
    )
    assert other.status_code == 422
    assert api_for(people.futures).get(f"/api/v1/responses/{futures_review}/comments").json() == []


def test_a_reader_who_may_not_comment_is_refused_before_the_paragraph_is_checked(
    browser_for, people, futures_review, look
):
    position = look.positions(futures_review)[0]
    sent = browser_for(people.director2).submit(
        f"/responses/{futures_review}/comments?section=p{position.id}",
        {"body": "x", "position_id": str(position.id), "paragraph": "1", "quote": "nothing"},
    )
    assert sent.status_code == 403


def test_a_comment_posted_in_place_brings_its_highlight_with_the_section(
    browser_for, people, futures_review, look
):
    """With htmx the post answers with the section and, out of band, the position's
    text with the new passage highlighted; the live refresh of a section does too."""
    position = look.positions(futures_review)[0]
    web = browser_for(people.futures)
    slot = f"para-{position.id}-1"
    sent = web.submit(
        f"/responses/{futures_review}/comments?section=p{position.id}&slot={slot}",
        {"body": "In place.", "position_id": str(position.id), "paragraph": "1", "quote": "first"},
        headers={"HX-Request": "true", "HX-Target": slot},
    )
    assert sent.status_code == 200 and "<html" not in sent.text
    assert f'id="comments-p{position.id}"' in sent.text
    assert f'id="text-{position.id}" hx-swap-oob="true"' in sent.text
    thread = int(re.findall(r'id="mark-(\d+)"', sent.text)[0])
    assert _mark_of(sent.text, thread) == "first"
    refreshed = web.get(f"/responses/{futures_review}/comments/p{position.id}")
    assert _mark_of(refreshed.text, thread) == "first"
    assert f'id="text-{position.id}" hx-swap-oob="true"' in refreshed.text
    general = web.get(f"/responses/{futures_review}/comments/general")
    assert "hx-swap-oob" not in general.text
