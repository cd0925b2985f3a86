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


# Lists and quotes may nest this deep. markdown-it stops nesting at
# MAX_TOKEN_LEVEL token levels (each list adds two: the list and its item) and
# then drops the rest of the text, so deeper text is refused when it is saved.
MAX_DEPTH = 8
MAX_TOKEN_LEVEL = int(_md.options.get("maxNesting", 20)) - 1
_CONTAINERS = ("bullet_list_open", "ordered_list_open", "blockquote_open")


def too_deep(text: str) -> int | None:
    """The line (from 1) where lists or quotes first nest deeper than MAX_DEPTH, or None.

    One parse, linear in the text."""
    depth = 0
    for token in _md.parse(text, {}):
        if token.type in _CONTAINERS:
            depth += 1
        elif token.type.replace("_close", "_open") in _CONTAINERS and token.nesting == -1:
            depth -= 1
        if depth > MAX_DEPTH or token.level >= MAX_TOKEN_LEVEL:
            return (token.map[0] + 1) if token.map else 1
    return None
