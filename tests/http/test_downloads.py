"""Downloading briefings: the same bytes and ETag from memory as from the database,
304 without reading the file, and who is asking checked afresh on every download."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import Session, select

from server.models import ApiToken, PublicationFile, utcnow
from server.publishing.filecache import FILES, FileCache

from .conftest import SMALL_DRAFT
from .test_publications import publish


@pytest.fixture(autouse=True)
def empty_file_cache() -> None:
    FILES.clear()


@pytest.fixture
def published(api_for, people, look, import_draft) -> int:  # type: ignore[no-untyped-def]
    rid = import_draft(people.director, SMALL_DRAFT)
    assert publish(api_for(people.director), look, rid).json()["stage"] == "published"
    return rid


def _stored(session: Session, fmt: str) -> PublicationFile:
    session.rollback()
    return session.exec(select(PublicationFile).where(PublicationFile.format == fmt)).one()


def test_a_second_download_comes_from_memory_with_the_same_bytes_and_etag(
    api_for, people, published, session
):
    member = api_for(people.member)
    url = f"/api/v1/responses/{published}/publications/1/pdf"
    first = member.get(url)
    stored = _stored(session, "pdf")
    assert first.status_code == 200 and first.content == stored.content
    assert FILES.get(stored.sha256) == stored.content  # kept after the first download
    again = member.get(url)
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"] == f'"{stored.sha256}"'
    assert again.headers["etag"] == f'"{hashlib.sha256(again.content).hexdigest()}"'
    assert {k: v for k, v in again.headers.items() if k != "x-request-id"} == {
        k: v for k, v in first.headers.items() if k != "x-request-id"
    }


def test_word_and_html_downloads_are_kept_by_their_own_hash(
    browser_for, people, published, session
):
    web = browser_for(people.member)
    for fmt in ("docx", "html"):
        url = f"/library/{published}/versions/1/{fmt}"
        first, again = web.get(url), web.get(url)
        stored = _stored(session, fmt)
        assert first.content == again.content == stored.content
        assert first.headers["etag"] == again.headers["etag"] == f'"{stored.sha256}"'
    assert len(FILES) == 2


def test_304_sends_and_reads_no_file(api_for, people, published, monkeypatch):
    member = api_for(people.member)
    url = f"/api/v1/responses/{published}/publications/1/pdf"
    etag = member.get(url).headers["etag"]
    FILES.clear()

    def no_reading(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a 304 read the file")

    monkeypatch.setattr("server.routes.downloads.file_content", no_reading)
    reply = member.get(url, headers={"If-None-Match": etag})
    assert reply.status_code == 304 and reply.content == b""
    assert len(FILES) == 0


def test_a_deactivated_member_is_refused_a_briefing_already_in_memory(
    api_for, browser_for, people, published
):
    api, web = api_for(people.member), browser_for(people.member)
    url = f"/api/v1/responses/{published}/publications/1/pdf"
    page_url = f"/library/{published}/versions/1/pdf"
    assert api.get(url).status_code == 200 and web.get(page_url).status_code == 200
    admin = browser_for(people.admin)
    reply = admin.submit(
        f"/admin/users/{people.member.id}", {"name": "Member", "role": "member", "active": ""}
    )
    assert reply.status_code == 303
    refused = api.get(url)
    assert refused.status_code == 401 and refused.content != b"%PDF"
    assert refused.json()["detail"] == "the API token is not valid or has been revoked"
    page = web.get(page_url, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_revoked_token_is_refused_a_briefing_already_in_memory(
    api_for, people, published, session
):
    api = api_for(people.member)
    url = f"/api/v1/responses/{published}/publications/1/pdf"
    assert api.get(url).status_code == 200
    session.rollback()
    for token in session.exec(select(ApiToken).where(ApiToken.user_id == people.member.id)):
        token.revoked_at = utcnow()
        session.add(token)
    session.commit()
    refused = api.get(url)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "the API token is not valid or has been revoked"


def test_a_cookie_alone_does_not_open_the_api_download(browser_for, people, published):
    web = browser_for(people.member)
    reply = web.get(f"/api/v1/responses/{published}/publications/1/pdf")
    assert reply.status_code == 401 and reply.headers["www-authenticate"] == "Bearer"


def test_a_hidden_draft_is_reported_missing_not_forbidden(api_for, people, small):
    reply = api_for(people.member).get(f"/api/v1/responses/{small}/publications/1/pdf")
    assert reply.status_code == 404
    assert reply.json()["detail"] == f"no response with id {small}"


def test_unknown_formats_and_versions_say_which(browser_for, api_for, people, published):
    web = browser_for(people.member)
    bad = web.get(f"/library/{published}/versions/1/exe")
    assert bad.status_code == 404 and "briefings come as pdf, docx, html" in bad.text
    assert "Member" in bad.text  # the error page's header still shows who is signed in
    missing = api_for(people.member).get(f"/api/v1/responses/{published}/publications/2/pdf")
    assert missing.json()["detail"] == "version 2 of this briefing does not exist"


def test_the_library_download_needs_signing_in_unless_public(web, published):
    reply = web.get(f"/library/{published}/versions/1/pdf", follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/login")


def test_a_public_library_serves_visitors_and_shared_caches(settings, engine, published):
    from fastapi.testclient import TestClient

    from server.app import create_app

    public = create_app(settings.model_copy(update={"library_public": True}), engine)
    with TestClient(public) as visitor:
        reply = visitor.get(f"/library/{published}/versions/1/pdf")
    assert reply.status_code == 200 and reply.content.startswith(b"%PDF")
    assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "Authorization" not in reply.headers.get("vary", "")


# The cache itself


def test_the_cache_keeps_to_its_byte_bound_dropping_the_least_recently_used():
    cache = FileCache(max_bytes=100)
    cache.put("a", b"a" * 20)
    cache.put("b", b"b" * 20)
    cache.put("c", b"c" * 20)
    assert cache.get("a") == b"a" * 20  # a is now the most recently used
    cache.put("d", b"d" * 20)
    cache.put("e", b"e" * 20)  # 100 bytes: all fit
    cache.put("f", b"f" * 20)  # over: b, the least recently used, goes
    assert cache.get("b") is None
    assert [cache.get(k) is not None for k in "acdef"] == [True] * 5
    assert cache.size == 100


def test_a_file_over_a_quarter_of_the_bound_is_not_kept():
    cache = FileCache(max_bytes=100)
    cache.put("big", b"x" * 26)
    assert cache.get("big") is None and cache.size == 0


def test_the_same_hash_is_kept_once():
    cache = FileCache(max_bytes=100)
    cache.put("a", b"a" * 10)
    cache.put("a", b"a" * 10)
    assert len(cache) == 1 and cache.size == 10
