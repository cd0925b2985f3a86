"""Suggested edits, the comment forms fetched on demand, and the page's live stamp."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from server.models import Comment, Position, Revision

from .conftest import error_beside, text_of


@pytest.fixture
def futures_review(small, look) -> int:  # type: ignore[no-untyped-def]
    look.set_stage(small, "futures-review")
    return small


def _first(look, rid: int) -> Position:  # type: ignore[no-untyped-def]
    return look.positions(rid)[0]


def _suggest(client, rid: int, position_id: int, **body):  # type: ignore[no-untyped-def]
    body.setdefault("body", "")
    return client.post(
        f"/api/v1/responses/{rid}/comments", json={"position_id": position_id, **body}
    )


# Suggested edits ------------------------------------------------------------------


def test_a_suggestion_is_accepted_into_a_new_revision_only_in_draft(
    api_for, people, futures_review, look
):
    position = _first(look, futures_review)  # "The first text."
    made = _suggest(
        api_for(people.futures),
        futures_review,
        position.id,
        quote="first text",
        suggestion="opening words",
        body="Plainer, please.",
    )
    assert made.status_code == 201, made.text
    assert made.json()["suggestion"] == "opening words"
    director = api_for(people.director)
    url = f"/api/v1/comments/{made.json()['id']}/accept"
    refused = director.post(url, json={})
    assert refused.status_code == 409 and "draft" in refused.json()["detail"]
    assert look.positions(futures_review)[0].body == "The first text."

    look.set_stage(futures_review, "draft")
    before = look.response(futures_review).revision
    assert api_for(people.futures).post(url, json={}).status_code == 403
    accepted = director.post(url, json={"note": "Agreed."})
    assert accepted.status_code == 200, accepted.text
    after = look.response(futures_review).revision
    assert after == before + 1
    assert look.positions(futures_review)[0].body == "The opening words."
    data = accepted.json()
    assert data["disposition"] == "accepted" and data["status"] == "resolved"
    assert data["applied_revision"] == after and data["disposition_note"] == "Agreed."
    with Session(look.engine) as s:
        revision = s.exec(
            select(Revision).where(Revision.response_id == futures_review, Revision.number == after)
        ).one()
    assert "Accepted a suggestion from Futures" in revision.description
    again = director.post(url, json={})
    assert again.status_code == 409 and "answered already" in again.json()["detail"]


def test_a_whole_position_suggestion_refuses_to_overwrite_a_later_redraft(
    api_for, people, small, look
):
    position = _first(look, small)
    director = api_for(people.director)
    made = _suggest(director, small, position.id, suggestion="A new first text.").json()
    revision = look.response(small).revision
    edited = director.put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={
            "heading": position.heading,
            "body": "Redrafted.",
            "themes": [],
            "base_revision": revision,
        },
    )
    assert edited.status_code == 200, edited.text
    refused = director.post(f"/api/v1/comments/{made['id']}/accept", json={})
    assert refused.status_code == 409 and "redrafted since" in refused.json()["detail"]
    assert look.positions(small)[0].body == "Redrafted."
    no_reason = director.post(f"/api/v1/comments/{made['id']}/decline", json={})
    assert no_reason.status_code == 422 and "say why" in no_reason.json()["detail"]
    declined = director.post(
        f"/api/v1/comments/{made['id']}/decline", json={"note": "Overtaken by the redraft."}
    )
    assert declined.status_code == 200
    assert declined.json()["disposition"] == "not-accepted"
    assert declined.json()["disposition_note"] == "Overtaken by the redraft."


def test_a_passage_with_formatting_is_left_for_the_director_to_apply(api_for, people, small, look):
    position = _first(look, small)
    director = api_for(people.director)
    revision = look.response(small).revision
    director.put(
        f"/api/v1/responses/{small}/positions/{position.id}",
        json={
            "heading": position.heading,
            "body": "Share **the data** now.",
            "themes": [],
            "base_revision": revision,
        },
    )
    made = _suggest(
        director, small, position.id, quote="the data now", suggestion="their data soon"
    ).json()
    refused = director.post(f"/api/v1/comments/{made['id']}/accept", json={})
    assert refused.status_code == 409 and "formatting" in refused.json()["detail"]
    assert look.positions(small)[0].body == "Share **the data** now."


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"suggestion": "The first text."}, "suggestion", "the same as the text"),
        ({"quote": "first", "suggestion": "first"}, "suggestion", "the same as the text"),
        ({"suggestion": "x" * 20_001}, "suggestion", "at most 20,000"),
        ({"suggestion": "ok", "position_id": None}, "position_id", "which position"),
        ({"suggestion": "a\x00b"}, "suggestion", "NUL"),
    ],
)
def test_bad_suggestions_are_refused_and_nothing_is_stored(
    api_for, people, small, look, body, field, reason
):
    payload = {"body": "", "position_id": _first(look, small).id, **body}
    sent = api_for(people.director).post(f"/api/v1/responses/{small}/comments", json=payload)
    assert sent.status_code == 422, sent.text
    assert reason in sent.json()["detail"]
    with Session(look.engine) as s:
        assert s.exec(select(Comment)).first() is None


def test_a_reply_cannot_suggest_wording(api_for, people, small, look):
    director = api_for(people.director)
    root = director.post(f"/api/v1/responses/{small}/comments", json={"body": "Root"}).json()
    sent = director.post(
        f"/api/v1/responses/{small}/comments",
        json={"body": "r", "parent_id": root["id"], "suggestion": "New words"},
    )
    assert sent.status_code == 422 and "reply cannot suggest" in sent.json()["detail"]


def test_the_director_accepts_a_suggestion_from_the_page_without_javascript(
    api_for, browser_for, people, small, look
):
    position = _first(look, small)
    made = _suggest(
        api_for(people.admin), small, position.id, quote="first text", suggestion="best words"
    ).json()
    web = browser_for(people.director)
    page = web.get(f"/responses/{small}").text
    assert "Suggested edit" in page
    assert re.search(r'<del class="tbl-del">.*first.*</del>', page)
    assert re.search(r'<ins class="tbl-ins">.*best.*</ins>', page)
    actions = web.get(f"/comments/{made['id']}/actions")
    assert actions.status_code == 200
    assert "Accept the suggestion" in actions.text and "Decline the suggestion" in actions.text
    sent = web.submit(f"/comments/{made['id']}/accept?section=p{position.id}", {})
    assert sent.status_code == 303
    shown = text_of(web.get(sent.headers["location"]).text)
    assert "Suggestion accepted" in shown and "The best words." in shown
    assert f"applied in revision {look.response(small).revision}" in shown
    report = web.get(f"/responses/{small}/report.csv").text
    assert "suggestion" in report.splitlines()[0] and "best words" in report
    assert "Suggested wording put in the text in revision" in text_of(
        web.get(f"/responses/{small}/report").text
    )


def test_declining_without_a_reason_shows_the_form_again_with_the_error(
    api_for, browser_for, people, small, look
):
    position = _first(look, small)
    made = _suggest(api_for(people.admin), small, position.id, suggestion="Other.").json()
    web = browser_for(people.director)
    page = web.submit(f"/comments/{made['id']}/decline?section=p{position.id}", {"reason": " "})
    assert page.status_code == 422
    assert "Say why the suggestion is declined" in page.text
    htmx = web.submit(
        f"/comments/{made['id']}/decline?section=p{position.id}&slot=actions-{made['id']}",
        {"reason": ""},
        headers={"HX-Request": "true", "HX-Target": f"actions-{made['id']}"},
    )
    assert htmx.status_code == 200 and htmx.headers["HX-Retarget"] == f"#actions-{made['id']}"
    assert "<html" not in htmx.text and "Say why" in htmx.text


# Forms fetched on demand ------------------------------------------------------------


def test_the_paragraph_form_comes_with_the_paragraph_quoted(
    browser_for, people, futures_review, look
):
    position = _first(look, futures_review)
    web = browser_for(people.futures)
    url = f"/responses/{futures_review}/comment?position={position.id}&paragraph=1"
    page = web.get(url)
    assert page.status_code == 200 and "<html" in page.text
    assert "The first text.</textarea>" in page.text
    partial = web.get(url, headers={"HX-Request": "true", "HX-Target": f"para-{position.id}-1"})
    assert "<html" not in partial.text and f'id="para-{position.id}-1-body"' in partial.text
    assert web.get(f"{url[:-1]}9").status_code == 404
    assert browser_for(people.director2).get(url).status_code == 403  # reads, may not comment
    assert browser_for(people.council).get(url).status_code == 404  # not given it yet


def test_a_refused_post_without_javascript_keeps_the_text_beside_the_error(
    browser_for, people, futures_review, look
):
    position = _first(look, futures_review)
    web = browser_for(people.futures)
    page = web.submit(
        f"/responses/{futures_review}/comments?section=p{position.id}",
        {"body": "Careful words", "position_id": str(position.id), "quote": "absent words"},
    )
    assert page.status_code == 422
    assert "not in the current text" in error_beside(page.text, "page-quote")
    assert "Careful words</textarea>" in page.text


def test_the_response_page_carries_no_comment_forms(api_for, browser_for, people, futures_review):
    futures = api_for(people.futures)
    for n in range(30):
        futures.post(f"/api/v1/responses/{futures_review}/comments", json={"body": f"c{n}"})
    page = browser_for(people.director).get(f"/responses/{futures_review}").text
    sections = page[page.index('id="positions-heading"') :]
    assert sections.count("<form") == 0  # the owner's move buttons are in review: none
    assert page.count("tbl-actions-link") == 30


def test_only_the_author_gets_the_edit_form(api_for, browser_for, people, futures_review):
    made = (
        api_for(people.futures)
        .post(f"/api/v1/responses/{futures_review}/comments", json={"body": "Mine"})
        .json()
    )
    author = browser_for(people.futures)
    assert f'href="/comments/{made["id"]}/edit"' in author.get(f"/responses/{futures_review}").text
    form = author.get(f"/comments/{made['id']}/edit")
    assert form.status_code == 200 and "Mine</textarea>" in form.text
    other = browser_for(people.director)
    assert f'/comments/{made["id"]}/edit"' not in other.get(f"/responses/{futures_review}").text
    assert other.get(f"/comments/{made['id']}/edit").status_code == 403


# Live refresh and size ------------------------------------------------------------


def test_the_stamp_answers_304_until_a_comment_changes(
    api_for, browser_for, people, futures_review
):
    web = browser_for(people.director)
    url = f"/responses/{futures_review}/comments/stamp"
    first = web.get(url)
    assert first.status_code == 204 and first.headers["HX-Trigger"] == "tbl-comments-changed"
    tag = first.headers["ETag"]
    assert web.get(url, headers={"If-None-Match": tag}).status_code == 304
    api_for(people.futures).post(
        f"/api/v1/responses/{futures_review}/comments", json={"body": "New"}
    )
    changed = web.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 204 and changed.headers["ETag"] != tag
    section = web.get(f"/responses/{futures_review}/comments/general")
    assert "New" in section.text


def test_the_page_takes_the_same_queries_for_few_or_many_comments(
    app, api_for, browser_for, people, small, look
):
    director = api_for(people.director)
    web = browser_for(people.director)
    positions = look.positions(small)

    def queries_for_page() -> int:
        app.state.board_cache.clear()  # a cold page: built, not served from memory
        app.state.page_cache.clear()
        app.state.document_cache.clear()
        seen: list[str] = []

        def log(*args: object) -> None:
            seen.append(str(args[2]))

        engine = app.state.engine
        event.listen(engine, "before_cursor_execute", log)
        try:
            assert web.get(f"/responses/{small}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", log)
        return len(seen)

    def comment(n: int) -> None:
        for k in range(n):
            director.post(
                f"/api/v1/responses/{small}/comments",
                json={"body": f"c{k}", "position_id": positions[k % len(positions)].id},
            )

    comment(2)
    few = queries_for_page()
    comment(60)
    assert queries_for_page() == few


# The shared document ------------------------------------------------------------


def test_a_renamed_theme_shows_at_once_on_a_page_already_built(browser_for, people, small):
    director = browser_for(people.director)
    assert "Value for money" not in director.get(f"/responses/{small}").text
    browser_for(people.admin).submit("/themes/efficiency", {"name": "Value for money"})
    assert "Value for money" in director.get(f"/responses/{small}").text


def test_each_owner_s_move_buttons_carry_their_own_csrf_token(browser_for, people, small):
    for actor in (people.director, people.admin):
        web = browser_for(actor)
        page = web.get(f"/responses/{small}").text
        tokens = set(re.findall(r'name="csrf_token" value="([^"]*)"', page))
        assert tokens == {web.csrf}, actor.email
        assert "<!--csrf-->" not in page


def test_a_reader_who_may_not_comment_gets_the_same_text_without_links(
    browser_for, people, futures_review
):
    futures = browser_for(people.futures).get(f"/responses/{futures_review}").text
    other = browser_for(people.director2).get(f"/responses/{futures_review}").text
    assert "Comment on this paragraph" in futures
    assert "Comment on this paragraph" not in other and "The first text." in other
