"""A request id on every request and one log line per request, as JSON on request.

What a client sends (the path above all: "%0A" in it arrives as a newline) is escaped
before it reaches a plain log line, so nobody can forge a line of their own."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("tabled.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def escape_log(text: str) -> str:
    """text with backslashes, control characters and line or paragraph separators
    written as escapes: one log field stays on one line and says what was sent."""
    if text.isprintable() and "\\" not in text:
        return text  # the common case, at the cost of one scan
    return "".join(ch if ch.isprintable() and ch != "\\" else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class PlainFormatter(logging.Formatter):
    """Text lines whose message part is escaped, whoever logged it (a traceback, when
    there is one, still follows on lines of its own)."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.msg, record.args = escape_log(record.getMessage()), None
        return super().format(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure_logging(json_lines: bool) -> None:
    handler = logging.StreamHandler()
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PlainFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("tabled")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False


class RequestId:
    """Takes X-Request-ID from a proxy when it is sane, else makes one; echoes it back
    and logs method, path, status and time with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _SAFE_ID.match(sent) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            took = round((time.perf_counter() - started) * 1000, 1)
            # Raw here: PlainFormatter escapes the text line, json.dumps the JSON one.
            method, path = scope["method"], scope["path"]
            log.info(
                "%s %s %s %sms id=%s",
                method,
                path,
                status,
                took,
                request_id,
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": method,
                        "path": path,
                        "status": status,
                        "ms": took,
                    }
                },
            )
