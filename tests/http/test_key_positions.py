"""A director marks positions as key asks - in the API, on the position form and in a
draft file - and the briefing's cover lists exactly those positions."""

from __future__ import annotations

import io

from pypdf import PdfReader

from .conftest import field_value


def _positions(api, rid: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/responses/{rid}").json()["positions"]


def _revision(api, rid: int) -> int:  # type: ignore[no-untyped-def]
    return int(api.get(f"/api/v1/responses/{rid}").json()["revision"])


def _cover_asks(pdf: bytes) -> str:
    first = " ".join((PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").split())
    return first.split("Key asks", 1)[1].split("Themes at a glance", 1)[0]


def test_the_api_marks_a_position_as_key_and_a_put_that_leaves_it_out_keeps_it(
    api_for, people, small
):
    director = api_for(people.director)
    first, second, _third = _positions(director, small)
    assert [p["key"] for p in (first, second)] == [False, False]
    marked = director.put(
        f"/api/v1/responses/{small}/positions/{second['id']}",
        json={**_body(second), "key": True, "base_revision": _revision(director, small)},
    )
    assert marked.status_code == 200, marked.text
    assert marked.json()["key"] is True
    # A client that knows nothing of key asks edits the text: the mark stays.
    kept = director.put(
        f"/api/v1/responses/{small}/positions/{second['id']}",
        json={**_body(second), "body": "New text.", "base_revision": _revision(director, small)},
    )
    assert kept.json()["key"] is True
    assert [p["key"] for p in _positions(director, small)] == [False, True, False]
    added = director.post(
        f"/api/v1/responses/{small}/positions",
        json={"heading": "Also key", "body": "Yes.", "key": True,
              "base_revision": _revision(director, small)},
    )  # fmt: skip
    assert added.status_code == 201 and added.json()["key"] is True
    refused = director.post(
        f"/api/v1/responses/{small}/positions",
        json={"heading": "Odd", "key": "perhaps", "base_revision": _revision(director, small)},
    )
    assert refused.status_code == 422


def _body(position: dict) -> dict:
    return {k: position[k] for k in ("heading", "body", "themes")}


def test_the_cover_of_the_preview_lists_the_key_positions(api_for, people, small):
    director = api_for(people.director)
    positions = _positions(director, small)
    director.put(
        f"/api/v1/responses/{small}/positions/{positions[2]['id']}",
        json={**_body(positions[2]), "key": True, "base_revision": _revision(director, small)},
    )
    preview = director.get(f"/responses/{small}/preview.pdf")
    assert preview.status_code == 200
    asks = _cover_asks(preview.content)
    assert f"{positions[2]['heading']} (position 3)" in " ".join(asks.split())
    assert positions[0]["heading"] not in asks and positions[1]["heading"] not in asks


def test_the_position_form_ticks_and_unticks_a_key_ask(browser_for, api_for, people, small):
    client = browser_for(people.director)
    director = api_for(people.director)
    first = _positions(director, small)[0]
    form = client.get(f"/responses/{small}/positions/{first['id']}/edit")
    assert 'name="key"' in form.text and "A key ask" in form.text
    assert 'id="key" name="key" type="checkbox" value="yes" aria-describedby="key-hint" >' in (
        form.text
    )
    fields = {
        "heading": first["heading"],
        "body": first["body"],
        "themes": first["themes"],
        "base_revision": field_value(form.text, "base_revision"),
    }
    saved = client.submit(f"/responses/{small}/positions/{first['id']}", {**fields, "key": "yes"})
    assert saved.status_code == 303, saved.text
    assert _positions(director, small)[0]["key"] is True
    form = client.get(f"/responses/{small}/positions/{first['id']}/edit")
    assert 'value="yes" aria-describedby="key-hint" checked' in form.text
    # An unticked box sends nothing: the mark is taken off.
    fields["base_revision"] = field_value(form.text, "base_revision")
    client.submit(f"/responses/{small}/positions/{first['id']}", fields)
    assert _positions(director, small)[0]["key"] is False


def test_a_key_position_survives_export_and_import(api_for, people, small):
    director = api_for(people.director)
    second = _positions(director, small)[1]
    director.put(
        f"/api/v1/responses/{small}/positions/{second['id']}",
        json={**_body(second), "key": True, "base_revision": _revision(director, small)},
    )
    exported = director.get(f"/responses/{small}/export")
    assert exported.status_code == 200
    assert exported.text.count("Key: yes") == 1
    made = director.post(
        "/api/v1/responses/import",
        files={"file": ("again.md", exported.content, "text/markdown")},
    )
    assert made.status_code == 201, made.text
    again = _positions(director, made.json()["id"])
    assert [p["key"] for p in again] == [False, True, False]
