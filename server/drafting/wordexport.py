"""The review copy: a response's current revision as a Word document, for people who
review in Word. Positions are Heading 1; the response id and revision travel inside
the file as custom document properties (docProps/custom.xml), which pandoc writes
from metadata, so a reviewed copy can be matched to the response it came from."""

from __future__ import annotations

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


def review_markdown(session: Session, response: Response) -> str:
    """Each position as a level-1 heading and its text (its own headings pushed below)."""
    parts: list[str] = []
    for position in positions_of(session, response.id or 0):
        heading = " ".join(position.heading.split()).replace("#", "\\#")
        parts.append(f"# {heading}\n\n{position.body.strip()}\n")
    return "\n".join(parts)


def review_docx(session: Session, response: Response) -> bytes:
    """The .docx bytes; pandoc runs with its limits (engines.py), outside any write."""
    args = [
        "-f",
        MARKDOWN_IN,
        "-t",
        "docx",
        "--shift-heading-level-by=0",
        "-M",
        f"title={response.title}",
        "-M",
        f"{RESPONSE_PROPERTY}={response.id}",
        "-M",
        f"{REVISION_PROPERTY}={response.revision}",
        "-o",
        "-",
    ]
    return run_pandoc(args, review_markdown(session, response).encode("utf-8"))
