"""A position's Markdown as pandoc blocks, read by the same parser as the web page.

pandoc's own Markdown reader backtracks: 16 nested brackets took it 18 s and
1,000 of them over a minute. So the text is parsed once by markdown-it (the
parser behind every page, linear in the text and nesting at most
markdown.MAX_TOKEN_LEVEL deep) and its syntax tree is mapped onto pandoc's
document model here; pandoc then only writes Typst or DOCX from a tree, which is
linear. The PDF shows what the page shows, construct for construct.

Only the constructs markdown.parser() produces are mapped: paragraphs, headings,
rules, quotes, lists, code, tables with their alignment, footnotes, emphasis,
strike-through, links and images. Raw HTML is off in that parser, so markup
typed in a position is plain text here too; images keep their description only
(the compiler may read no files); unsafe links keep their words only.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from ..text.markdown import SAFE_SCHEMES, parser

Node = dict[str, Any]
NO_ATTR: list[Any] = ["", [], []]
_SPACE = re.compile(r"[ \t]+")
_ALIGN = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}


def read(markdown: str) -> list[Node]:
    """The text's blocks in pandoc's JSON model (pandoc-api 1.23)."""
    return read_with_html(markdown)[0]


def read_with_html(markdown: str, doc_id: str = "") -> tuple[list[Node], str]:
    """The blocks, and the HTML the page renderer makes of the same text (footnote
    anchors named by doc_id), from one parse: a parse can take a second at the size
    limit, so a publication makes one per text, not one per format."""
    if not markdown.strip():
        return [], ""
    env: dict[str, Any] = {"docId": doc_id} if doc_id else {}
    tokens = parser().parse(markdown, env)
    html = parser().renderer.render(tokens, parser().options, env)
    root = SyntaxTreeNode(tokens)
    notes: dict[int, list[Node]] = {}
    for node in root.children:
        if node.type == "footnote_block":
            for note in node.children:
                notes[int(note.meta.get("id", -1))] = _blocks(note.children, notes)
    return _blocks([n for n in root.children if n.type != "footnote_block"], notes), html


def _blocks(nodes: list[SyntaxTreeNode], notes: dict[int, list[Node]]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.extend(_block(node, notes))
    return out


def _block(node: SyntaxTreeNode, notes: dict[int, list[Node]]) -> list[Node]:
    kind = node.type
    if kind == "paragraph":
        inlines = _inline_of(node, notes)
        if not inlines:
            return []
        return [{"t": "Plain" if node.hidden else "Para", "c": inlines}]
    if kind == "heading":
        inlines = _inline_of(node, notes)
        # An empty heading names nothing (and PDF/UA forbids one): it is left out.
        return [{"t": "Header", "c": [int(node.tag[1:]), NO_ATTR, inlines]}] if inlines else []
    if kind == "hr":
        return [{"t": "HorizontalRule"}]
    if kind == "blockquote":
        return [{"t": "BlockQuote", "c": _blocks(node.children, notes)}]
    if kind == "bullet_list":
        return [{"t": "BulletList", "c": [_blocks(i.children, notes) for i in node.children]}]
    if kind == "ordered_list":
        start = int(str(node.attrs.get("start", 1)))
        items = [_blocks(i.children, notes) for i in node.children]
        style = [start, {"t": "Decimal"}, {"t": "Period"}]
        return [{"t": "OrderedList", "c": [style, items]}]
    if kind in ("fence", "code_block"):
        # No language classes: the info string is the writer's, and may be anything.
        return [{"t": "CodeBlock", "c": [NO_ATTR, node.content.rstrip("\n")]}]
    if kind == "table":
        return [_table(node, notes)]
    if kind in ("html_block", "text"):
        return [{"t": "Para", "c": text(node.content)}] if node.content.strip() else []
    return _blocks(node.children, notes)  # anything else: its content, unwrapped


def _inline_of(node: SyntaxTreeNode, notes: dict[int, list[Node]]) -> list[Node]:
    inline = next((c for c in node.children if c.type == "inline"), None)
    return _trim(_inlines(inline.children, notes)) if inline else []


def _trim(inlines: list[Node]) -> list[Node]:
    while inlines and inlines[0]["t"] in ("Space", "SoftBreak"):
        inlines.pop(0)
    while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
        inlines.pop()
    return inlines


def text(value: str) -> list[Node]:
    """Plain text as inlines: words and spaces, which pandoc escapes for the target."""
    out: list[Node] = []
    for i, word in enumerate(_SPACE.split(value)):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _inlines(nodes: list[SyntaxTreeNode], notes: dict[int, list[Node]]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        kind = node.type
        if kind in ("text", "html_inline"):
            out.extend(text(node.content))
        elif kind == "softbreak":
            out.append({"t": "SoftBreak"})
        elif kind == "hardbreak":
            out.append({"t": "LineBreak"})
        elif kind == "code_inline":
            out.append({"t": "Code", "c": [NO_ATTR, node.content]})
        elif kind in ("em", "strong", "s"):
            wrapper = {"em": "Emph", "strong": "Strong", "s": "Strikeout"}[kind]
            out.append({"t": wrapper, "c": _inlines(node.children, notes)})
        elif kind == "link":
            words = _inlines(node.children, notes)
            href = str(node.attrs.get("href", ""))
            if "".join(href.split()).lower().startswith(SAFE_SCHEMES):
                out.append({"t": "Link", "c": [NO_ATTR, words, [href, ""]]})
            else:  # an internal anchor would point at a label the layout lacks
                out.extend(words)
        elif kind == "image":
            out.extend(_inlines(node.children, notes))
        elif kind == "footnote_ref":
            blocks = notes.get(int(node.meta.get("id", -1)), [])
            out.append({"t": "Note", "c": blocks or [{"t": "Para", "c": text("(empty note)")}]})
        else:
            out.extend(_inlines(node.children, notes))
    return out


def _table(node: SyntaxTreeNode, notes: dict[int, list[Node]]) -> Node:
    head = [r for part in node.children if part.type == "thead" for r in part.children]
    body = [r for part in node.children if part.type == "tbody" for r in part.children]
    first = head[0].children if head else (body[0].children if body else [])
    aligns = [_align(cell) for cell in first]

    def row(tr: SyntaxTreeNode) -> list[Any]:
        cells = []
        for i, cell in enumerate(tr.children):
            align = aligns[i] if i < len(aligns) else "AlignDefault"
            plain = {"t": "Plain", "c": _inline_of(cell, notes)}
            cells.append([NO_ATTR, {"t": align}, 1, 1, [plain]])
        # Every row as wide as the head: pandoc wants a rectangle.
        while len(cells) < len(aligns):
            cells.append([NO_ATTR, {"t": "AlignDefault"}, 1, 1, []])
        return [NO_ATTR, cells[: len(aligns)]]

    colspecs = [[{"t": a}, {"t": "ColWidthDefault"}] for a in aligns]
    return {
        "t": "Table",
        "c": [
            NO_ATTR,
            [None, []],
            colspecs,
            [NO_ATTR, [row(r) for r in head]],
            [[NO_ATTR, 0, [], [row(r) for r in body]]],
            [NO_ATTR, []],
        ],
    }


def _align(cell: SyntaxTreeNode) -> str:
    style = str(cell.attrs.get("style", ""))
    return _ALIGN.get(style.removeprefix("text-align:"), "AlignDefault")
