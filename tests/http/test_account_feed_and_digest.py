"""The account page's email choice and personal feed address; the private library's
Atom feed read through that address by a feed reader that cannot sign in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import flash


def _feed_address(page: str) -> str:
    found = re.search(
        r'id="feed-address"[^>]*>https?://[^/]+(/library/feed\.xml\?token=[^<]+)<', page
    )
    assert found, "no feed address on the account page"
    return found.group(1)  # the path: the test client has a host of its own


def test_a_member_chooses_a_daily_digest_on_their_account_page(browser_for, people, look) -> None:
    web = browser_for(people.member)
    page = web.submit("/account/digest", {"emails": "daily"}, follow_redirects=True)
    assert "one email a day" in flash(page.text)
    assert look.user("member@example.org").digest is True
    assert 'value="daily" aria-describedby="emails-daily-hint" checked' in page.text
    web.submit("/account/digest", {"emails": "immediate"})
    assert look.user("member@example.org").digest is False


def test_an_unknown_email_choice_is_refused_and_changes_nothing(browser_for, people, look) -> None:
    web = browser_for(people.member)
    page = web.submit("/account/digest", {"emails": "hourly"})
    assert page.status_code == 422
    assert "Choose when to get emails" in page.text
    assert look.user("member@example.org").digest is False


def test_a_feed_reader_follows_a_private_library_with_the_personal_address(
    app, browser_for, people
) -> None:
    reader = TestClient(app, base_url="http://testserver")
    assert reader.get("/library/feed.xml", follow_redirects=False).status_code != 200
    web = browser_for(people.member)
    page = web.submit("/account/feed-token", follow_redirects=True)
    address = _feed_address(page.text)
    path = address
    feed = reader.get(path, follow_redirects=False)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    wrong = reader.get("/library/feed.xml?token=not-a-token", follow_redirects=False)
    assert wrong.status_code != 200


def test_a_revoked_or_replaced_feed_address_stops_working(app, browser_for, people) -> None:
    reader = TestClient(app, base_url="http://testserver")
    web = browser_for(people.member)
    first = _feed_address(web.submit("/account/feed-token", follow_redirects=True).text)
    second = _feed_address(web.submit("/account/feed-token", follow_redirects=True).text)
    assert reader.get(first, follow_redirects=False).status_code != 200
    assert reader.get(second, follow_redirects=False).status_code == 200
    page = web.submit("/account/feed-token/revoke", follow_redirects=True)
    assert "no longer works" in flash(page.text)
    assert 'id="feed-address"' not in page.text
    assert reader.get(second, follow_redirects=False).status_code != 200
