"""Text at the edges: deep nesting is refused at save with the reason, and every
construct and script that can be saved publishes (the PDF reads back)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def _save(client, look, rid: int, body: str, field: str = "body"):  # type: ignore[no-untyped-def]
    position = look.positions(rid)[0]
    return client.put(
        f"/api/v1/responses/{rid}/positions/{position.id}",
        json={
            "heading": position.heading,
            "body": body,
            "themes": position.themes,
            "base_revision": look.response(rid).revision,
        },
    )


def test_a_list_nested_300_deep_is_refused_at_save_with_the_line_and_nothing_changes(
    api_for, people, small, look
):
    before = look.positions(small)[0].body
    revision = look.response(small).revision
    deep = "".join("  " * i + "- x\n" for i in range(150))
    refused = _save(api_for(people.director), look, small, deep)
    assert refused.status_code == 422
    assert "nested at most 8 levels deep" in refused.json()["detail"]
    assert "line 9" in refused.json()["detail"]
    assert look.positions(small)[0].body == before
    assert look.response(small).revision == revision


def test_quotes_nested_300_deep_are_refused_but_8_deep_are_kept(api_for, people, small, look):
    director = api_for(people.director)
    assert _save(director, look, small, "> " * 300 + "too deep").status_code == 422
    kept = _save(director, look, small, "> " * 8 + "deep enough")
    assert kept.status_code == 200, kept.text


def test_a_briefing_with_rules_scripts_and_empty_headings_publishes_and_reads_back(
    api_for, people, small, look
):
    director = api_for(people.director)
    body = (
        "Above the rule.\n\n***\n\n## \n\n中文的立场 and Привет and ᚠᚢᚦ and \ufffe\n\n"
        + '"' * 2000
        + "\n\n"
        + "[" * 1000
        + "x"
        + "]" * 1000
        + "\n\n---\n\nBelow the rule."
    )
    saved = _save(director, look, small, body)
    assert saved.status_code == 200, saved.text
    look.set_stage(small, "approved")
    published = director.post(
        f"/api/v1/responses/{small}/actions", json={"action": "publish", "note": ""}
    )
    assert published.status_code == 200, published.text
    pdf = director.get(f"/api/v1/responses/{small}/publications/1/pdf")
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    for words in ("Above the rule.", "Below the rule.", "中文的立场", "Привет", "ᚠᚢᚦ", "\ufffd"):
        assert words in text


def test_a_common_word_quoted_with_a_long_context_lands_on_the_repeat_it_names(
    api_for, people, small, look
):
    from sqlmodel import Session

    from server.models import Comment

    body = "Alpha the start. " + "Filler the words. " * 1000 + "Omega the end."
    assert _save(api_for(people.director), look, small, body).status_code == 200
    look.set_stage(small, "futures-review")
    made = api_for(people.futures).post(
        f"/api/v1/responses/{small}/comments",
        json={
            "position_id": look.positions(small)[0].id,
            "quote": "the",
            "prefix": ("Filler the words. " * 110)[:1990] + " Omega",
            "suffix": "end." + " and more" * 200,
            "body": "Which one?",
        },
    )
    assert made.status_code == 201, made.text
    with Session(look.engine) as s:
        stored = s.get(Comment, made.json()["id"])
        assert stored is not None
        assert stored.prefix.endswith("words. Omega") and len(stored.prefix) <= 400
        assert stored.suffix.startswith("end.")
