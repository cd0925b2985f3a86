"""A briefing as a pandoc document tree, built from untrusted Markdown safely.

Position texts are read by mdtree (the web page's parser, no raw passthrough),
then walked here: raw nodes, images and internal links are dropped, heading levels are
put under the position's own heading, and identifiers are cleared so no text can
clash with the layout's labels. The tree is then written as Typst or DOCX."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..rendering.markdown import SAFE_SCHEMES
from . import mdtree

Node = dict[str, Any]
NO_ATTR: list[Any] = ["", [], []]
# Where each node type keeps its attributes, so identifiers can be cleared.
ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Link": 0, "Table": 0}


def text_inlines(text: str) -> list[Node]:
    """Plain text as inlines: pandoc escapes it for the target, nothing is parsed."""
    out: list[Node] = []
    for i, word in enumerate(text.split()):
        if i:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def header(
    level: int, inlines: list[Node], ident: str = "", classes: list[str] | None = None
) -> Node:
    return {"t": "Header", "c": [level, [ident, classes or [], []], inlines]}


def meta_text(text: str) -> Node:
    return {"t": "MetaInlines", "c": text_inlines(text)}


def table(head: list[str], rows: list[list[str]]) -> Node:
    """A simple table of plain-text cells, in pandoc's table structure."""

    def row(cells: list[str]) -> list[Any]:
        return [
            NO_ATTR,
            [
                [NO_ATTR, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": text_inlines(c)}]]
                for c in cells
            ],
        ]

    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in head]
    return {
        "t": "Table",
        "c": [
            NO_ATTR,
            [None, []],
            colspecs,
            [NO_ATTR, [row(head)]],
            [[NO_ATTR, 0, [], [row(r) for r in rows]]],
            [NO_ATTR, []],
        ],
    }


# -- reading untrusted Markdown ------------------------------------------------


def parse_chunks(chunks: list[str]) -> list[list[Node]]:
    """Each Markdown text as cleaned pandoc blocks, read by mdtree (linear, bounded
    nesting); a text can never spill into the next, since each is read alone."""
    return [_clean_blocks(mdtree.read(chunk)) for chunk in chunks]


def _clean_blocks(blocks: list[Node]) -> list[Node]:
    levels = [b["c"][0] for b in _walk_all(blocks) if b.get("t") == "Header"]
    shift = 2 - min(levels) if levels else 0
    cleaned = _clean(blocks, shift)
    assert isinstance(cleaned, list)
    # PDF/UA forbids skipping a level (2 then 4): each heading is at most one
    # deeper than the one before it, starting under the position's level 1.
    previous = 1
    for node in _walk_all(cleaned):
        if node.get("t") == "Header":
            node["c"][0] = max(2, min(node["c"][0], previous + 1))
            previous = node["c"][0]
    return cleaned


def _walk_all(value: Any) -> Iterator[Node]:
    """Every node of a tree, in document order."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for v in value.values():
            yield from _walk_all(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_all(v)


def _safe_link(url: str) -> bool:
    candidate = "".join(url.split()).lower()
    return candidate.startswith(SAFE_SCHEMES)


def _clean(value: Any, shift: int) -> Any:
    """A copy of the tree with everything unsafe for the layout removed."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            replaced = _clean_node(item, shift) if isinstance(item, dict) and "t" in item else None
            if replaced is None:
                out.append(_clean(item, shift))
            else:
                out.extend(replaced)
        return out
    if isinstance(value, dict):
        return {k: _clean(v, shift) for k, v in value.items()}
    return value


def _clean_node(node: Node, shift: int) -> list[Any] | None:
    """A replacement list for nodes that must change, or None to keep and recurse."""
    kind = node["t"]
    if kind in ("RawBlock", "RawInline"):
        return []
    if kind == "Image":  # the compiler may not read files; the description stays
        return _clean(node["c"][1], shift)
    if kind == "Cite":
        return _clean(node["c"][1], shift)
    if kind == "Link" and not _safe_link(node["c"][2][0]):
        # Internal anchors would point at labels the layout does not have.
        return _clean(node["c"][1], shift)
    if kind in ATTR_AT:
        copy = _clean(dict(node), shift)
        attr_at = ATTR_AT[kind]
        copy["c"][attr_at] = ["", [], []] if kind != "Link" else NO_ATTR
        if kind == "Header":
            copy["c"][0] = min(copy["c"][0] + shift, 6)
        return [copy]
    return None


# -- the briefing --------------------------------------------------------------


def theme_line(names: list[str], *, typst: bool) -> Node:
    label = ", ".join(names) or "none"
    if typst:
        # Our own constant markup around escaped text: the layout styles the label.
        return para(
            [{"t": "RawInline", "c": ["typst", "#theme-label["]}]
            + text_inlines(label)
            + [{"t": "RawInline", "c": ["typst", "]"]}]
        )
    strong: list[Node] = [{"t": "Strong", "c": text_inlines("Themes:")}, {"t": "Space"}]
    return para(strong + text_inlines(label))


def parse_snapshot(snapshot: dict[str, Any]) -> list[list[Node]]:
    """The summary's blocks, then each position's, cleaned."""
    return parse_chunks([snapshot["summary"]] + [p["body"] for p in snapshot["positions"]])


def briefing_tree(
    snapshot: dict[str, Any],
    meta: dict[str, str],
    bodies: list[list[Node]],
    *,
    typst: bool,
) -> dict[str, Any]:
    """The whole briefing: summary, numbered positions with theme labels, theme table.

    meta holds the cover's facts (title, date, version...), passed to the layout
    template as text that pandoc escapes; bodies come from parse_snapshot."""
    positions = snapshot["positions"]
    names = {t["slug"]: t["name"] for t in snapshot["themes"]}
    blocks: list[Node] = []
    if bodies[0]:
        blocks.append(header(1, text_inlines("Summary"), "summary", ["unnumbered"]))
        blocks += bodies[0]
    for position, body in zip(positions, bodies[1:], strict=True):
        number = position["number"]
        heading = position["heading"] if typst else f"{number}. {position['heading']}"
        blocks.append(header(1, text_inlines(heading), f"position-{number}"))
        blocks.append(theme_line([names.get(s, s) for s in position["themes"]], typst=typst))
        blocks += body
    blocks.append(header(1, text_inlines("Themes at a glance"), "themes", ["unnumbered"]))
    rows = [
        [t["name"], ", ".join(str(n) for n in t["positions"]), str(len(t["positions"]))]
        for t in snapshot["themes"]
    ]
    blocks.append(table(["Theme", "Positions", "How many"], rows))
    if snapshot.get("annex"):
        blocks.append(
            header(1, text_inlines("Annex: consultation report"), "annex", ["unnumbered"])
        )
        blocks.append(
            para(text_inlines("What our reviewers said about the draft, and what we did about it."))
        )
        blocks.append(
            table(
                ["Position", "Stage", "Comment", "Decision", "What we did"],
                [
                    [r["position"], r["stage"], r["comment"], r["decision"], r["note"]]
                    for r in snapshot["annex"]
                ],
            )
        )
    return {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {key: meta_text(value) for key, value in meta.items() if value},
        "blocks": blocks,
    }
