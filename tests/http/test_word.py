"""Word in and Word out: a draft imported from Word, a review copy, and the reviewed copy
taken back as comments, replies and suggested edits."""

from __future__ import annotations

import io
import zipfile

from sqlmodel import Session, select

from server.drafting import editing
from server.models import Comment
from tests.wordfiles import (
    commented,
    deleted,
    draft_docx,
    heading,
    inserted,
    para,
    point_comment,
    reviewed_docx,
    run,
)

from .conftest import text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(data: bytes, name: str = "draft.docx") -> dict:
    return {"file": (name, data, DOCX)}


def _draft() -> bytes:
    return draft_docx(
        "Our response on shared services",
        [
            ("Shared platforms", ["Themes: efficiency", "Councils should share platforms."]),
            ("Skills", ["Invest in digital skills."]),
        ],
    )


def _comments(engine, rid: int) -> list[Comment]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(Comment).where(Comment.response_id == rid).order_by(Comment.id)))


# Import a draft ---------------------------------------------------------------------


def test_a_director_imports_a_word_draft_through_the_api(api_for, people, look):
    made = api_for(people.director).post("/api/v1/responses/import", files=_file(_draft()))
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    assert look.response(rid).title == "Our response on shared services"
    positions = look.positions(rid)
    assert [p.heading for p in positions] == ["Shared platforms", "Skills"]
    assert positions[0].themes == ["efficiency"]
    assert positions[0].body == "Councils should share platforms."


def test_an_encrypted_word_file_is_refused_with_its_reason_and_nothing_is_made(
    api_for, people, look
):
    before = look.response_count()
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000
    refused = api_for(people.director).post("/api/v1/responses/import", files=_file(data))
    assert refused.status_code == 422
    assert "encrypted" in refused.text
    assert look.response_count() == before


def test_a_member_may_not_import_a_draft(api_for, people):
    refused = api_for(people.member).post("/api/v1/responses/import", files=_file(_draft()))
    assert refused.status_code == 403


def test_the_import_page_previews_the_split_before_creating_anything(browser_for, people, look):
    web = browser_for(people.director)
    assert "Import a draft from Word" in web.get("/responses/import").text
    before = look.response_count()
    preview = web.submit("/responses/import", {"track_changes": "accept"}, files=_file(_draft()))
    assert preview.status_code == 200, preview.text
    page = text_of(preview.text)
    assert "Shared platforms" in page and "Skills" in page and "efficiency" in page
    assert look.response_count() == before  # a preview creates nothing
    draft = preview.text.split('name="draft" value="', 1)[1].split('"', 1)[0]
    import html

    created = web.submit("/responses/import/create", {"draft": html.unescape(draft)})
    assert created.status_code == 303
    rid = int(created.headers["location"].rsplit("/", 1)[1])
    assert [p.heading for p in look.positions(rid)] == ["Shared platforms", "Skills"]


def test_a_broken_upload_is_shown_beside_the_file_field(browser_for, people):
    web = browser_for(people.director)
    refused = web.submit("/responses/import", {}, files=_file(b"not a zip"))
    assert refused.status_code == 422
    assert "not a Word .docx document" in text_of(refused.text)


# The review copy ----------------------------------------------------------------------


def test_the_review_copy_carries_its_response_and_revision(browser_for, people, small, look):
    got = browser_for(people.director).get(f"/responses/{small}/review.docx")
    assert got.status_code == 200
    assert got.headers["content-type"] == DOCX
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    custom = archive.read("docProps/custom.xml").decode()
    assert f'name="tabled-response-id"><vt:lpwstr>{small}<' in custom
    revision = look.response(small).revision
    assert f'name="tabled-revision"><vt:lpwstr>{revision}<' in custom
    document = archive.read("word/document.xml").decode()
    assert 'w:val="Heading1"' in document and "First position" in document


def test_a_member_outside_the_review_gets_no_review_copy(browser_for, people, small):
    assert browser_for(people.member).get(f"/responses/{small}/review.docx").status_code in (
        403,
        404,
    )


# Taking a reviewed copy back --------------------------------------------------------


def _reviewed(rid: int) -> bytes:
    return reviewed_docx(
        [
            heading("First position"),
            para("The ", commented(1, "first text"), "."),
            heading("Second position"),
            para("The ", deleted(3, "second"), inserted(4, "other"), " text.", point_comment(5)),
        ],
        comments=[
            (1, "Jane Reviewer", "Is this the right word?"),
            (2, "Tom Answer", "I think so."),
            (5, "Jane Reviewer", "A note on the whole position."),
        ],
        replies=[(2, 1)],
        response_id=rid,
    )


def test_word_comments_replies_and_changes_come_back_anchored(api_for, people, small, look, engine):
    api = api_for(people.director)
    taken = api.post(f"/api/v1/responses/{small}/review-import", files=_file(_reviewed(small)))
    assert taken.status_code == 201, taken.text
    assert len(taken.json()["added"]) == 4, taken.json()
    first, second, _third = look.positions(small)
    by_body = {c.body.split("\n")[-1]: c for c in _comments(engine, small)}
    quoted = by_body["Is this the right word?"]
    assert (quoted.position_id, quoted.quote) == (first.id, "first text")
    assert quoted.body.startswith("*From Word, by Jane Reviewer:*")
    reply = by_body["I think so."]
    assert reply.parent_id == quoted.id
    suggestion = next(c for c in _comments(engine, small) if c.suggestion)
    assert (suggestion.position_id, suggestion.quote, suggestion.suggestion) == (
        second.id,
        "second",
        "other",
    )
    note = by_body["A note on the whole position."]
    assert (note.position_id, note.quote) == (second.id, "")


def test_taking_the_same_file_in_twice_adds_nothing_the_second_time(api_for, people, small, engine):
    api = api_for(people.director)
    data = _reviewed(small)
    assert (
        api.post(f"/api/v1/responses/{small}/review-import", files=_file(data)).status_code == 201
    )
    count = len(_comments(engine, small))
    again = api.post(f"/api/v1/responses/{small}/review-import", files=_file(data))
    assert again.status_code == 200
    assert again.json()["added"] == []
    assert {s["reason"] for s in again.json()["skipped"]} == {"already taken in from this file"}
    assert len(_comments(engine, small)) == count


def test_a_comment_follows_its_passage_when_the_text_moved_since_the_export(
    api_for, people, small, look, session, engine
):
    first, second, _ = look.positions(small)
    # After the export, the director moves the passage to the second position.
    response = look.response(small)
    editing.update_position(
        session,
        people.director,
        small,
        first.id,
        heading=first.heading,
        body="Rewritten.",
        themes_refs=["efficiency"],
        base_revision=response.revision,
    )
    session.commit()
    response = look.response(small)
    editing.update_position(
        session,
        people.director,
        small,
        second.id,
        heading=second.heading,
        body="The second text. The first text.",
        themes_refs=["climate-change"],
        base_revision=response.revision,
    )
    session.commit()
    data = reviewed_docx(
        [heading("First position"), para("The ", commented(1, "first text"), ".")],
        comments=[(1, "Director", "Still true?")],
        response_id=small,
    )
    taken = api_for(people.director).post(
        f"/api/v1/responses/{small}/review-import", files=_file(data)
    )
    assert taken.status_code == 201, taken.text
    comment = _comments(engine, small)[-1]
    assert (comment.position_id, comment.quote) == (second.id, "first text")


def test_a_change_to_words_no_longer_there_is_skipped_with_the_reason(
    api_for, people, small, look, session
):
    first = look.positions(small)[0]
    editing.update_position(
        session,
        people.director,
        small,
        first.id,
        heading=first.heading,
        body="Completely different now.",
        themes_refs=["efficiency"],
        base_revision=look.response(small).revision,
    )
    session.commit()
    data = reviewed_docx(
        [
            heading("First position"),
            para("The ", deleted(1, "first"), inserted(2, "1st"), " text."),
        ],
        response_id=small,
    )
    taken = api_for(people.director).post(
        f"/api/v1/responses/{small}/review-import", files=_file(data)
    )
    assert taken.status_code == 200
    assert "no longer in the text" in taken.json()["skipped"][0]["reason"]


def test_only_someone_who_may_comment_now_may_take_a_copy_back(
    api_for, people, small, look, engine
):
    futures = api_for(people.futures)
    look.set_stage(small, "futures-review")
    taken = futures.post(f"/api/v1/responses/{small}/review-import", files=_file(_reviewed(small)))
    assert taken.status_code == 201
    assert all(c.author_id == people.futures.id for c in _comments(engine, small))
    look.set_stage(small, "council-review")  # their turn is over: read-only
    refused = futures.post(
        f"/api/v1/responses/{small}/review-import", files=_file(_reviewed(small))
    )
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]


def test_a_copy_of_another_response_is_refused(api_for, people, small):
    refused = api_for(people.director).post(
        f"/api/v1/responses/{small}/review-import", files=_file(_reviewed(small + 100))
    )
    assert refused.status_code == 422
    assert "not of response" in refused.text


def test_the_response_page_takes_a_reviewed_copy_and_shows_what_was_added(
    browser_for, people, small
):
    web = browser_for(people.director)
    page = web.get(f"/responses/{small}").text
    assert f'action="/responses/{small}/review-import"' in page
    assert f"/responses/{small}/review.docx" in page
    shown = web.submit(f"/responses/{small}/review-import", {}, files=_file(_reviewed(small)))
    assert shown.status_code == 200
    text = text_of(shown.text)
    assert "Added (4)" in text and "Word comment by Jane Reviewer" in text
    again = text_of(
        web.submit(f"/responses/{small}/review-import", {}, files=_file(_reviewed(small))).text
    )
    assert "Added (0)" in again and "already taken in from this file" in again


def test_the_response_page_offers_no_upload_to_a_reviewer_out_of_turn(
    browser_for, people, small, look
):
    look.set_stage(small, "council-review")
    page = browser_for(people.futures).get(f"/responses/{small}").text
    assert "First position" in page
    assert "review-import" not in page


def test_a_comment_added_to_the_downloaded_review_copy_comes_back_on_its_passage(
    browser_for, api_for, people, small, look, engine
):
    copy = browser_for(people.director).get(f"/responses/{small}/review.docx").content
    source = zipfile.ZipFile(io.BytesIO(copy))
    files = {n: source.read(n) for n in source.namelist()}
    document = files["word/document.xml"].decode()
    # As Word does: the run split at a range around "second", the comment in comments.xml.
    whole = '<w:r><w:t xml:space="preserve">The second text.</w:t></w:r>'
    assert whole in document
    document = document.replace(whole, run("The ") + commented(0, "second") + run(" text."), 1)
    files["word/document.xml"] = document.encode()
    files["word/comments.xml"] = (
        b'<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:comment w:id="0" w:author="Director"><w:p><w:r><w:t>Why second?</w:t></w:r></w:p>'
        b"</w:comment></w:comments>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    taken = api_for(people.director).post(
        f"/api/v1/responses/{small}/review-import", files=_file(out.getvalue())
    )
    assert taken.status_code == 201, taken.text
    comment = _comments(engine, small)[-1]
    second = look.positions(small)[1]
    assert (comment.position_id, comment.quote, comment.body) == (
        second.id,
        "second",
        "Why second?",
    )
