"""The review copy: a response's current revision as a Word document, for people who
review in Word. Positions are Heading 1; the response id and revision travel inside
the file as custom document properties (docProps/custom.xml), which pandoc writes
from metadata, so a reviewed copy can be matched to the response it came from - and
the same copy made again from that revision, to find edits made without tracking."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from ..models import Response
from ..text.engines import run_pandoc
from .responses import positions_of

# The draft's own Markdown dialect, with every raw passthrough off.
MARKDOWN_IN = "commonmark_x-raw_attribute-raw_html+footnotes+pipe_tables"
# The custom properties naming the copy's response and revision; comments/wordreview.py
# reads them back from a reviewed copy.
RESPONSE_PROPERTY = "tabled-response-id"
REVISION_PROPERTY = "tabled-revision"


def sections_markdown(sections: Sequence[tuple[str, str]]) -> str:
    """Each (heading, body) as a level-1 heading and its text (its own headings below)."""
    parts: list[str] = []
    for heading, body in sections:
        shown = " ".join(heading.split()).replace("#", "\\#")
        parts.append(f"# {shown}\n\n{body.strip()}\n")
    return "\n".join(parts)


def review_markdown(session: Session, response: Response) -> str:
    positions = positions_of(session, response.id or 0)
    return sections_markdown([(p.heading, p.body) for p in positions])


def copy_docx(title: str, response_id: int, revision: int, markdown: str) -> bytes:
    """The .docx bytes; pandoc runs with its limits (engines.py), outside any write."""
    args = [
        "-f",
        MARKDOWN_IN,
        "-t",
        "docx",
        "--shift-heading-level-by=0",
        "-M",
        f"title={title}",
        "-M",
        f"{RESPONSE_PROPERTY}={response_id}",
        "-M",
        f"{REVISION_PROPERTY}={revision}",
        "-o",
        "-",
    ]
    return run_pandoc(args, markdown.encode("utf-8"))


def review_docx(session: Session, response: Response) -> bytes:
    return copy_docx(
        response.title, response.id or 0, response.revision, review_markdown(session, response)
    )
