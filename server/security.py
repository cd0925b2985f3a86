"""CSRF tokens, security headers, what never to echo, and the request size limit."""

from __future__ import annotations

import contextlib
import hmac
import json
import re
import secrets
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# Form fields that may hold a secret: never shown back on a page, never logged.
_SECRET_FIELD = re.compile(r"pass|secret|token|credential|api_?key|otp", re.IGNORECASE)
# Pages about who you are: a shared or back-button cache must not keep them.
_PRIVATE_PATHS = ("/login", "/logout", "/account", "/admin")
NO_STORE = (b"cache-control", b"no-store")


def is_secret_field(name: str) -> bool:
    """Whether a form field's name suggests a password, token or other secret."""
    return bool(_SECRET_FIELD.search(name))


def _private(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in _PRIVATE_PATHS)


def csrf_token_for(session: dict[str, Any]) -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def csrf_ok(session: dict[str, Any], sent: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and sent and hmac.compare_digest(str(expected), sent))


class SecurityHeaders:
    """Adds headers every page needs; pure ASGI so it costs little per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        private = _private(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if private or message["status"] >= 400:
                    # Error pages may show back what was typed; account pages, who you are.
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append(NO_STORE)
                message["headers"] = headers
                present = {k.lower() for k, _ in headers}
                for key, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", CSP.encode()),
                ):
                    if key not in present:
                        headers.append((key, value))
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimit:
    """Refuses request bodies over the limit with 413 before reading them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, send, self.max_bytes)
            return
        seen = 0
        over = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # Body parsers may turn _TooLarge into their own 400; the 413 replaces it.
            if not over:
                await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if over:
            await _too_large(scope, send, self.max_bytes)


class _TooLarge(Exception):
    pass


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    message = f"The request is too large: the limit is {limit // 1024 // 1024} MB."
    if scope.get("path", "").startswith("/api/"):
        body, kind = json.dumps({"detail": message}).encode(), b"application/json"
    else:  # a person in a browser gets a page, not JSON
        body = (
            f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f"<title>Too large – Tabled</title></head><body><main>"
            f'<h1>Too large</h1><p id="error-message">{message} Nothing was saved.</p>'
            f'<p><a href="/">Go to your home page</a></p></main></body></html>'
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                NO_STORE,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
