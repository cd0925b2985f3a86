"""Sending a stored briefing file: strong ETag, long-lived caching, 304, a readable name."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from ..publishing.service import Download

# A version never changes, so a cached copy is good for a year. 'private' unless
# the library is public: then shared caches may keep it too.
CACHE_PUBLIC = "public, max-age=31536000, immutable"
CACHE_PRIVATE = "private, max-age=31536000, immutable"
# The HTML briefing carries its own <style>; it runs no script and loads nothing.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def _matches(if_none_match: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored.
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


def send(request: Request, file: Download, *, public: bool) -> Response:
    etag = f'"{file.sha256}"'
    disposition = "attachment" if file.media_type.startswith("application/vnd") else "inline"
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_PUBLIC if public else CACHE_PRIVATE,
        "Content-Disposition": f'{disposition}; filename="{file.filename}"',
        "Last-Modified": file.published_at.strftime("%a, %d %b %Y %H:%M:%S GMT"),
    }
    if not public:
        # The answer depends on who asks; a shared cache must not serve it to others.
        headers["Vary"] = "Authorization, Cookie"
    if file.media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = HTML_CSP
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(file.content, media_type=file.media_type, headers=headers)
