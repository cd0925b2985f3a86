"""The frozen content of a briefing: what a publication shows, whatever changes later."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..drafting.question_links import questions_of
from ..drafting.responses import positions_of
from ..models import Response
from ..text.markdown import render_markdown
from ..themes.service import list_themes
from .identity import Body


def build_snapshot(session: Session, response: Response, body: Body | str) -> dict[str, Any]:
    """Title, responding-to, summary, numbered positions and the themes they serve,
    with the publishing body (a Body, or just its name).

    Theme names are copied in, so renaming a theme later leaves old briefings as
    they were published. The result is a plain dict that callers may extend with
    sections of their own (the annex is one)."""
    body = body if isinstance(body, Body) else Body(body)
    assert response.id is not None
    positions = positions_of(session, response.id)
    order = {t.slug: i for i, t in enumerate(list_themes(session))}
    names: dict[str, str] = {}
    for position in positions:
        for theme in position.themes:
            names[theme.slug] = theme.name
    themes = [
        {
            "slug": slug,
            "name": names[slug],
            "positions": [p.number for p in positions if slug in p.theme_slugs],
        }
        for slug in sorted(names, key=lambda s: order.get(s, len(order)))
    ]
    return {
        "title": response.title,
        "body_name": body.name,
        "body": body.as_snapshot(),
        "responding_to": {
            "title": response.rt_title,
            "publisher": response.rt_publisher,
            "date": response.rt_date.isoformat() if response.rt_date else "",
            "url": response.rt_url,
        },
        "summary": response.summary,
        "summary_html": render_markdown(response.summary, doc_id="summary"),
        "positions": [
            {
                "number": p.number,
                "heading": p.heading,
                "body": p.body,
                # "body_html" is filled in by the renderer, from the parse it makes anyway.
                "themes": p.theme_slugs,
                "key": p.key,
            }
            for p in positions
        ],
        "themes": themes,
        # The consultation's questions, each with the numbers of its answering positions.
        "questions": _questions(session, response.id, {p.id: p.number for p in positions}),
    }


def _questions(session: Session, response_id: int, numbers: dict[int, int]) -> list[Any]:
    return [
        {
            "ref": q.ref,
            "text": q.text,
            "not_answering": q.not_answering,
            "positions": [numbers[pid] for pid in q.positions if pid in numbers],
        }
        for q in questions_of(session, response_id)
    ]


def search_text(snapshot: dict[str, Any]) -> str:
    """Everything a member might search for, lower-cased once at publication."""
    rt = snapshot["responding_to"]
    parts = [snapshot["title"], rt["title"], rt["publisher"], snapshot["summary"]]
    for position in snapshot["positions"]:
        parts += [position["heading"], position["body"]]
    parts += [t["name"] for t in snapshot["themes"]]
    return "\n".join(parts).lower()


def theme_index(snapshot: dict[str, Any]) -> str:
    return "," + ",".join(t["slug"] for t in snapshot["themes"]) + ","


def theme_names(snapshot: dict[str, Any]) -> dict[str, str]:
    return {t["slug"]: t["name"] for t in snapshot["themes"]}
