"""Conditional GETs: the one place that answers If-None-Match with 304.

Every answer to such a GET, the 304 included, carries the same validator headers
(ETag, Cache-Control and whatever else the route adds, such as Vary), so a cache
that revalidates keeps what it needs to ask again next time."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response

# The browser keeps the copy but asks every time, so a change always shows at once.
ALWAYS_ASK = "private, no-cache"


def matches(if_none_match: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored.
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


def client_has(request: Request, etag: str) -> bool:
    return matches(request.headers.get("if-none-match", ""), etag)


def revalidate(
    request: Request,
    etag: str,
    *,
    cache_control: str = ALWAYS_ASK,
    headers: Mapping[str, str] | None = None,
) -> tuple[Response | None, dict[str, str]]:
    """The headers every answer to this GET carries, and the 304 to send when the
    client already holds `etag` (None when it must be sent the content, with them)."""
    sent = {"ETag": etag, "Cache-Control": cache_control, **(headers or {})}
    if client_has(request, etag):
        return Response(status_code=304, headers=sent), sent
    return None, sent
