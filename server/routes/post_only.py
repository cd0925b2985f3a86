"""Where a GET of a form's POST-only address goes: the page the form is on.

A refused form is shown again at the address it posted to (/responses/7/actions,
say). Reloading that page, opening it in a new tab or coming back to it later asks
for it with GET, which those routes do not answer; rather than "Method Not
Allowed", the person is sent (303) to the nearest address above it that is a page:
/responses/7 for /responses/7/actions or /responses/7/deadline, /account for
/account/password. The form's text is not posted again."""

from __future__ import annotations

from starlette.routing import BaseRoute, Match
from starlette.types import Scope


def _answers_get(routes: list[BaseRoute], path: str) -> bool:
    scope: Scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] is Match.FULL for route in routes)


def page_above(routes: list[BaseRoute], path: str) -> str:
    """The nearest address above `path` that answers GET; the home page at worst."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 2:
        parts.pop()
        candidate = "/".join(parts)
        if _answers_get(routes, candidate):
            return candidate
    return "/"
