"""Markup and script pushed through every user-text field come back as text."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.conftest import add_user

from .conftest import text_of

PAYLOADS = [
    '<script>alert("x1")</script>',
    '<img src=x onerror="alert(2)">',
    '"><svg onload=alert(3)>',
    "[click](javascript:alert(4))",
    "<a href='data:text/html,<script>alert(5)</script>'>x</a>",
]
JOINED = " ".join(PAYLOADS)
DANGER = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img[^>]+onerror", re.I),
    re.compile(r"<svg[^>]+onload", re.I),
    re.compile(r"""<a\b[^>]*href=["']?\s*(javascript|data):""", re.I),
]


def _clean(page: str, where: str) -> None:
    for pattern in DANGER:
        found = pattern.search(page)
        assert not found, f"{where}: {found.group(0) if found else ''}"


# The rules live in the app and its templates, not the database: SQLite suffices.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_every_field_is_shown_as_text(
    payload, session, people, api_for, browser_for, engine
):
    hostile = add_user(
        session, f"x{abs(hash(payload)) % 10**6}@example.org", "member", ("futures",)
    )
    from server.accounts.users import update_user

    update_user(
        session,
        hostile.id,
        name=f"Name {payload}"[:200],
        role="member",
        groups=["futures"],
        active=True,
    )
    session.commit()
    director = api_for(people.director)
    created = director.post(
        "/api/v1/responses",
        json={
            "title": f"Title {payload}",
            "summary": f"Summary {payload}",
            "responding_to": {"title": f"Report {payload}", "publisher": payload},
        },
    )
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    for theme in ("climate-change", "social-inclusion", "efficiency"):
        revision = director.get(f"/api/v1/responses/{rid}").json()["revision"]
        added = director.post(
            f"/api/v1/responses/{rid}/positions",
            json={
                "heading": f"Heading {payload}",
                "body": f"Body {payload}\n\n{JOINED}",
                "themes": [theme],
                "base_revision": revision,
            },
        )
        assert added.status_code == 201, added.text
    # Each step below must have happened, or the pages checked would not hold the text.
    submitted = director.post(f"/api/v1/responses/{rid}/actions", json={"action": "submit"})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["stage"] == "futures-review"
    reviewer = api_for(hostile)
    returned = reviewer.post(
        f"/api/v1/responses/{rid}/actions",
        json={"action": "request-changes", "note": f"Note {payload}"},
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["stage"] == "draft"
    first = director.get(f"/api/v1/responses/{rid}").json()["positions"][0]["id"]
    comment = api_for(people.admin).post(
        f"/api/v1/responses/{rid}/comments",
        json={
            "body": f"Comment {payload}",
            "position_id": first,
            "quote": "Body",
            "suggestion": f"Wording {payload}",
        },
    )
    assert comment.status_code == 201, comment.text
    cid = comment.json()["id"]
    web = browser_for(people.admin)
    shown: dict[str, str] = {}
    for url in [
        f"/comments/{cid}/actions",
        f"/responses/{rid}/report",
        f"/responses/{rid}/comment?position={first}&quote={quote(payload)}&prefix=x",
        "/",
        "/responses",
        f"/responses/{rid}",
        f"/responses/{rid}/revisions",
        f"/responses/{rid}/compare?from=1&to=3",
        f"/responses/{rid}/revisions/2",
        f"/responses/{rid}/history",
        "/admin/users",
        "/admin/outbox",
        f"/responses/{rid}/export",
    ]:
        reply = web.get(url)
        assert reply.status_code == 200, url
        if url.endswith("/export"):
            continue  # Markdown, served as text/markdown: never rendered by a browser
        _clean(reply.text, url)
        shown[url] = text_of(reply.text)
    # The hostile words are there, as words: escaped, not dropped.
    response_page = shown[f"/responses/{rid}"]
    assert f"Title {payload}" in response_page
    assert f"Heading {payload}" in response_page
    assert f"Comment {payload}" in response_page
    assert f"Note {payload}" in shown[f"/responses/{rid}/history"]
    assert f"Name {payload}" in shown["/admin/users"]
    owner_home = browser_for(people.director)
    _clean(owner_home.get("/notifications").text, "/notifications")
