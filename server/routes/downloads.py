"""Sending a stored briefing file: strong ETag, long-lived caching, 304, a readable name.

A download does all its reading in one thread hop and one short read transaction -
who is asking (one query), whether they may have the file and its facts (one more),
and its bytes unless the client already has them (from memory after the first
time, see publishing/filecache.py) - then sends from the event loop. The rules are
the other routes' (deps.authenticate, service.find_file); only the trips are fewer."""

from __future__ import annotations

from functools import partial

import anyio
import anyio.to_thread
from fastapi import Request
from fastapi.responses import Response

from ..db import quick_read_limiter, quick_read_session
from ..deps import NotSignedIn, authenticate, for_pages, require_token
from ..errors import DomainError
from ..publishing.service import StoredFile, file_content, find_file
from .conditional import client_has, revalidate

# A version never changes, so a cached copy is good for a year. 'private' unless
# the library is public: then shared caches may keep it too.
CACHE_PUBLIC = "public, max-age=31536000, immutable"
CACHE_PRIVATE = "private, max-age=31536000, immutable"
# The HTML briefing carries its own <style>; it runs no script and loads nothing.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def is_public(request: Request) -> bool:
    """Whether visitors who are not signed in may read the library (TABLED_LIBRARY_PUBLIC)."""
    return bool(request.app.state.settings.library_public)


def _etag(file: StoredFile) -> str:
    return f'"{file.sha256}"'


def _client_has(request: Request, file: StoredFile) -> bool:
    return client_has(request, _etag(file))


def _read(
    request: Request, response_id: int, version: int, fmt: str, *, api: bool, public: bool
) -> tuple[StoredFile, bytes | None]:
    # Two independent reads of rows that do not change under us (a published file never
    # does; who is asking is checked as of this moment either way).
    session = quick_read_session(request.app.state.engine)
    try:
        actor = authenticate(request, session)
        try:
            if api:
                require_token(request, actor)
            elif actor is None and not public:
                raise NotSignedIn("sign in to read the library")
            file = find_file(session, actor, response_id, version, fmt, public=public)
        except DomainError:
            if not api:  # the error page's header shows who is signed in, as on any page
                for_pages(request, actor)
            raise
        return file, None if _client_has(request, file) else file_content(session, file)
    finally:
        session.close()


async def download(
    request: Request, response_id: int, version: int, fmt: str, *, api: bool, public: bool
) -> Response:
    """PDF, DOCX or HTML of one version to a reader: by API token when api, else by
    cookie or token, or to anyone when the library is public."""
    read = partial(_read, request, response_id, version, fmt, api=api, public=public)
    file, content = await anyio.to_thread.run_sync(
        read, limiter=quick_read_limiter(request.app.state)
    )
    return send(request, file, content, public=public)


def send(request: Request, file: StoredFile, content: bytes | None, *, public: bool) -> Response:
    """The file, or 304 when the client has it (content is then not needed)."""
    disposition = "attachment" if file.media_type.startswith("application/vnd") else "inline"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{file.filename}"',
        "Last-Modified": file.published_at.strftime("%a, %d %b %Y %H:%M:%S GMT"),
    }
    if not public:
        # The answer depends on who asks; a shared cache must not serve it to others.
        headers["Vary"] = "Authorization, Cookie"
    if file.media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = HTML_CSP
    cache_control = CACHE_PUBLIC if public else CACHE_PRIVATE
    not_modified, sent = revalidate(
        request, _etag(file), cache_control=cache_control, headers=headers
    )
    if not_modified:
        return not_modified
    assert content is not None
    return Response(content, media_type=file.media_type, headers=sent)
