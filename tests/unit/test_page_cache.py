"""Kept pages: cut where the CSRF token goes, filled per request, bounded in bytes."""

from __future__ import annotations

from server.comments.rendered import RenderCache
from server.rendering.document import CSRF_SLOT
from server.rendering.page_cache import CachedPage, cut


def test_a_kept_page_is_filled_with_each_request_s_token():
    page = cut(f'<input value="{CSRF_SLOT}"><p>é</p><b data-t="{CSRF_SLOT}"></b>', 1.0)
    assert page.filled("abc") == '<input value="abc"><p>é</p><b data-t="abc"></b>'.encode()
    assert page.filled("xyz").count(b"xyz") == 2


def test_a_page_without_forms_is_kept_whole():
    page = cut("<p>read only</p>", 1.0)
    assert page.chunks == (b"<p>read only</p>",)
    assert page.filled("abc") == b"<p>read only</p>"


def test_the_oldest_pages_go_first_when_memory_runs_short():
    cache = RenderCache[CachedPage](max_bytes=2500, ttl=60)
    for n in range(3):
        cache.put(("page", n), CachedPage((b"x" * 1000,), made_at=float("inf")))
    assert cache.get(("page", 0)) is None
    assert cache.get(("page", 1)) is not None and cache.get(("page", 2)) is not None


def test_a_page_expires_with_the_oldest_part_it_was_built_from():
    cache = RenderCache[CachedPage](max_bytes=10_000, ttl=60)
    cache.put(("page",), CachedPage((b"x",), made_at=0.0))  # built long ago
    assert cache.get(("page",)) is None
