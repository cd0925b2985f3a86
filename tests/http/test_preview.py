"""Reviewers see the briefing as it will be printed before anyone publishes it:
the draft PDF, marked as a draft on every page, for whoever may read the draft."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from server.errors import RenderFailed
from server.publishing import preview

from .conftest import text_of


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_the_owner_previews_the_draft_briefing_marked_draft_on_every_page(
    browser_for, people, small
):
    reply = browser_for(people.director).get(f"/responses/{small}/preview.pdf")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/pdf"
    assert "draft" in reply.headers["content-disposition"]
    pages = pages_of(reply.content)
    assert all("Draft" in page for page in pages)
    assert "A small response" in pages[0]
    assert "1.1 The first text." in " ".join(pages)
    assert "Tabled" not in " ".join(pages)


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("director", 200), ("futures", 404), ("member", 404)]
)
def test_only_those_who_may_read_the_draft_get_its_preview(
    browser_for, people, small, role, status
):
    # A draft in its first stage: the owner, admins and (by the workflow) directors
    # read it; a reviewer whose stage has not come, and a plain member, do not.
    reply = browser_for(getattr(people, role)).get(f"/responses/{small}/preview.pdf")
    assert reply.status_code == status


def test_a_member_cannot_preview_even_a_published_response(
    browser_for, api_for, people, small, look
):
    look.set_stage(small, "approved")
    published = api_for(people.director).post(
        f"/api/v1/responses/{small}/actions", json={"action": "publish"}
    )
    assert published.status_code == 200, published.text
    assert browser_for(people.member).get(f"/responses/{small}/preview.pdf").status_code == 404
    assert browser_for(people.member).get(f"/library/{small}").status_code == 200


def test_the_preview_is_made_once_per_revision(app, browser_for, people, small):
    client = browser_for(people.director)
    first = client.get(f"/responses/{small}/preview.pdf")
    second = client.get(f"/responses/{small}/preview.pdf")
    assert first.content == second.content
    assert len(app.state.preview_cache) == 1


def test_a_preview_that_cannot_be_rendered_says_why_with_422(
    browser_for, people, small, monkeypatch: pytest.MonkeyPatch
):
    def fails(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RenderFailed("the PDF could not be made: a table too wide for the page")

    monkeypatch.setattr(preview, "render_pdf", fails)
    reply = browser_for(people.director).get(f"/responses/{small}/preview.pdf")
    assert reply.status_code == 422
    assert "a table too wide for the page" in reply.text


def test_the_response_page_links_to_the_preview(browser_for, people, small):
    page = browser_for(people.director).get(f"/responses/{small}")
    assert f'href="/responses/{small}/preview.pdf"' in page.text
    assert "Preview the briefing as it will be printed" in text_of(page.text)
