# ruff: noqa: E501
"""Word-shaped files for the tests: python-docx drafts, and raw OOXML written with zipfile
for what python-docx cannot write (comments on ranges, replies, tracked changes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

import docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
)
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
<Override PartName="/word/commentsExtended.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>
</Relationships>"""
DOC_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>
<Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2011/relationships/commentsExtended" Target="commentsExtended.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

STYLES = (
    f'<w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="Heading1">'
    '<w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>'
)


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def heading(text: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{run(text)}</w:p>'


def para(*parts: str) -> str:
    """A paragraph of runs: plain strings become runs, markup from the helpers stays."""
    return "<w:p>" + "".join(p if p.startswith("<") else run(p) for p in parts) + "</w:p>"


def commented(cid: int, text: str) -> str:
    return (
        f'<w:commentRangeStart w:id="{cid}"/>{run(text)}<w:commentRangeEnd w:id="{cid}"/>'
        f'<w:r><w:commentReference w:id="{cid}"/></w:r>'
    )


def point_comment(cid: int) -> str:
    return f'<w:r><w:commentReference w:id="{cid}"/></w:r>'


def inserted(cid: int, text: str, author: str = "Jane Reviewer") -> str:
    return (
        f'<w:ins w:id="{cid}" w:author="{author}" w:date="2026-11-30T10:00:00Z">{run(text)}</w:ins>'
    )


def deleted(cid: int, text: str, author: str = "Jane Reviewer") -> str:
    return (
        f'<w:del w:id="{cid}" w:author="{author}" w:date="2026-11-30T10:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>'
    )


def reviewed_docx(
    body: Sequence[str],
    comments: Sequence[tuple[int, str, str]] = (),
    replies: Sequence[tuple[int, int]] = (),
    response_id: int | None = None,
) -> bytes:
    """comments: (id, author, words); replies: (reply id, id of the comment answered)."""
    document = f"<w:document {NAMESPACES}><w:body>{''.join(body)}</w:body></w:document>"
    parts = "".join(
        f'<w:comment w:id="{cid}" w:author="{escape(author)}" w:date="2026-11-30T09:00:00Z">'
        f'<w:p w14:paraId="{cid + 0x100:08X}">{run(words)}</w:p></w:comment>'
        for cid, author, words in comments
    )
    extended = "".join(
        f'<w15:commentEx w15:paraId="{reply + 0x100:08X}" '
        f'w15:paraIdParent="{parent + 0x100:08X}" w15:done="0"/>'
        for reply, parent in replies
    )
    props = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        f'name="tabled-response-id"><vt:lpwstr>{response_id}</vt:lpwstr></property></Properties>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/_rels/document.xml.rels", DOC_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", STYLES)
        z.writestr("word/comments.xml", f"<w:comments {NAMESPACES}>{parts}</w:comments>")
        z.writestr(
            "word/commentsExtended.xml",
            f"<w15:commentsEx {NAMESPACES}>{extended}</w15:commentsEx>",
        )
        if response_id is not None:
            z.writestr("docProps/custom.xml", props)
    return out.getvalue()


def draft_docx(
    title: str,
    sections: Sequence[tuple[str, Sequence[str]]],
    *,
    level: int = 1,
    title_property: bool = True,
) -> bytes:
    """A draft as Word writes it: a title, then a heading per position with paragraphs."""
    document = docx.Document()
    if title_property:
        document.core_properties.title = title
    else:
        document.add_heading(title, 0)
    for head, paragraphs in sections:
        document.add_heading(head, level)
        for text in paragraphs:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
