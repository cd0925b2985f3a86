"""The one Jinja2 environment, and render(): full page or htmx partial."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from ..config import PROJECT_ROOT
from ..models import utcnow
from ..text import times
from ..text.authoring import word_count, words_in
from ..text.diff import diff_html
from ..text.markdown import render_markdown
from ..text.mddiff import markdown_diff_html
from ..workflow.registry import group_name

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))


def _zone(context: Any) -> tzinfo:
    # Each app carries its own settings; the zone comes from the one serving the page.
    request = context.get("request")
    settings = getattr(getattr(getattr(request, "app", None), "state", None), "settings", None)
    return settings.zone if settings is not None else times.DEFAULT_ZONE


@pass_context
def _when(context: Any, value: datetime | date | None) -> str:
    return times.when(value, _zone(context))


@pass_context
def _due_in(context: Any, value: datetime | None) -> str:
    return times.due_in(value, utcnow(), _zone(context)) if value is not None else ""


def _trusted_html(value: str) -> Markup:
    # Only for HTML produced by render_markdown, which never passes raw HTML through.
    return Markup(value)  # noqa: S704


def _markdown(value: str) -> Markup:
    return Markup(render_markdown(value or ""))  # noqa: S704  (raw HTML is off)


templates.env.filters["when"] = _when
templates.env.filters["due_in"] = _due_in
templates.env.filters["markdown"] = _markdown
templates.env.filters["trusted_html"] = _trusted_html
templates.env.globals["group_name"] = group_name
templates.env.filters["group_name"] = group_name
templates.env.globals["word_diff"] = diff_html
templates.env.globals["markdown_diff"] = markdown_diff_html
templates.env.globals["word_count"] = word_count
templates.env.globals["words_in"] = words_in


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request. Asking makes the answer depend on it, so render()
    then says so (Vary: HX-Request): a cache must not hand a fragment to a page load."""
    request.state.varies_by_htmx = True
    return request.headers.get("HX-Request") == "true"


def htmx_target(request: Request) -> str:
    """The id of the element htmx will swap the answer into ("" when none is named)."""
    return request.headers.get("HX-Target", "")


def htmx_trigger(headers: dict[str, str], event: str) -> None:
    """Ask the page's htmx to fire `event` (each listener then fetches what it shows)."""
    headers["HX-Trigger"] = event


def _vary(response: HTMLResponse, header: str) -> None:
    present = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    if header.lower() not in (v.lower() for v in present):
        response.headers["Vary"] = ", ".join([*present, header])


def sentence(message: str) -> str:
    """A message as a sentence a form shows: its first letter a capital."""
    return message[:1].upper() + message[1:]


def _page_context(request: Request, context: dict[str, Any] | None) -> dict[str, Any]:
    ctx = dict(context or {})
    # Domain messages also serve the API and the command line; on a page each one
    # starts a sentence of its own, beside its field and in the error summary.
    if isinstance(ctx.get("errors"), dict):
        ctx["errors"] = {
            k: sentence(v) if isinstance(v, str) else v for k, v in ctx["errors"].items()
        }
    ctx.setdefault("user", getattr(request.state, "user", None))
    ctx.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
    ctx.setdefault("unread", getattr(request.state, "unread", 0))
    return ctx


def render_html(request: Request, template: str, context: dict[str, Any]) -> str:
    """A whole page as a string, for pages kept in memory (page_cache.py)."""
    ctx = _page_context(request, context)
    ctx["request"] = request
    return templates.get_template(template).render(ctx)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    partial: str | None = None,
    status_code: int = 200,
    refused_into: str | None = None,
) -> HTMLResponse:
    """Render a page; for an htmx request with a partial named, only that partial.
    With `refused_into` (an element's #id), an htmx answer that is a refusal (any
    status but 200) goes out as a success swapped into that element, since htmx swaps
    only successes; without htmx the status stands."""
    ctx = _page_context(request, context)
    htmx = is_htmx(request) if partial or refused_into else False
    name = partial if partial and htmx else template
    headers: dict[str, str] = {}
    if htmx and refused_into and status_code != 200:
        headers = {"HX-Retarget": refused_into, "HX-Reswap": "innerHTML"}
        status_code = 200
    response = templates.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=headers or None
    )
    if getattr(request.state, "varies_by_htmx", False):
        _vary(response, "HX-Request")
    return response
