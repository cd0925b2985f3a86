"""Taking a reviewed Word copy back: its comments, replies and tracked changes as Tabled comments.

The Word XML is read directly (pandoc drops comments on a point and the threads):
word/document.xml gives, per position (found by its heading), the text as it was
exported (deleted words kept, inserted words left out), where each comment's
range starts and ends in it, and each tracked change; word/comments.xml gives the
comments' words; word/commentsExtended.xml links replies to their comments. Each
quote is found again in the current text by the comment anchoring (anchors.locate),
so a passage that moved since the export still gets its comment.

Bounds: at most MAX_ITEMS comments and changes per file; each is one locate().
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET  # noqa: S405  (parts come through xml_part)

from ..drafting.wordexport import RESPONSE_PROPERTY
from ..drafting.wordimport import WordFileRefused, open_docx, xml_part
from . import anchors

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
MAX_ITEMS = 500


@dataclass
class Mark:
    """A Word comment or tracked change, located in the exported text of a position."""

    kind: str  # "comment" or "change"
    word_id: str
    author: str
    date: str
    heading: str  # the position heading it sits under ("" before any)
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    inserted: str = ""  # changes: the words put in place of the quote
    body: str = ""  # comments: their words
    parent: str = ""  # replies: the Word id of the comment answered
    # Untracked edits: the revision the copy was made from, which the suggestion is
    # made against (so it is never accepted over a later redraft).
    revision: int | None = None

    def fingerprint(self) -> str:
        parts = (self.kind, self.author, self.date, self.heading, self.quote, self.inserted)
        return hashlib.sha256("\x1f".join((*parts, self.body)).encode()).hexdigest()


@dataclass
class Outcome:
    added: list[dict[str, object]] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)


class _Reader:
    """One pass over document.xml: texts per heading, comment ranges, changes."""

    def __init__(self) -> None:
        self.heading = ""
        self.texts: dict[str, str] = {}
        self.open: dict[str, tuple[str, int]] = {}  # comment id -> heading, start
        self.ranges: dict[str, tuple[str, int, int]] = {}
        self.changes: list[tuple[str, int, int, str, str, str, str]] = []
        self.points: dict[str, str] = {}  # comment referenced with no range: heading

    def _text(self) -> str:
        return self.texts.get(self.heading, "")

    def paragraph(self, p: ET.Element) -> None:
        style = p.find(f"{W}pPr/{W}pStyle")
        name = (style.get(f"{W}val", "") if style is not None else "").lower()
        words = "".join(t.text or "" for t in p.iter(f"{W}t"))
        # Positions are Heading 1 in a review copy; deeper headings are their text.
        if name in ("heading1", "heading 1", "title", "subtitle"):
            self.heading = " ".join(words.split()) if name.startswith("heading") else ""
            self.texts.setdefault(self.heading, "")
            return
        text = self._text()
        if text:
            text += " "
        change: dict[str, object] = {}  # the open change: where, what went in, who

        def flush() -> None:
            if change:
                self.changes.append(
                    (
                        self.heading,
                        int(str(change["start"])),
                        int(str(change["end"])),
                        str(change["inserted"]),
                        str(change["author"]),
                        str(change["date"]),
                        str(change["id"]),
                    )
                )
                change.clear()

        def walk(node: ET.Element, mode: str) -> None:
            nonlocal text
            for child in node:
                tag = child.tag
                if tag == f"{W}ins" or tag == f"{W}del":
                    kind = "ins" if tag == f"{W}ins" else "del"
                    if not change:
                        change.update(
                            start=len(text),
                            end=len(text),
                            inserted="",
                            id=child.get(f"{W}id", ""),
                            author=child.get(f"{W}author", ""),
                            date=child.get(f"{W}date", ""),
                        )
                    walk(child, kind)
                    continue
                if tag == f"{W}r" and mode == "normal" and change and _has_text(child):
                    flush()
                if tag in (f"{W}t", f"{W}delText") and child.text:
                    if mode == "ins":
                        change["inserted"] = str(change["inserted"]) + child.text
                    else:
                        text += child.text
                        if mode == "del":
                            change["end"] = len(text)
                elif tag in (f"{W}tab", f"{W}br"):
                    if mode != "ins":
                        text += " "
                elif tag == f"{W}commentRangeStart":
                    self.open[child.get(f"{W}id", "")] = (self.heading, len(text))
                elif tag == f"{W}commentRangeEnd":
                    cid = child.get(f"{W}id", "")
                    if cid in self.open:
                        heading, start = self.open.pop(cid)
                        if heading == self.heading:
                            self.ranges[cid] = (heading, start, len(text))
                elif tag == f"{W}commentReference":
                    cid = child.get(f"{W}id", "")
                    if cid not in self.ranges and cid not in self.open:
                        self.points[cid] = self.heading
                else:
                    walk(child, mode)

        walk(p, "normal")
        flush()
        self.texts[self.heading] = text


def _has_text(run: ET.Element) -> bool:
    return any((t.text or "") for t in run.iter(f"{W}t"))


def _comment_texts(root: ET.Element | None) -> dict[str, tuple[str, str, str, str]]:
    """Word comment id -> (author, date, words, paraId of its last paragraph)."""
    found: dict[str, tuple[str, str, str, str]] = {}
    if root is None:
        return found
    for c in root.iter(f"{W}comment"):
        paras = c.findall(f"{W}p")
        words = "\n\n".join(
            " ".join("".join(t.text or "" for t in p.iter(f"{W}t")).split()) for p in paras
        ).strip()
        last = paras[-1].get(f"{W14}paraId", "") if paras else ""
        found[c.get(f"{W}id", "")] = (c.get(f"{W}author", ""), c.get(f"{W}date", ""), words, last)
    return found


def _parents(root: ET.Element | None) -> dict[str, str]:
    """paraId of a reply -> paraId of the comment it answers."""
    if root is None:
        return {}
    return {
        e.get(f"{W15}paraId", ""): e.get(f"{W15}paraIdParent", "")
        for e in root.iter(f"{W15}commentEx")
        if e.get(f"{W15}paraIdParent")
    }


def custom_properties(archive_root: ET.Element | None) -> dict[str, str]:
    props: dict[str, str] = {}
    if archive_root is None:
        return props
    for prop in archive_root:
        value = "".join(prop.itertext()).strip()
        props[prop.get("name", "")] = value
    return props


def _word_before(text: str, start: int) -> int:
    at = start
    while at > 0 and text[at - 1].isspace():
        at -= 1
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def _read_document(archive: zipfile.ZipFile) -> _Reader:
    document = xml_part(archive, "word/document.xml")
    assert document is not None  # open_docx checked it is there
    reader = _Reader()
    for p in document.iter(f"{W}p"):
        reader.paragraph(p)
    return reader


def read_texts(data: bytes) -> dict[str, str]:
    """Position heading -> its text before tracked changes (deleted words kept,
    inserted ones left out), in document order."""
    return _read_document(open_docx(data)).texts


def read_review(data: bytes, response_id: int) -> list[Mark]:
    """Every comment and change of a reviewed copy, in document order; no database."""
    archive = open_docx(data)
    props = custom_properties(xml_part(archive, "docProps/custom.xml"))
    named = props.get(RESPONSE_PROPERTY, "")
    if named and named != str(response_id):
        raise WordFileRefused(
            f"this review copy is of response {named}, not of response {response_id}",
            field="file",
        )
    reader = _read_document(archive)
    comments = _comment_texts(xml_part(archive, "word/comments.xml"))
    parents = _parents(xml_part(archive, "word/commentsExtended.xml"))
    by_para = {v[3]: k for k, v in comments.items() if v[3]}
    marks: list[Mark] = []
    for cid, (author, date, words, para) in comments.items():
        mark = Mark("comment", cid, author, date, "", body=words)
        parent_para = parents.get(para, "")
        if parent_para and parent_para in by_para:
            mark.parent = by_para[parent_para]
        elif cid in reader.ranges:
            heading, start, end = reader.ranges[cid]
            text = reader.texts[heading]
            context = anchors.context_at(text, start, end)
            mark.heading, mark.quote = heading, anchors.squeeze(text[start:end])
            mark.prefix, mark.suffix = context.prefix, context.suffix
        else:
            mark.heading = reader.points.get(cid, "")
        marks.append(mark)
    for heading, start, end, inserted, author, date, wid in reader.changes:
        text = reader.texts[heading]
        if not text[start:end].strip():  # nothing replaced: the word before is the anchor
            start = _word_before(text, start)
            inserted = text[start:end] + inserted
        elif not inserted.strip():  # words taken out: keep the word before them
            before = _word_before(text, start)
            inserted, start = text[before:start], before
        context = anchors.context_at(text, start, end)
        marks.append(
            Mark(
                "change",
                wid,
                author,
                date,
                heading,
                quote=anchors.squeeze(text[start:end]),
                prefix=context.prefix,
                suffix=context.suffix,
                inserted=anchors.squeeze(inserted),
            )
        )
    if len(marks) > MAX_ITEMS:
        raise WordFileRefused(
            f"the file has {len(marks):,} comments and changes; at most {MAX_ITEMS} at a time",
            field="file",
        )
    return marks
