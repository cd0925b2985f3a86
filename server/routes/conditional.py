"""Conditional GETs: does the client already hold this ETag?"""

from __future__ import annotations

from fastapi import Request


def matches(if_none_match: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored.
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


def client_has(request: Request, etag: str) -> bool:
    return matches(request.headers.get("if-none-match", ""), etag)
