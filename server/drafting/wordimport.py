"""Reading a Word (.docx) file as a draft: checked first, converted by pandoc, split by heading.

A file is refused, with one reason, when it is too big, not a zip with
word/document.xml, encrypted (an OLE container, as Word writes protected files),
macro-enabled, or a zip bomb (judged from the zip directory before anything is
extracted). pandoc converts what passes to its document tree (JSON), which is
walked here: images become their alt text, headings split positions, a
"Themes: ..." paragraph under a heading gives themes. The tree goes back through
pandoc to CommonMark with footnotes and pipe tables, raw HTML off.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405  (only after the zip checks below)

from ..errors import Invalid, RenderFailed
from ..text.engines import run_pandoc
from .draftfile import THEMES_PREFIX, Draft, DraftFileError, DraftPosition, parse_draft

# Limits, stated in the README: a 60-position response with a few images is under 2 MB.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_RATIO = 100  # unpacked size / packed size, over the whole archive
MAX_ENTRIES = 2_000
MAX_XML_BYTES = 20 * 1024 * 1024  # any one XML part we parse ourselves
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TRACK_CHOICES = ("accept", "reject")
NOT_NAMED = "Not yet named"
NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}


class WordFileRefused(Invalid):
    """The uploaded file cannot be read safely as a Word document."""


@dataclass
class WordDraft:
    draft: Draft
    level: int  # the heading level that gave positions
    warnings: list[str] = field(default_factory=list)


def open_docx(data: bytes) -> zipfile.ZipFile:
    """The file as a zip, after every check that needs no extraction."""
    if len(data) > MAX_FILE_BYTES:
        raise WordFileRefused(
            f"the file is {len(data) / 1048576:.1f} MB; a Word file may be at most "
            f"{MAX_FILE_BYTES // 1048576} MB (take out large images)",
            field="file",
        )
    if data.startswith(OLE_SIGNATURE):
        raise WordFileRefused(
            "the file is encrypted or password-protected (or an old .doc): "
            "save it from Word as an unprotected .docx",
            field="file",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WordFileRefused("the file is not a Word .docx document", field="file") from None
    if len(entries) > MAX_ENTRIES:
        raise WordFileRefused(f"the file has more than {MAX_ENTRIES:,} parts", field="file")
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(packed, 1):
        raise WordFileRefused(
            "the file unpacks to far more than its size (a zip bomb?); it was not opened",
            field="file",
        )
    names = {e.filename for e in entries}
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in _part(
        archive, "[Content_Types].xml"
    ):
        raise WordFileRefused(
            "the file contains macros (.docm); save it as a plain .docx without macros",
            field="file",
        )
    if "word/document.xml" not in names:
        raise WordFileRefused("the file is a zip but not a Word document", field="file")
    return archive


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > MAX_XML_BYTES:
        raise WordFileRefused(f"the part {name} is too large to read", field="file")
    return archive.read(info)


def xml_part(archive: zipfile.ZipFile, name: str) -> ET.Element | None:
    """A part parsed, or None when absent; a DOCTYPE (entity tricks) is refused."""
    raw = _part(archive, name)
    if not raw:
        return None
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise WordFileRefused(f"the part {name} declares entities; it was not read", field="file")
    try:
        return ET.fromstring(raw)  # noqa: S314  (no DTD: checked above)
    except ET.ParseError:
        raise WordFileRefused(f"the part {name} is broken XML", field="file") from None


def core_title(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(title, subject) from the document properties, '' when unset."""
    root = xml_part(archive, "docProps/core.xml")
    if root is None:
        return "", ""
    title = root.findtext("dc:title", "", NS) or ""
    subject = root.findtext("dc:subject", "", NS) or ""
    return " ".join(title.split()), " ".join(subject.split())


def stringify(inlines: list[Any]) -> str:
    """The plain words of pandoc inlines (enough for titles and the themes line)."""
    out: list[str] = []
    for item in inlines:
        kind, content = item.get("t"), item.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps"):
            out.append(stringify(content))
        elif kind in ("Span", "Link", "Quoted", "Image"):
            out.append(stringify(content[1] if kind in ("Span", "Quoted") else content[1]))
        elif kind == "Code":
            out.append(content[1])
    return " ".join("".join(out).split())


def _images_to_alt(node: Any, warnings: list[str]) -> Any:
    """Every Image replaced by its alt text (bounded: one pass over the tree)."""
    if isinstance(node, list):
        result: list[Any] = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Image":
                alt = stringify(item["c"][1])
                warnings.append(
                    f"an image was left out and replaced by its description: {alt!r}"
                    if alt
                    else "an image with no description was left out"
                )
                if alt:
                    result.append({"t": "Emph", "c": [{"t": "Str", "c": f"Image: {alt}"}]})
            else:
                result.append(_images_to_alt(item, warnings))
        return result
    if isinstance(node, dict):
        return {k: _images_to_alt(v, warnings) for k, v in node.items()}
    return node


def _tree(data: bytes, track: str) -> dict[str, Any]:
    if track not in TRACK_CHOICES:
        raise Invalid("tracked changes are either accepted or rejected", field="track_changes")
    try:
        raw = run_pandoc(["-f", "docx", "-t", "json", f"--track-changes={track}"], data)
        tree: dict[str, Any] = json.loads(raw)
        return tree
    except (RenderFailed, ValueError) as exc:
        reason = exc.message if isinstance(exc, RenderFailed) else "unreadable output"
        raise WordFileRefused(f"the Word file could not be converted: {reason}") from None


def to_markdown(blocks: list[Any], api: Any) -> str:
    """pandoc blocks to CommonMark with footnotes and tables; no raw HTML comes out."""
    if not blocks:
        return ""
    doc = json.dumps({"pandoc-api-version": api, "meta": {}, "blocks": blocks})
    out = run_pandoc(
        ["-f", "json", "-t", "gfm-raw_html+footnotes", "--wrap=none"], doc.encode("utf-8")
    )
    return out.decode("utf-8").strip()


def position_level(headers: list[int]) -> int:
    """The highest heading level used more than once, else the highest used."""
    repeated = [level for level in set(headers) if headers.count(level) > 1]
    return min(repeated) if repeated else min(headers)


def read_word(
    data: bytes, *, track: str = "accept", level: int | None = None, responding_to: str = ""
) -> WordDraft:
    """A Word file as a draft: title, summary (text before the first position), positions."""
    archive = open_docx(data)
    title, subject = core_title(archive)
    tree = _tree(data, track)
    warnings: list[str] = []
    blocks: list[Any] = _images_to_alt(tree.get("blocks", []), warnings)
    api = tree.get("pandoc-api-version")
    meta_title = tree.get("meta", {}).get("title", {})
    if not title and meta_title.get("t") == "MetaInlines":
        title = stringify(meta_title["c"])
    headers = [b["c"][0] for b in blocks if b.get("t") == "Header"]
    if not title and blocks and blocks[0].get("t") == "Header" and headers.count(headers[0]) == 1:
        title = stringify(blocks[0]["c"][2])  # the first heading, used once: the title
        blocks, headers = blocks[1:], headers[1:]
    if not headers:
        raise WordFileRefused(
            "the document has no headings: give each position a Heading style in Word",
            field="file",
        )
    chosen = level or position_level(headers)
    if chosen not in headers:
        raise Invalid(f"no heading at level {chosen} in the document", field="level")
    if not title:
        raise WordFileRefused(
            "the document has no title: set one in File > Info or as a Title paragraph",
            field="file",
        )
    starts = [i for i, b in enumerate(blocks) if b.get("t") == "Header" and b["c"][0] == chosen]
    if blocks[: starts[0]] and any(b.get("t") == "Header" for b in blocks[: starts[0]]):
        warnings.append("headings above the first position were kept as text in the summary")
    summary = to_markdown(_demote(blocks[: starts[0]], chosen), api)
    positions: list[DraftPosition] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        heading = stringify(blocks[start]["c"][2])
        body = blocks[start + 1 : end]
        themes: list[str] = []
        if body and body[0].get("t") == "Para":
            first = stringify(body[0]["c"])
            if first.lower().startswith(THEMES_PREFIX):
                themes = [t.strip() for t in first.split(":", 1)[1].split(",") if t.strip()]
                body = body[1:]
        text = to_markdown(_demote(body, chosen), api)
        positions.append(DraftPosition(heading or f"Position {n + 1}", text, themes, 0, 0))
    draft = Draft(
        title=title,
        rt_title=responding_to.strip() or subject or NOT_NAMED,
        summary=summary,
        positions=positions,
    )
    return WordDraft(draft, chosen, warnings)


def _demote(blocks: list[Any], chosen: int) -> list[Any]:
    """Headings inside a position sit below the draft file's '## ' position headings."""
    out = []
    for block in blocks:
        if block.get("t") == "Header":
            level, attr, inlines = block["c"]
            block = {"t": "Header", "c": [min(6, max(3, level - chosen + 2)), attr, inlines]}
        out.append(block)
    return out


def read_upload(
    filename: str,
    data: bytes,
    *,
    track: str = "accept",
    level: int | None = None,
    responding_to: str = "",
) -> WordDraft:
    """An uploaded .md draft file or .docx, read as a draft; nothing is written."""
    name = filename.lower()
    if name.endswith(".docx"):
        return read_word(data, track=track, level=level, responding_to=responding_to)
    if name.endswith((".md", ".markdown", ".txt")):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise WordFileRefused("the draft file is not UTF-8 text", field="file") from None
        try:
            draft = parse_draft(text)
        except DraftFileError as exc:
            raise WordFileRefused(f"the draft file: {exc}", field="file") from None
        return WordDraft(draft, 2)
    raise WordFileRefused("upload a Word file (.docx) or a draft file (.md)", field="file")
