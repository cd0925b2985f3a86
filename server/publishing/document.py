"""A briefing as a pandoc document tree, built from untrusted Markdown safely.

Position texts are read by mdtree (the web page's parser, no raw passthrough),
then walked here: raw nodes, images and internal links are dropped, heading levels are
put under the position's own heading, and identifiers are cleared so no text can
clash with the layout's labels. The tree is then written as Typst or DOCX."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..text.markdown import SAFE_SCHEMES
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


def meta_code(code: str) -> Node:
    """A meta value the Typst layout uses as code: only for what typst_string made
    or for our own fixed words, never raw user text."""
    return {"t": "MetaInlines", "c": [{"t": "RawInline", "c": ["typst", code]}]}


def typst_string(text: str) -> str:
    """Text as a Typst string literal: quotes and backslashes escaped, control
    characters dropped, so the literal can never end early."""
    kept = "".join(c for c in text if c.isprintable())
    return '"' + kept.replace("\\", "\\\\").replace('"', '\\"') + '"'


ALIGN = {"L": "AlignLeft", "R": "AlignRight", "C": "AlignCenter"}


def table(
    head: list[str],
    rows: list[list[str]],
    aligns: list[str] | None = None,
    widths: list[float] | None = None,
) -> Node:
    """A table of plain-text cells in pandoc's structure; aligns are "L", "R" or
    "C" per column (left by default), widths fractions of the line."""
    kinds = [ALIGN[a] for a in aligns] if aligns else ["AlignLeft"] * len(head)

    def row(cells: list[str]) -> list[Any]:
        return [
            NO_ATTR,
            [
                [NO_ATTR, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": text_inlines(c)}]]
                for c in cells
            ],
        ]

    colspecs = [
        [{"t": kind}, {"t": "ColWidth", "c": w} if widths else {"t": "ColWidthDefault"}]
        for kind, w in zip(kinds, widths or [0.0] * len(head), strict=True)
    ]
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
    """The summary's blocks, then each position's, cleaned. A position whose HTML the
    snapshot leaves to the renderer (no "body_html") gets it here, from the same parse."""
    bodies = parse_chunks([snapshot["summary"]])
    for p in snapshot["positions"]:
        if "body_html" in p:
            bodies.append(_clean_blocks(mdtree.read(p["body"])))
            continue
        blocks, p["body_html"] = mdtree.read_with_html(p["body"], f"p{p['number']}")
        bodies.append(_clean_blocks(blocks))
    return bodies


LONG_BRIEFING = 8  # positions: a longer briefing gets a table of contents


def needs_contents(snapshot: dict[str, Any]) -> bool:
    return len(snapshot["positions"]) > LONG_BRIEFING


WORD_PAGE_BREAK: Node = {
    "t": "RawBlock",
    "c": ["openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'],
}


def raw(text: str, *, typst: bool) -> list[Node]:
    """Our own constant Typst markup (never user text), or nothing for other formats."""
    return [{"t": "RawBlock", "c": ["typst", text]}] if typst else []


def key_positions(positions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The positions the director marked as key asks (snapshots before marking: none)."""
    return [p for p in positions if p.get("key")]


def key_ask_label(position: dict[str, Any]) -> str:
    return f"{position['heading']} (position {position['number']})"


def key_asks(summary: list[Node], positions: list[dict[str, Any]]) -> tuple[list[Node], Node]:
    """The summary to print, and the "key asks" list: the positions marked as key
    when any are (each with its number, for citing; the summary stays whole), else
    the summary's first list, taken out of it, else each position's heading, numbered."""
    marked = key_positions(positions)
    if marked:
        items = [[{"t": "Plain", "c": text_inlines(key_ask_label(p))}] for p in marked]
        return summary, {"t": "BulletList", "c": items}
    for i, block in enumerate(summary):
        if block.get("t") in ("BulletList", "OrderedList"):
            return summary[:i] + summary[i + 1 :], block
    items = [[{"t": "Plain", "c": text_inlines(p["heading"])}] for p in positions]
    start = positions[0]["number"] if positions else 1
    ordered: Node = {
        "t": "OrderedList",
        "c": [[start, {"t": "Decimal"}, {"t": "Period"}], items],
    }
    return summary, ordered


def paragraph_number(position: int, paragraph: int) -> str:
    return f"{position}.{paragraph}"


def numbered(body: list[Node], position: int, *, typst: bool) -> list[Node]:
    """The position's top-level paragraphs numbered position.paragraph (1.1, 1.2...),
    so readers can cite "paragraph 2.3"; HTML counts the same paragraphs
    (html_numbers.py)."""
    out: list[Node] = []
    count = 0
    for block in body:
        if block.get("t") != "Para":
            out.append(block)
            continue
        count += 1
        label = paragraph_number(position, count)
        if typst:
            mark: Node = {"t": "RawInline", "c": ["typst", f"#pnum[{label}]"]}
            out.append(para([mark] + block["c"]))
        else:
            span: Node = {
                "t": "Span",
                "c": [["", [], [["custom-style", "Paragraph Number"]]], [{"t": "Str", "c": label}]],
            }
            out.append(para([span, {"t": "Space"}] + block["c"]))
    return out


def _line_breaks(lines: list[list[Node]]) -> list[Node]:
    out: list[Node] = []
    for i, line in enumerate(lines):
        if i:
            out.append({"t": "LineBreak"})
        out += line
    return out


def _themes_table(snapshot: dict[str, Any]) -> Node:
    rows = [
        [t["name"], ", ".join(str(n) for n in t["positions"]), str(len(t["positions"]))]
        for t in snapshot["themes"]
    ]
    return table(["Theme", "Positions", "How many"], rows, aligns=["L", "L", "R"])


def briefing_tree(
    snapshot: dict[str, Any],
    meta: dict[str, Any],
    bodies: list[list[Node]],
    *,
    typst: bool,
) -> dict[str, Any]:
    """The whole briefing: the first page (summary, key asks, themes at a glance,
    contents when long), then the numbered positions, then the annex.

    meta holds the cover's facts (title, date, version...), passed to the layout
    template as text that pandoc escapes (or as a ready meta node, for the few
    values the layout uses as Typst code); bodies come from parse_snapshot."""
    positions = snapshot["positions"]
    names = {t["slug"]: t["name"] for t in snapshot["themes"]}
    blocks: list[Node] = []
    lead, asks = key_asks(bodies[0], positions)
    if lead:
        blocks.append(header(1, text_inlines("Summary"), "summary", ["unnumbered"]))
        blocks += lead
    if asks["c"] if asks["t"] == "BulletList" else asks["c"][1]:
        blocks += raw("#key-asks[", typst=typst)
        if typst:
            blocks.append(header(1, text_inlines("Key asks"), "key-asks", ["unnumbered"]))
            blocks.append(asks)
        else:
            style = [["custom-style", "Key Asks"]]
            inner = [para([{"t": "Strong", "c": text_inlines("Key asks")}]), asks]
            blocks.append({"t": "Div", "c": [["key-asks", [], style], inner]})
        blocks += raw("]", typst=typst)
    if snapshot["themes"]:
        blocks.append(header(1, text_inlines("Themes at a glance"), "themes", ["unnumbered"]))
        blocks.append(_themes_table(snapshot))
    if needs_contents(snapshot):
        if typst:
            blocks += raw("#contents", typst=typst)
        else:
            blocks.append(header(1, text_inlines("Contents"), "contents", ["unnumbered"]))
            blocks.append(
                {
                    "t": "Para",
                    "c": _line_breaks(
                        [text_inlines(f"{p['number']}. {p['heading']}") for p in positions]
                    ),
                }
            )
    blocks += raw("#pagebreak(weak: true)\n#metadata(none) <positions>", typst=typst)
    blocks += [] if typst else [WORD_PAGE_BREAK]  # the positions start a new page in Word too
    for position, body in zip(positions, bodies[1:], strict=True):
        number = position["number"]
        heading = position["heading"] if typst else f"{number}. {position['heading']}"
        blocks.append(header(1, text_inlines(heading), f"position-{number}"))
        blocks.append(theme_line([names.get(s, s) for s in position["themes"]], typst=typst))
        blocks += numbered(body, number, typst=typst)
    if snapshot.get("questions"):
        blocks.append(header(1, text_inlines("Questions answered"), "questions", ["unnumbered"]))
        answered = [
            [
                q["ref"],
                q["text"],
                ", ".join(str(n) for n in q["positions"])
                or (f"Not answered: {q['not_answering']}" if q["not_answering"] else ""),
            ]
            for q in snapshot["questions"]
        ]
        blocks.append(table(["Question", "Asked", "Answered in positions"], answered))
    if snapshot.get("annex"):
        blocks += annex_blocks(snapshot["annex"], typst=typst)
    return {
        "pandoc-api-version": [1, 23, 1, 1],
        "meta": {
            key: value if isinstance(value, dict) else meta_text(value)
            for key, value in meta.items()
            if value
        },
        "blocks": blocks,
    }


def annex_blocks(rows: list[dict[str, str]], *, typst: bool) -> list[Node]:
    """The consultation report: one entry per comment - position, stage and
    decision on a line, then the comment and what was done - readable at any
    width, where a five-column table breaks words into narrow columns."""
    blocks: list[Node] = raw("#pagebreak(weak: true)", typst=typst)
    blocks.append(header(1, text_inlines("Annex: consultation report"), "annex", ["unnumbered"]))
    blocks.append(
        para(text_inlines("What our reviewers said about the draft, and what we did about it."))
    )
    blocks.append(
        table(
            ["Position", "Comment", "What we did"],
            [
                [
                    f"{r['position']} ({r['stage']})",
                    r["comment"],
                    f"{r['decision']}: {r['note']}" if r["note"] else r["decision"],
                ]
                for r in rows
            ],
            widths=[0.22, 0.43, 0.35],
        )
    )
    return blocks
