"""Comments over HTTP: who may read, write and answer them, bad input, the pages."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session, select

from server.models import AuditEvent, Comment, Notification

from .conftest import SMALL_DRAFT, text_of


def _post(client, rid: int, **body):  # type: ignore[no-untyped-def]
    body.setdefault("body", "A comment.")
    return client.post(f"/api/v1/responses/{rid}/comments", json=body)


def _positions(client, rid: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/responses/{rid}").json()["positions"]


@pytest.fixture
def futures_review(small, look) -> int:  # type: ignore[no-untyped-def]
    look.set_stage(small, "futures-review")
    return small


# Who may comment -----------------------------------------------------------------


def test_a_futures_member_comments_on_a_quoted_passage_during_futures_review(
    api_for, people, futures_review
):
    futures = api_for(people.futures)
    pid = _positions(futures, futures_review)[1]["id"]
    reply = _post(futures, futures_review, body="Say *why*.", position_id=pid, quote="second text")
    assert reply.status_code == 201
    made = reply.json()
    assert made == {
        **made,
        "author": "Futures",
        "body": "Say *why*.",
        "position_id": pid,
        "parent_id": None,
        "quote": "second text",
        "revision": 4,
        "status": "open",
    }
    assert made["anchor"] == {"state": "attached", "position_id": pid, "passage": "second text"}
    listed = futures.get(f"/api/v1/responses/{futures_review}/comments").json()
    assert [c["id"] for c in listed] == [made["id"]]


def test_the_owner_and_admins_comment_in_any_stage(api_for, people, small, look):
    for stage in ("draft", "council-review", "published"):
        look.set_stage(small, stage)
        assert _post(api_for(people.director), small).status_code == 201
        assert _post(api_for(people.admin), small).status_code == 201


def test_a_futures_member_reads_but_cannot_comment_outside_futures_review(
    api_for, people, small, look
):
    futures = api_for(people.futures)
    assert _post(futures, small).status_code == 404  # a draft not yet handed to them
    look.set_stage(small, "futures-review")
    assert _post(futures, small).status_code == 201
    look.set_stage(small, "council-review")
    refused = _post(futures, small)
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert len(futures.get(f"/api/v1/responses/{small}/comments").json()) == 1


def test_a_council_member_comments_only_in_council_review(api_for, people, futures_review, look):
    council = api_for(people.council)
    assert _post(council, futures_review).status_code == 404  # not theirs yet: unseen
    look.set_stage(futures_review, "council-review")
    assert _post(council, futures_review).status_code == 201


def test_a_plain_member_never_sees_a_draft_s_comments(api_for, people, small):
    owner_comment = _post(api_for(people.director), small).json()
    member = api_for(people.member)
    assert member.get(f"/api/v1/responses/{small}/comments").status_code == 404
    assert _post(member, small).status_code == 404
    patched = member.patch(f"/api/v1/comments/{owner_comment['id']}", json={"status": "resolved"})
    assert patched.status_code == 404


def test_a_plain_member_cannot_read_or_write_comments_on_a_published_response(
    api_for, people, small, look
):
    _post(api_for(people.director), small)
    look.set_stage(small, "published")
    member = api_for(people.member)
    assert member.get(f"/api/v1/responses/{small}").status_code == 200  # the response, yes
    assert member.get(f"/api/v1/responses/{small}/comments").status_code == 404
    assert _post(member, small).status_code == 404


def test_another_director_reads_but_cannot_comment(api_for, people, futures_review):
    other = api_for(people.director2)
    assert _post(other, futures_review).status_code == 403
    assert other.get(f"/api/v1/responses/{futures_review}/comments").status_code == 200


def test_without_a_token_the_api_answers_401(app, small):
    from fastapi.testclient import TestClient

    with TestClient(app) as anonymous:
        assert anonymous.get(f"/api/v1/responses/{small}/comments").status_code == 401
        assert anonymous.patch("/api/v1/comments/1", json={"status": "open"}).status_code == 401


# Dispositions ---------------------------------------------------------------------


def test_the_owner_answers_a_thread_with_a_disposition_and_it_closes(
    api_for, people, futures_review
):
    futures, director = api_for(people.futures), api_for(people.director)
    made = _post(futures, futures_review).json()
    answered = director.patch(
        f"/api/v1/comments/{made['id']}",
        json={"disposition": "partly-accepted", "disposition_note": "Reworded paragraph 2."},
    )
    assert answered.status_code == 200
    body = answered.json()
    assert (body["status"], body["disposition"], body["disposition_note"]) == (
        "resolved",
        "partly-accepted",
        "Reworded paragraph 2.",
    )
    assert body["answered_revision"] == 4
    closed = _post(futures, futures_review, parent_id=made["id"])
    assert closed.status_code == 409
    reopened = director.patch(f"/api/v1/comments/{made['id']}", json={"status": "open"})
    assert reopened.json()["disposition"] is None and reopened.json()["status"] == "open"


def test_only_the_owner_or_an_admin_answers(api_for, people, futures_review):
    made = _post(api_for(people.futures), futures_review).json()
    url = f"/api/v1/comments/{made['id']}"
    for who in (people.futures, people.director2):
        assert api_for(who).patch(url, json={"disposition": "noted"}).status_code == 403
    # The council has not been given the response yet: for them the comment is not there.
    assert api_for(people.council).patch(url, json={"disposition": "noted"}).status_code == 404
    assert api_for(people.admin).patch(url, json={"disposition": "noted"}).status_code == 200


@pytest.mark.parametrize(
    "patch",
    [
        {"disposition": "maybe"},
        {"status": "closed"},
        {},
        {"disposition": "noted", "status": "open"},
        {"disposition_note": "x" * 5001},
    ],
)
def test_a_bad_answer_is_refused_and_nothing_changes(api_for, people, futures_review, look, patch):
    made = _post(api_for(people.futures), futures_review).json()
    reply = api_for(people.director).patch(f"/api/v1/comments/{made['id']}", json=patch)
    assert reply.status_code == 422
    with Session(look.engine) as s:
        stored = s.get(Comment, made["id"])
        assert stored is not None and (stored.status, stored.disposition) == ("open", "")


def test_a_reply_cannot_carry_a_disposition_and_replies_join_their_thread(
    api_for, people, futures_review
):
    futures, director = api_for(people.futures), api_for(people.director)
    root = _post(futures, futures_review).json()
    first = _post(director, futures_review, parent_id=root["id"], body="Why?").json()
    second = _post(futures, futures_review, parent_id=first["id"], body="Because.").json()
    assert (first["parent_id"], second["parent_id"]) == (root["id"], root["id"])
    refused = director.patch(f"/api/v1/comments/{first['id']}", json={"disposition": "noted"})
    assert refused.status_code == 422


def test_an_unknown_comment_is_404(api_for, people):
    assert (
        api_for(people.director).patch("/api/v1/comments/999", json={"status": "open"}).status_code
        == 404
    )


# Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 20_001, "y" * 100_000, "nul \x00 byte"])
def test_an_empty_huge_or_unstorable_comment_is_refused(api_for, people, small, look, body):
    reply = _post(api_for(people.director), small, body=body)
    assert reply.status_code == 422
    with Session(look.engine) as s:
        assert s.exec(select(Comment)).all() == []


def test_a_quote_that_is_not_in_the_position_is_refused(api_for, people, small):
    director = api_for(people.director)
    first, second = _positions(director, small)[:2]
    reply = _post(director, small, position_id=first["id"], quote="second text")
    assert reply.status_code == 422 and "not in the current text" in reply.json()["detail"]
    assert _post(director, small, quote="first text").status_code == 422  # no position named
    assert _post(director, small, position_id=second["id"], quote="second text").status_code == 201


def test_a_position_or_parent_from_another_response_is_refused(
    api_for, people, small, import_draft
):
    other = import_draft(people.director, SMALL_DRAFT)
    director = api_for(people.director)
    elsewhere = _post(director, other).json()
    foreign_position = _positions(director, other)[0]["id"]
    assert _post(director, small, parent_id=elsewhere["id"]).status_code == 422
    assert _post(director, small, position_id=foreign_position).status_code == 422
    assert _post(director, small, parent_id=2**31 - 1).status_code == 422


def test_markup_in_a_comment_is_shown_as_text(api_for, browser_for, people, small):
    script = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    _post(api_for(people.director), small, body=script)
    page = browser_for(people.director).get(f"/responses/{small}").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Editing and deleting one's own ------------------------------------------------------


def test_an_author_edits_their_open_comment_and_it_shows_as_edited(
    api_for, browser_for, people, futures_review
):
    futures = api_for(people.futures)
    made = _post(futures, futures_review, body="First thoughts").json()
    url = f"/api/v1/comments/{made['id']}"
    assert api_for(people.director).patch(url, json={"body": "Not mine"}).status_code == 403
    edited = futures.patch(url, json={"body": "Second thoughts"})
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    page = text_of(browser_for(people.futures).get(f"/responses/{futures_review}").text)
    assert "Second thoughts" in page and "(edited)" in page and "First thoughts" not in page
    api_for(people.director).patch(url, json={"disposition": "noted"})
    assert futures.patch(url, json={"body": "Too late"}).status_code == 409


def test_a_deleted_comment_with_replies_leaves_a_marker(
    api_for, browser_for, people, futures_review
):
    futures, director = api_for(people.futures), api_for(people.director)
    lonely = _post(futures, futures_review, body="Withdrawn remark").json()
    root = _post(futures, futures_review, body="Answered remark").json()
    _post(director, futures_review, parent_id=root["id"], body="A reply that stays")
    assert director.delete(f"/api/v1/comments/{root['id']}").status_code == 403
    for made in (lonely, root):
        assert futures.delete(f"/api/v1/comments/{made['id']}").status_code == 204
    page = text_of(browser_for(people.director).get(f"/responses/{futures_review}").text)
    assert page.count("This comment was deleted by its author.") == 1
    assert "A reply that stays" in page
    assert "Withdrawn remark" not in page and "Answered remark" not in page
    listed = director.get(f"/api/v1/responses/{futures_review}/comments").json()
    assert [c["body"] for c in listed if c["deleted"]] == ["", ""]


# Anchors after redrafting -------------------------------------------------------------


def test_a_comment_on_a_redrafted_passage_shows_text_changed(api_for, browser_for, people, small):
    director = api_for(people.director)
    position = _positions(director, small)[0]
    quote = "The first text."
    _post(director, small, position_id=position["id"], quote=quote)
    saved = director.put(
        f"/api/v1/responses/{small}/positions/{position['id']}",
        json={
            "heading": position["heading"],
            "body": "The very first text.\n\nMore.",
            "themes": position["themes"],
            "base_revision": 4,
        },
    )
    assert saved.status_code == 200
    anchor = director.get(f"/api/v1/responses/{small}/comments").json()[0]["anchor"]
    assert anchor == {
        "state": "changed",
        "position_id": position["id"],
        "passage": "The very first text.",
    }
    page = text_of(browser_for(people.director).get(f"/responses/{small}").text)
    assert "Text changed Now reads: The very first text. Originally quoted: The first text." in page


# The pages, with and without JavaScript -------------------------------------------------


def test_a_reviewer_comments_on_a_paragraph_without_javascript(
    browser_for, people, futures_review, look
):
    web = browser_for(people.futures)
    pid = look.positions(futures_review)[2].id
    sent = web.submit(
        f"/responses/{futures_review}/comments?section=p{pid}",
        {"body": "Name the **councils**.", "position_id": str(pid), "quote": "The third text."},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/responses/{futures_review}#comments-p{pid}"
    page = web.get(sent.headers["location"]).text
    assert "Comment posted." in page and "<strong>councils</strong>" in page
    assert "(1 open)" in text_of(page)


def test_an_htmx_post_answers_with_the_updated_section_only(
    browser_for, people, futures_review, look
):
    web = browser_for(people.futures)
    pid = look.positions(futures_review)[0].id
    sent = web.submit(
        f"/responses/{futures_review}/comments?section=p{pid}",
        {"body": "Quick note", "position_id": str(pid)},
        headers={"HX-Request": "true"},
    )
    assert sent.status_code == 200 and "<html" not in sent.text
    assert sent.text.lstrip().startswith(f'<section id="comments-p{pid}"')
    assert "Quick note" in sent.text and "Comment posted." in sent.text


def test_a_refused_comment_comes_back_with_the_reason_and_the_text_kept(
    browser_for, people, futures_review, look
):
    web = browser_for(people.futures)
    pid = look.positions(futures_review)[0].id
    sent = web.submit(
        f"/responses/{futures_review}/comments?section=p{pid}",
        {"body": "My careful words", "position_id": str(pid), "quote": "not in the text at all"},
    )
    assert sent.status_code == 422
    assert "not in the current text" in sent.text and "My careful words" in sent.text
    refused = web.submit(
        f"/responses/{futures_review}/comments", {"body": ""}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 200 and "Write your comment" in refused.text


def test_a_plain_member_gets_no_comment_forms_and_cannot_post(browser_for, people, small, look):
    look.set_stage(small, "published")
    web = browser_for(people.member)
    page = web.get(f"/responses/{small}")
    assert page.status_code == 404  # no publication yet: nothing to be sent to
    assert "tbl-comments" not in page.text and "Comment on this paragraph" not in page.text
    refused = web.submit(f"/responses/{small}/comments", {"body": "Hello"})
    assert refused.status_code == 404


def test_the_owner_answers_from_the_page_and_counts_follow(
    api_for, browser_for, people, futures_review
):
    made = _post(api_for(people.futures), futures_review).json()
    web = browser_for(people.director)
    assert "1 comment thread waiting for an answer" in text_of(
        web.get(f"/responses/{futures_review}").text
    )
    sent = web.submit(
        f"/comments/{made['id']}/answer",
        {"disposition": "not-accepted", "disposition_note": "Out of scope."},
    )
    assert sent.status_code == 303
    page = text_of(web.get(f"/responses/{futures_review}").text)
    assert "Not accepted Out of scope. (answered in revision 4)" in page
    assert "No comment is waiting for an answer." in page
    futures_web = browser_for(people.futures)
    refused = futures_web.submit(f"/comments/{made['id']}/answer", {"disposition": "accepted"})
    assert refused.status_code == 403


def test_open_counts_per_theme_and_stage(api_for, browser_for, people, futures_review):
    futures = api_for(people.futures)
    first, second, _third = _positions(futures, futures_review)
    _post(futures, futures_review, position_id=first["id"])
    _post(futures, futures_review, position_id=first["id"])
    _post(futures, futures_review, position_id=second["id"])
    page = text_of(browser_for(people.director).get(f"/responses/{futures_review}").text)
    assert "By theme: Efficiency 2; Climate change 1." in page
    assert "By stage they were made in: Futures review 3." in page


def test_the_comments_section_refreshes_with_an_etag(
    api_for, browser_for, people, futures_review, look
):
    web = browser_for(people.director)
    pid = look.positions(futures_review)[0].id
    url = f"/responses/{futures_review}/comments/p{pid}"
    first = web.get(url, headers={"HX-Request": "true"})
    etag = first.headers["ETag"]
    assert web.get(url, headers={"If-None-Match": etag}).status_code == 304
    _post(api_for(people.futures), futures_review, position_id=pid, body="Fresh news")
    changed = web.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Fresh news" in changed.text


def test_an_admin_hides_a_comment_audited_and_the_author_is_told(
    api_for, browser_for, people, futures_review, look
):
    made = _post(api_for(people.futures), futures_review, body="Something rude").json()
    refused = browser_for(people.director).submit(f"/comments/{made['id']}/hide", {"reason": "no"})
    assert refused.status_code == 403
    sent = browser_for(people.admin).submit(
        f"/comments/{made['id']}/hide", {"reason": "Personal remarks"}
    )
    assert sent.status_code == 303
    page = text_of(browser_for(people.futures).get(f"/responses/{futures_review}").text)
    assert "Hidden by an admin: Personal remarks" in page and "Something rude" not in page
    with Session(look.engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "hide-comment")).one()
        assert "Personal remarks" in event.note
        told = s.exec(select(Notification).where(Notification.user_id == people.futures.id)).all()
        assert [n.kind for n in told] == ["comment-hidden"]


# The consultation report -------------------------------------------------------------


def test_the_report_lists_every_thread_with_its_answer_as_csv_and_json(
    api_for, browser_for, people, futures_review
):
    futures, director = api_for(people.futures), api_for(people.director)
    first = _positions(futures, futures_review)[0]
    answered = _post(
        futures,
        futures_review,
        position_id=first["id"],
        quote="first text",
        body='=HYPERLINK("evil")',
    ).json()
    _post(futures, futures_review, body="Overall fine")
    director.patch(
        f"/api/v1/comments/{answered['id']}",
        json={"disposition": "accepted", "disposition_note": "Done."},
    )
    web = browser_for(people.director)
    page = text_of(web.get(f"/responses/{futures_review}/report").text)
    assert "2 comment threads, 1 answered" in page
    # Accepted with the text as it stood: the report says so, not "answered in revision 4".
    assert "1. First position" in page and "Accepted Done. Accepted, no change to the text" in page
    download = web.get(f"/responses/{futures_review}/report.csv")
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["position_number"], r["disposition"]) for r in rows] == [("1", "Accepted"), ("", "")]
    assert rows[0]["comment"].startswith("'=HYPERLINK") and rows[0]["themes"] == "Efficiency"
    data = web.get(f"/responses/{futures_review}/report.json").json()
    assert data["comments"][0]["disposition_note"] == "Done."
    assert browser_for(people.member).get(f"/responses/{futures_review}/report").status_code == 404


def test_400_comments_posted_at_once_by_16_clients_are_all_stored(
    api_for, people, futures_review, look
):
    from concurrent.futures import ThreadPoolExecutor

    clients = [api_for(people.futures if n % 2 else people.director) for n in range(16)]

    def post_many(n: int) -> list[int]:
        return [
            _post(clients[n], futures_review, body=f"client {n} comment {k}").status_code
            for k in range(25)
        ]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = [s for batch in pool.map(post_many, range(16)) for s in batch]
    assert statuses == [201] * 400
    with Session(look.engine) as s:
        bodies = {c.body for c in s.exec(select(Comment)).all()}
    assert len(bodies) == 400
