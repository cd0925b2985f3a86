"""Kept pages: cut where the CSRF token goes, filled per request; every cache is
bounded by the bytes it holds, whatever it keeps."""

from __future__ import annotations

from types import SimpleNamespace

from server.app import create_app
from server.cache import ENTRY_OVERHEAD, ByteCache
from server.comments import anchors, highlights, threads
from server.config import Settings
from server.drafting.transfer import import_text
from server.publishing.filecache import FILES
from server.rendering import document
from server.rendering.comments import RenderedBoard
from server.rendering.document import CSRF_SLOT, RenderedDocument
from server.rendering.page_cache import CachedPage, cut
from server.themes.service import list_themes


def test_a_kept_page_is_filled_with_each_request_s_token():
    page = cut(f'<input value="{CSRF_SLOT}"><p>é</p><b data-t="{CSRF_SLOT}"></b>')
    assert page.filled("abc") == '<input value="abc"><p>é</p><b data-t="abc"></b>'.encode()
    assert page.filled("xyz").count(b"xyz") == 2
    # The copy kept for the last token is never handed to another session.
    assert page.filled("abc") == '<input value="abc"><p>é</p><b data-t="abc"></b>'.encode()
    assert page.filled("abc") is page.filled("abc")


def test_a_page_without_forms_is_kept_whole():
    page = cut("<p>read only</p>")
    assert page.chunks == (b"<p>read only</p>",)
    assert page.filled("abc") == b"<p>read only</p>"


def test_the_least_recently_used_go_first_when_memory_runs_short():
    # A kept page counts twice its bytes: its chunks and the copy filled last.
    cache = ByteCache[CachedPage](max_bytes=5000 + 2 * ENTRY_OVERHEAD)
    for n in range(3):
        page = CachedPage((b"x" * 1000,))
        assert page.size == 2000
        cache.put(("page", n), page, page.size)
    assert cache.get(("page", 0)) is None
    assert cache.get(("page", 1)) is not None and cache.get(("page", 2)) is not None
    assert cache.bytes <= cache.max_bytes


def test_a_value_larger_than_the_whole_cache_is_not_kept():
    cache = ByteCache[str](max_bytes=1000)
    cache.put("big", "x" * 5000, 5000)
    assert cache.get("big") is None and cache.bytes == 0


def test_an_entry_expires_with_age():
    cache = ByteCache[str](max_bytes=10_000, ttl=-1)  # everything is already too old
    cache.put("page", "x", 1)
    assert cache.get("page") is None


def test_the_settings_give_every_cache_its_bytes(tmp_path):
    settings = Settings(
        database_url="sqlite://",
        secret_key="k" * 40,
        data_dir=tmp_path,
        page_cache_bytes=1_000_000,
        comments_cache_bytes=2_000_000,
        document_cache_bytes=3_000_000,
        text_cache_bytes=8_000_000,
        file_cache_bytes=5_000_000,
    )
    app = create_app(settings)
    assert app.state.page_cache.max_bytes == 1_000_000
    assert app.state.board_cache.max_bytes == 2_000_000
    assert app.state.document_cache.max_bytes == 3_000_000
    # The text budget: half for position blocks, a quarter each for quote locations
    # and highlighted positions.
    assert anchors.BLOCKS.max_bytes == 4_000_000
    assert threads.LOCATIONS.max_bytes == highlights.HIGHLIGHTS.max_bytes == 2_000_000
    assert FILES.max_bytes == 5_000_000
    # Back to the defaults for the tests after this one.
    create_app(Settings(database_url="sqlite://", secret_key="k" * 40, data_dir=tmp_path))


def test_position_blocks_are_bounded_by_bytes_not_by_count():
    saved = anchors.BLOCKS.max_bytes
    anchors.BLOCKS.clear()
    anchors.BLOCKS.resize(200_000)
    try:
        body = "word " * 10_000  # 50 KB, the size that once filled 4,096 slots
        for n in range(20):
            anchors.blocks(body + str(n))
        assert anchors.BLOCKS.bytes <= 200_000
        assert 0 < len(anchors.BLOCKS) < 20
    finally:
        anchors.BLOCKS.resize(saved)


SMALL_DRAFT = """---
title: A small response
responding_to:
  title: A small consultation
workflow: socitm-policy
---

## First position

Themes: efficiency

The first text.
"""


def test_a_document_expires_with_the_oldest_part_it_was_built_from(session, people, monkeypatch):
    response = import_text(session, people.director, SMALL_DRAFT)
    session.commit()
    caches = SimpleNamespace(
        board_cache=ByteCache[RenderedBoard](10_000_000),
        document_cache=ByteCache[RenderedDocument](10_000_000),
    )
    builds: list[float | None] = []
    build = document._build

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        made = build(*args, **kwargs)
        builds.append(args[3].made_at if args[3] else None)  # the board it was built on
        return made

    monkeypatch.setattr(document, "_build", counted)

    def show() -> None:
        document.document_for(
            caches, session, people.director, response, list_themes(session), "token"
        )

    show()
    show()
    assert len(builds) == 1  # nothing changed: the kept document serves again
    first_board = builds[0]
    assert first_board is not None
    # The comment board ages out of its own cache and is built anew; the document
    # holds the old board's HTML, so it must not outlive it.
    caches.board_cache.clear()
    show()
    assert len(builds) == 2 and builds[1] != first_board
