"""The response page kept in memory per reader: never stale, never someone else's."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from server.models import Notification, Publication, Response, User, UserGroup, utcnow
from tests.conftest import CSRF_RE

from .conftest import text_of


def _page(client, response_id: int) -> str:  # type: ignore[no-untyped-def]
    reply = client.get(f"/responses/{response_id}")
    assert reply.status_code == 200, reply.text[:300]
    return reply.text


def _queries(app, client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def log(*args: object) -> None:
        seen.append(" ".join(str(args[2]).split()))

    event.listen(app.state.engine, "before_cursor_execute", log)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(app.state.engine, "before_cursor_execute", log)
    return seen


def _change(session: Session, model, key, **values) -> None:  # type: ignore[no-untyped-def]
    """Change a row as another server process would: straight in the database."""
    session.rollback()
    row = session.get(model, key)
    assert row is not None
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()


@pytest.fixture
def futures_review(small, browser_for, people) -> int:  # type: ignore[no-untyped-def]
    browser_for(people.director).submit(f"/responses/{small}/actions", {"action": "submit"})
    return int(small)


def test_each_session_gets_its_own_csrf_token_in_the_kept_page(browser_for, people, small):
    first, second = browser_for(people.director), browser_for(people.director)
    one, two = _page(first, small), _page(second, small)
    assert first.csrf != second.csrf
    assert set(CSRF_RE.findall(one)) == {first.csrf}
    assert set(CSRF_RE.findall(two)) == {second.csrf}
    assert f'"X-CSRF-Token": "{second.csrf}"' in two
    assert "<!--csrf-->" not in one + two
    assert one.replace(first.csrf, "T") == two.replace(second.csrf, "T")


def test_the_token_from_a_kept_page_is_accepted(browser_for, people, small, look):
    director = browser_for(people.director)
    _page(director, small)
    page = _page(director, small)  # served from memory this time
    token = CSRF_RE.search(page).group(1)  # type: ignore[union-attr]
    position = look.positions(small)[1]
    moved = director.post(
        f"/responses/{small}/positions/{position.id}/move",
        data={"direction": "up", "base_revision": "4", "csrf_token": token},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert look.positions(small)[0].id == position.id


def test_a_page_seen_before_is_sent_with_a_few_small_queries(app, browser_for, people, small):
    director = browser_for(people.director)
    url = f"/responses/{small}"
    built = _queries(app, director, url)
    kept = _queries(app, director, url)
    assert len(kept) < len(built)
    # Who is asking (with their unread count), and the response with what its page shows.
    reads = [q for q in kept if q.startswith("SELECT")]
    assert len(reads) == 2, kept
    assert not any("FROM comment" in q or "FROM position" in q for q in kept)


def test_readers_with_different_rights_never_share_a_page(browser_for, people, futures_review):
    owner = _page(browser_for(people.director), futures_review)
    reviewer = _page(browser_for(people.futures), futures_review)
    assert "Extend the review deadline" in owner
    assert "Extend the review deadline" not in reviewer
    assert "Approve" in reviewer and "Approve" not in owner
    signed_in_as = 'href="/account">{}</a>'.format
    assert signed_in_as(people.futures.name) in reviewer
    assert signed_in_as(people.futures.name) not in owner


def test_another_reviewer_s_comment_shows_on_a_page_already_seen(
    browser_for, api_for, people, futures_review
):
    director = browser_for(people.director)
    assert "A point from Futures" not in _page(director, futures_review)
    api_for(people.futures).post(
        f"/api/v1/responses/{futures_review}/comments", json={"body": "A point from Futures"}
    )
    assert "A point from Futures" in _page(director, futures_review)


def test_an_approval_shows_on_the_owner_s_page_at_once(
    browser_for, api_for, people, futures_review
):
    director = browser_for(people.director)
    assert "Approvals: 0 of 2 needed" in text_of(_page(director, futures_review))
    api_for(people.futures).post(
        f"/api/v1/responses/{futures_review}/actions", json={"action": "approve"}
    )
    assert "Approvals: 1 of 2 needed" in text_of(_page(director, futures_review))
    reviewer = text_of(_page(browser_for(people.futures), futures_review))
    assert "(you have approved)" in reviewer


def test_a_new_notification_shows_in_the_header_of_a_page_already_seen(
    browser_for, people, small, session
):
    director = browser_for(people.director)
    assert "unread" not in text_of(_page(director, small))
    session.rollback()
    session.add(
        Notification(user_id=people.director.id, response_id=small, kind="test", subject="Hi")
    )
    session.commit()
    assert "Notifications 1 unread" in text_of(_page(director, small))


def test_a_renamed_owner_shows_at_once(browser_for, people, small, session):
    reviewer = browser_for(people.admin)
    assert "Dana Renamed" not in _page(reviewer, small)
    _change(session, User, people.director.id, name="Dana Renamed")
    assert "Dana Renamed" in _page(reviewer, small)


def test_a_review_deadline_passing_marks_the_kept_page_overdue(
    browser_for, people, futures_review, session
):
    director = browser_for(people.director)
    _change(session, Response, futures_review, due_at=utcnow() + timedelta(seconds=1))
    assert "Overdue" not in _page(director, futures_review)
    _change(session, Response, futures_review, due_at=utcnow() - timedelta(seconds=1))
    assert "Overdue" in _page(director, futures_review)


def test_a_new_publication_shows_on_a_page_already_seen(browser_for, people, small, session):
    director = browser_for(people.director)
    assert 'id="briefing"' not in _page(director, small)
    session.rollback()
    session.add(
        Publication(
            response_id=small,
            version=1,
            publisher_id=people.director.id,
            revision=4,
            title="A small response",
            rt_title="A small consultation",
        )
    )
    session.commit()
    assert "Version 1, published" in text_of(_page(director, small))


def test_a_reviewer_taken_out_of_the_group_loses_a_page_they_had(
    browser_for, people, futures_review, session
):
    reviewer = browser_for(people.futures)
    _page(reviewer, futures_review)
    session.rollback()
    session.delete(session.get(UserGroup, (people.futures.id, "futures")))
    session.commit()
    assert reviewer.get(f"/responses/{futures_review}").status_code == 404


def test_a_deactivated_reader_is_refused_though_their_page_was_kept(
    api_for, people, small, session
):
    director = api_for(people.director)
    assert director.get(f"/responses/{small}").status_code == 200
    _change(session, User, people.director.id, active=False)
    assert director.get(f"/responses/{small}").status_code == 401


def test_a_flash_message_shows_once_and_is_never_kept(browser_for, people, small):
    director = browser_for(people.director)
    _page(director, small)
    saved = director.submit(
        f"/responses/{small}/edit",
        {
            "title": "A small response",
            "rt_title": "A small consultation",
            "rt_publisher": "A department",
            "base_revision": "4",
        },
    )
    assert saved.status_code == 303
    assert "Details saved." in _page(director, small)
    assert "Details saved." not in _page(director, small)


def test_only_the_author_gets_the_edit_link_on_their_comment(
    browser_for, api_for, people, futures_review
):
    api_for(people.futures).post(
        f"/api/v1/responses/{futures_review}/comments", json={"body": "Mine to change"}
    )
    assert "Edit or delete" in _page(browser_for(people.futures), futures_review)
    assert "Edit or delete" not in _page(browser_for(people.director), futures_review)


@pytest.mark.parametrize("text", ["<!--csrf-->", "--csrf-token--", "&lt;!--csrf--&gt;"])
def test_text_that_looks_like_the_token_s_slot_stays_text(
    browser_for, api_for, people, futures_review, text
):
    api_for(people.futures).post(
        f"/api/v1/responses/{futures_review}/comments", json={"body": f"Look: {text} end"}
    )
    director = browser_for(people.director)
    for page in (_page(director, futures_review), _page(director, futures_review)):
        shown = re.search(r"Look: (.*?) end", page)
        assert shown is not None and director.csrf not in shown.group(1)
        assert f"Look: {html.unescape(text)} end" in text_of(page)


def test_reloading_an_unchanged_page_costs_a_304_until_something_changes(
    browser_for, api_for, people, futures_review
):
    director = browser_for(people.director)
    url = f"/responses/{futures_review}"
    first = director.get(url)
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = director.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    api_for(people.futures).post(
        f"/api/v1/responses/{futures_review}/comments", json={"body": "Something new"}
    )
    changed = director.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "Something new" in changed.text
    assert changed.headers["ETag"] != tag


def test_another_session_s_copy_of_the_page_is_never_taken_for_mine(browser_for, people, small):
    mine, other = browser_for(people.director), browser_for(people.director)
    tag = other.get(f"/responses/{small}").headers["ETag"]
    reply = mine.get(f"/responses/{small}", headers={"If-None-Match": tag})
    assert reply.status_code == 200 and mine.csrf in reply.text
