"""Publishing through the workflow, versions and corrections, downloads with their
caching headers, who may read what, and the members' library."""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET

import pytest
from docx import Document
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, select

from server.app import create_app
from server.errors import RenderFailed
from server.models import Publication, PublicationFile

from .conftest import SMALL_DRAFT, text_of

SMALL_TITLE = "A small response"


def act(client: TestClient, rid: int, action: str, note: str = ""):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/responses/{rid}/actions", json={"action": action, "note": note})


def publish(client: TestClient, look, rid: int, note: str = ""):  # type: ignore[no-untyped-def]
    """Skip the reviews (tested in test_workflow.py): approve in the database, publish."""
    look.set_stage(rid, "approved")
    return act(client, rid, "publish", note)


def publications(client: TestClient, rid: int) -> list[dict]:
    reply = client.get(f"/api/v1/responses/{rid}/publications")
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_publishing_makes_version_1_with_a_pdf_members_can_download(api_for, people, small, look):
    director = api_for(people.director)
    assert publish(director, look, small).json()["stage"] == "published"
    [v1] = publications(api_for(people.member), small)
    assert v1["version"] == 1 and v1["superseded"] is False
    assert v1["pdf_url"] == f"/api/v1/responses/{small}/publications/1/pdf"
    pdf = api_for(people.member).get(v1["pdf_url"])
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in (SMALL_TITLE, "1. First position", "2. Second position", "3. Third position"):
        assert heading in " ".join(text.split())


def test_a_pdf_is_cached_for_a_year_by_its_strong_etag_and_answers_304(
    api_for, people, small, look
):
    director = api_for(people.director)
    publish(director, look, small)
    url = f"/api/v1/responses/{small}/publications/1/pdf"
    first = director.get(url)
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert first.headers["content-disposition"] == (
        'inline; filename="a-small-consultation-response-v1.pdf"'
    )
    again = director.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert director.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_correction_needs_a_note_and_supersedes_version_1(api_for, people, small, look):
    director = api_for(people.director)
    publish(director, look, small)
    assert act(director, small, "revise").json()["stage"] == "draft"
    refused = publish(director, look, small)
    assert refused.status_code == 422
    assert "say in the note what changed" in refused.json()["detail"]
    assert look.response(small).stage == "approved"
    assert len(publications(director, small)) == 1  # nothing half-published
    assert publish(director, look, small, "Fixed a figure").json()["stage"] == "published"
    v2, v1 = publications(director, small)
    assert (v2["version"], v2["superseded"], v2["change_note"]) == (2, False, "Fixed a figure")
    assert (v1["version"], v1["superseded"]) == (1, True)
    assert director.get(v1["pdf_url"]).status_code == 200  # the old one stays downloadable
    history = director.get(f"/api/v1/responses/{small}/history").json()
    assert history[-1]["action"] == "publish" and history[-1]["note"] == "Fixed a figure"


def test_members_keep_the_briefing_while_a_correction_is_drafted_but_not_the_draft(
    api_for, browser_for, people, small, look
):
    publish(api_for(people.director), look, small)
    act(api_for(people.director), small, "revise")
    member = api_for(people.member)
    assert member.get(f"/api/v1/responses/{small}").status_code == 404
    assert [p["version"] for p in publications(member, small)] == [1]
    assert member.get(f"/api/v1/responses/{small}/publications/1/pdf").status_code == 200
    web = browser_for(people.member)
    sent = web.get(f"/responses/{small}", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/library/{small}"
    assert web.get(f"/responses/{small}/revisions").status_code == 404
    page = web.get(f"/library/{small}")
    assert page.status_code == 200 and "First position" in page.text


def test_a_draft_has_no_pdf_and_unknown_versions_are_404(api_for, people, small, look):
    member, director = api_for(people.member), api_for(people.director)
    assert member.get(f"/api/v1/responses/{small}/publications").status_code == 404
    assert member.get(f"/api/v1/responses/{small}/publications/1/pdf").status_code == 404
    assert publications(director, small) == []
    missing = director.get(f"/api/v1/responses/{small}/publications/1/pdf")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "version 1 of this briefing does not exist"
    publish(director, look, small)
    assert director.get(f"/api/v1/responses/{small}/publications/2/pdf").status_code == 404
    assert director.get(f"/library/{small}/versions/1/exe").status_code == 404


def test_only_the_owner_or_an_admin_publishes(api_for, people, small, look):
    look.set_stage(small, "approved")
    assert act(api_for(people.director2), small, "publish").status_code == 403
    assert act(api_for(people.member), small, "publish").status_code == 404
    assert publications(api_for(people.director), small) == []


def test_a_rendering_failure_publishes_nothing_and_says_why(
    api_for, people, small, look, monkeypatch
):
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RenderFailed("the PDF could not be made: out of paper")

    monkeypatch.setattr("server.publishing.service.render_all", broken)
    reply = publish(api_for(people.director), look, small)
    assert reply.status_code == 422
    assert reply.json()["detail"] == "the PDF could not be made: out of paper"
    assert look.response(small).stage == "approved"
    assert publications(api_for(people.director), small) == []


def test_docx_and_html_come_from_the_library_pages(browser_for, api_for, people, small, look):
    publish(api_for(people.director), look, small)
    web = browser_for(people.member)
    docx = web.get(f"/library/{small}/versions/1/docx")
    assert docx.status_code == 200
    assert docx.headers["content-disposition"].startswith("attachment; filename=")
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert SMALL_TITLE in paragraphs and "3. Third position" in paragraphs
    director_page = browser_for(people.director).get(f"/responses/{small}").text
    assert f'href="/library/{small}/versions/1/pdf"' in director_page
    html = web.get(f"/library/{small}/versions/1/html")
    assert html.headers["content-type"].startswith("text/html")
    assert "script-src" not in html.headers["content-security-policy"]
    assert "3. Third position" in text_of(html.text)


def test_the_library_finds_briefings_by_words_and_by_theme(
    browser_for, api_for, people, small, import_draft, look
):
    director = api_for(people.director)
    publish(director, look, small)
    other = import_draft(people.director, SMALL_DRAFT.replace(SMALL_TITLE, "Another response"))
    publish(director, look, other)
    unpublished = import_draft(people.director, SMALL_DRAFT.replace(SMALL_TITLE, "Still a draft"))
    web = browser_for(people.member)
    page = text_of(web.get("/library").text)
    assert page.index("Another response") < page.index(SMALL_TITLE)  # newest first
    assert "Still a draft" not in page and unpublished
    found = text_of(web.get("/library", params={"q": "ANOTHER second text"}).text)
    assert "Another response" in found and SMALL_TITLE not in found
    assert "No briefing matches" in web.get("/library", params={"q": "100%_"}).text
    # Full-text search stems words: "texts" finds "text" in both briefings.
    stemmed = text_of(web.get("/library", params={"q": "texts"}).text)
    assert "Another response" in stemmed and SMALL_TITLE in stemmed
    assert "No briefing matches" in web.get("/library", params={"q": '"OR* NEAR('}).text
    themed = text_of(web.get("/library", params={"theme": "climate-change"}).text)
    assert SMALL_TITLE in themed and "Another response" in themed
    assert "No briefing matches" in web.get("/library", params={"theme": "open-data"}).text


def test_a_superseded_version_is_marked_and_links_to_the_latest(
    browser_for, api_for, people, small, look
):
    director = api_for(people.director)
    publish(director, look, small)
    act(director, small, "revise")
    publish(director, look, small, "Clarified the second position")
    web = browser_for(people.member)
    old = web.get(f"/library/{small}", params={"version": 1}).text
    assert "This is version 1, superseded by version 2." in text_of(old)
    assert f'href="/library/{small}">Read the latest version' in old
    latest = web.get(f"/library/{small}").text
    assert 'id="superseded"' not in latest
    assert "Clarified the second position" in text_of(latest)
    assert web.get(f"/library/{small}", params={"version": 9}).status_code == 404


def test_the_atom_feed_announces_each_version(browser_for, api_for, people, small, look):
    publish(api_for(people.director), look, small)
    feed = browser_for(people.member).get("/library/feed.xml")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed.content)  # noqa: S314  (our own output)
    [entry] = root.findall(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == SMALL_TITLE


def test_the_library_is_for_members_unless_made_public(
    web, api_for, people, small, look, settings, engine
):
    publish(api_for(people.director), look, small)
    assert web.get("/library", follow_redirects=False).status_code == 303
    assert web.get(f"/library/{small}/versions/1/pdf", follow_redirects=False).status_code == 303
    public = create_app(settings.model_copy(update={"library_public": True}), engine)
    with TestClient(public) as anyone:
        assert SMALL_TITLE in anyone.get("/library").text
        pdf = anyone.get(f"/library/{small}/versions/1/pdf")
        assert pdf.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("actor", ["director", "admin"])
def test_publications_are_stored_once_with_their_files(api_for, people, small, look, engine, actor):
    publish(api_for(getattr(people, actor)), look, small)
    with Session(engine) as s:
        [row] = s.exec(select(Publication)).all()
        assert (row.version, row.title, row.revision) == (1, SMALL_TITLE, 4)
        assert row.theme_slugs == ",climate-change,efficiency,social-inclusion,"
        files = s.exec(select(PublicationFile).where(PublicationFile.publication_id == row.id))
        stored = {f.format: f for f in files.all()}
    assert sorted(stored) == ["docx", "html", "pdf"]
    pdf = stored["pdf"]
    assert pdf.sha256 == hashlib.sha256(pdf.content).hexdigest() and pdf.size == len(pdf.content)


def test_a_page_shows_what_changed_between_two_versions(browser_for, api_for, people, small, look):
    director = api_for(people.director)
    publish(director, look, small)
    act(director, small, "revise")
    [first, *_] = look.positions(small)
    saved = director.put(
        f"/api/v1/responses/{small}/positions/{first.id}",
        json={
            "heading": first.heading,
            "body": "The first text, now with a correction.",
            "themes": first.themes,
            "base_revision": look.response(small).revision,
        },
    )
    assert saved.status_code == 200, saved.text
    publish(director, look, small, "Corrected the first position")
    web = browser_for(people.member)
    assert "See what changed" in web.get(f"/library/{small}").text
    page = web.get(f"/library/{small}/compare")
    assert page.status_code == 200
    assert "What changed from version 1 to version 2" in text_of(page.text)
    assert "now with a correction" in text_of(page.text) and "tbl-ins" in page.text
    assert "Position 2" not in text_of(page.text)  # unchanged sections are left out
    same = web.get(f"/library/{small}/compare", params={"from": 2, "to": 2})
    assert 'id="no-changes"' in same.text
    assert web.get(f"/library/{small}/compare", params={"from": 7}).status_code == 404


def test_a_theme_page_gathers_published_positions_across_briefings(
    api_for, browser_for, people, small, oep, look
):
    director = api_for(people.director)
    publish(director, look, small)
    publish(director, look, oep)
    member = browser_for(people.member)
    page = member.get("/themes/climate-change")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Response to the Operational Efficiency Programme final report" in text
    assert "Second position" in text and "First position" not in text
    efficiency = text_of(member.get("/themes/efficiency").text)
    assert "First position" in efficiency and "Second position" not in efficiency
    assert member.get("/themes/no-such-theme").status_code == 404
    assert "/themes/climate-change" in member.get("/themes").text


def test_the_consultation_report_is_an_optional_annex(api_for, people, small, look):
    director = api_for(people.director)
    said = director.post(
        f"/api/v1/responses/{small}/comments", json={"body": "Name the shared data centre sites."}
    )
    assert said.status_code == 201, said.text
    director.patch(
        f"/api/v1/comments/{said.json()['id']}",
        json={"disposition": "accepted", "disposition_note": "Listed in position 2."},
    )
    look.set_stage(small, "approved")
    assert (
        director.post(
            f"/api/v1/responses/{small}/actions", json={"action": "publish", "annex": True}
        ).status_code
        == 200
    )
    pdf = director.get(f"/api/v1/responses/{small}/publications/1/pdf")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Annex: consultation report" in text
    assert "Name the shared data centre sites." in text and "Listed in position 2." in text
    director.post(f"/api/v1/responses/{small}/actions", json={"action": "revise"})
    look.set_stage(small, "approved")
    director.post(
        f"/api/v1/responses/{small}/actions",
        json={"action": "publish", "note": "Without the annex"},
    )
    plain = director.get(f"/api/v1/responses/{small}/publications/2/pdf")
    text2 = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(plain.content)).pages)
    assert "Annex" not in text2
