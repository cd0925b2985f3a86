"""A comment's Markdown is rendered before its transaction writes, so SQLite's write
lock is never held while it renders: a burst of posts queues only for the INSERTs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session

from server import writelock
from server.comments import service
from server.models import Comment


def _watch_rendering(monkeypatch: pytest.MonkeyPatch, engine: Any) -> list[bool]:
    """Record, for each comment rendered, whether the database's write lock was held."""
    gate = writelock.gate_for(engine.url.database)
    held: list[bool] = []
    real = service.render_markdown

    def render(text: str, doc_id: str | None = None) -> str:
        held.append(gate.locked())
        return real(text, doc_id)

    monkeypatch.setattr(service, "render_markdown", render)
    return held


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_posting_and_editing_a_comment_renders_it_with_no_write_lock_held(
    api_for, people, small, look, engine, monkeypatch
):
    held = _watch_rendering(monkeypatch, engine)
    director = api_for(people.director)
    position = look.positions(small)[0]
    posted = director.post(
        f"/api/v1/responses/{small}/comments",
        json={
            "body": "See the note.[^1]\n\n[^1]: **Table 3** of the report.",
            "position_id": position.id,
        },
    )
    assert posted.status_code == 201, posted.text
    reply = director.post(
        f"/api/v1/responses/{small}/comments",
        json={"body": "And a *reply*.", "parent_id": posted.json()["id"]},
    )
    assert reply.status_code == 201, reply.text
    edited = director.patch(
        f"/api/v1/comments/{reply.json()['id']}", json={"body": "Now _edited_."}
    )
    assert edited.status_code == 200, edited.text
    assert held == [False, False, False]

    with Session(engine) as fresh:
        stored = fresh.get(Comment, posted.json()["id"])
        edited_row = fresh.get(Comment, reply.json()["id"])
    # The footnote still renders, with anchors named for this comment alone.
    assert "<strong>Table 3</strong>" in stored.body_html
    assert 'id="fn-c' in stored.body_html
    assert "<em>edited</em>" in edited_row.body_html


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_two_comments_with_footnotes_on_one_page_keep_distinct_anchors(
    api_for, people, small, look, engine
):
    director = api_for(people.director)
    ids = []
    for n in (1, 2):
        made = director.post(
            f"/api/v1/responses/{small}/comments",
            json={"body": f"Point {n}.[^a]\n\n[^a]: Source {n}."},
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    with Session(engine) as fresh:
        first, second = (fresh.get(Comment, i).body_html for i in ids)
    anchors = [a for a in first.split('"') if a.startswith(("fn-", "fnref-"))]
    assert anchors and not any(f'"{a}"' in second for a in anchors)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_adding_a_position_renders_it_with_no_write_lock_held(
    api_for, people, small, look, engine, monkeypatch
):
    from server.drafting import editing
    from server.models import Position

    gate = writelock.gate_for(engine.url.database)
    held: list[bool] = []
    real = editing.render_markdown

    def render(text: str, doc_id: str | None = None) -> str:
        held.append(gate.locked())
        return real(text, doc_id)

    monkeypatch.setattr(editing, "render_markdown", render)
    director = api_for(people.director)
    added = director.post(
        f"/api/v1/responses/{small}/positions",
        json={
            "heading": "A new position",
            "body": "With a note.[^1]\n\n[^1]: From **page 4**.",
            "themes": [],
            "base_revision": look.response(small).revision,
        },
    )
    assert added.status_code == 201, added.text
    assert held == [False]
    with Session(engine) as fresh:
        stored = fresh.get(Position, added.json()["id"])
    # The footnotes are named for the new row, as those of every other position are.
    assert f"p{stored.id}" in stored.body_html and "fn-p" in stored.body_html
    assert not re.search(r"p[0-9a-f]{16}", stored.body_html)  # no stand-in left behind
    assert "<strong>page 4</strong>" in stored.body_html
