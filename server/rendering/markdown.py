"""Markdown to safe HTML: raw HTML off, only http(s), mailto and relative links."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _validate_link(url: str) -> bool:
    candidate = "".join(url.split()).lower()
    if ":" not in candidate.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True  # relative link or fragment
    return candidate.startswith(SAFE_SCHEMES)


def _make() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(footnote_plugin)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_md = _make()


def render_markdown(text: str, doc_id: str | None = None) -> str:
    """HTML for a position body or summary; safe to insert into a page unescaped.

    doc_id keeps footnote anchors unique when several bodies share one page."""
    env = {"docId": doc_id} if doc_id else {}
    return _md.render(text, env)


def parser() -> MarkdownIt:
    """The shared parser, for code that needs tokens rather than HTML."""
    return _md
