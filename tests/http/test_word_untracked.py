"""Edits typed into a reviewed Word copy without tracking changes come back as
whole-position suggested edits, made against the revision the copy was made from."""

from __future__ import annotations

import io
import zipfile

from sqlmodel import Session, select

from server.models import Comment
from tests.wordfiles import inserted, run

from .conftest import text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECOND = '<w:r><w:t xml:space="preserve">The second text.</w:t></w:r>'


def _file(data: bytes) -> dict:  # type: ignore[type-arg]
    return {"file": ("reviewed.docx", data, DOCX)}


def _suggestions(engine, rid: int) -> list[Comment]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        rows = s.exec(select(Comment).where(Comment.response_id == rid).order_by(Comment.id))
        return [c for c in rows if c.suggestion]


def _edited(copy: bytes, old: str, new: str) -> bytes:
    """The copy with document.xml changed as Word would save an untracked edit."""
    source = zipfile.ZipFile(io.BytesIO(copy))
    files = {n: source.read(n) for n in source.namelist()}
    document = files["word/document.xml"].decode()
    assert old in document
    files["word/document.xml"] = document.replace(old, new, 1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _copy(browser_for, people, rid: int) -> bytes:  # type: ignore[no-untyped-def]
    reply = browser_for(people.director).get(f"/responses/{rid}/review.docx")
    assert reply.status_code == 200
    return reply.content


def test_an_untracked_edit_becomes_a_whole_position_suggestion(
    api_for, browser_for, people, small, look, engine
):
    exported = look.response(small).revision
    data = _edited(_copy(browser_for, people, small), SECOND, run("The second text, reworded."))
    taken = api_for(people.director).post(
        f"/api/v1/responses/{small}/review-import", files=_file(data)
    )
    assert taken.status_code == 201, taken.text
    added = taken.json()["added"]
    assert [a["item"] for a in added] == [
        "Edits made without tracking changes to “Second position”"
    ]
    (suggestion,) = _suggestions(engine, small)
    second = look.positions(small)[1]
    assert (suggestion.position_id, suggestion.quote) == (second.id, "")
    assert suggestion.suggestion == "The second text, reworded."
    assert suggestion.revision == exported
    assert "without tracking changes" in suggestion.body


def test_an_unchanged_copy_of_the_demo_offers_no_edit(api_for, browser_for, people, oep, engine):
    # Lists, tables, links and footnotes read the same in both copies: nothing is offered.
    taken = api_for(people.director).post(
        f"/api/v1/responses/{oep}/review-import", files=_file(_copy(browser_for, people, oep))
    )
    assert taken.status_code == 200, taken.text
    assert taken.json() == {"added": [], "skipped": []}
    assert _suggestions(engine, oep) == []


def test_a_tracked_change_and_an_untracked_edit_in_one_position_stay_apart(
    api_for, browser_for, people, small, engine
):
    new = run("The second ") + inserted(7, "fine ") + run("text, reworded.")
    data = _edited(_copy(browser_for, people, small), SECOND, new)
    taken = api_for(people.director).post(
        f"/api/v1/responses/{small}/review-import", files=_file(data)
    )
    assert taken.status_code == 201, taken.text
    found = {(c.quote, c.suggestion) for c in _suggestions(engine, small)}
    # The whole-position wording leaves the tracked insertion to its own suggestion.
    assert found == {("", "The second text, reworded."), ("second", "second fine")}


def test_taking_the_edited_copy_twice_adds_the_edit_once(
    api_for, browser_for, people, small, engine
):
    data = _edited(_copy(browser_for, people, small), SECOND, run("Quite different words."))
    api = api_for(people.director)
    assert api.post(f"/api/v1/responses/{small}/review-import", files=_file(data)).status_code == (
        201
    )
    again = api.post(f"/api/v1/responses/{small}/review-import", files=_file(data))
    assert again.status_code == 200
    assert again.json()["added"] == []
    assert [s["reason"] for s in again.json()["skipped"]] == ["already taken in from this file"]
    assert len(_suggestions(engine, small)) == 1


def test_an_edit_over_a_later_redraft_is_offered_but_not_accepted_automatically(
    api_for, browser_for, people, small, look, engine
):
    copy = _copy(browser_for, people, small)
    api = api_for(people.director)
    second = look.positions(small)[1]
    redraft = api.put(
        f"/api/v1/responses/{small}/positions/{second.id}",
        json={
            "heading": second.heading,
            "body": "The second text, redrafted by the owner.",
            "themes": second.themes,
            "base_revision": look.response(small).revision,
        },
    )
    assert redraft.status_code == 200
    data = _edited(copy, SECOND, run("The reviewer's own words."))
    assert api.post(f"/api/v1/responses/{small}/review-import", files=_file(data)).status_code == (
        201
    )
    (suggestion,) = _suggestions(engine, small)
    refused = api.post(f"/api/v1/comments/{suggestion.id}/accept", json={"note": ""})
    assert refused.status_code == 409
    assert "redrafted since" in refused.json()["detail"]
    assert look.positions(small)[1].body == "The second text, redrafted by the owner."


def test_the_result_page_lists_the_untracked_edit(browser_for, people, small):
    web = browser_for(people.director)
    data = _edited(_copy(browser_for, people, small), SECOND, run("New words here."))
    shown = web.submit(f"/responses/{small}/review-import", {}, files=_file(data))
    assert shown.status_code == 200
    words = text_of(shown.text)
    assert "Added (1)" in words
    assert "Edits made without tracking changes to “Second position”" in words


def test_a_member_cannot_take_an_edited_copy_back(api_for, browser_for, people, small, engine):
    data = _edited(_copy(browser_for, people, small), SECOND, run("Member words."))
    reply = api_for(people.member).post(
        f"/api/v1/responses/{small}/review-import", files=_file(data)
    )
    assert reply.status_code == 404
    assert _suggestions(engine, small) == []


def test_a_copy_naming_a_revision_the_response_lacks_is_422(
    api_for, browser_for, people, small, look, engine
):
    copy = _copy(browser_for, people, small)
    revision = look.response(small).revision
    forged = _edited_props(copy, f"<vt:lpwstr>{revision}</vt:lpwstr>", "<vt:lpwstr>999</vt:lpwstr>")
    reply = api_for(people.director).post(
        f"/api/v1/responses/{small}/review-import", files=_file(forged)
    )
    assert reply.status_code == 422
    assert "revision 999" in reply.json()["detail"]
    with Session(engine) as s:
        assert s.exec(select(Comment).where(Comment.response_id == small)).first() is None


def _edited_props(copy: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(copy))
    files = {n: source.read(n) for n in source.namelist()}
    props = files["docProps/custom.xml"].decode()
    # The revision is the second property pandoc writes (after the response id).
    at = props.index("tabled-revision")
    assert old in props[at:]
    files["docProps/custom.xml"] = (props[:at] + props[at:].replace(old, new, 1)).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()
