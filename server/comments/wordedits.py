"""Edits made in a reviewed Word copy without tracking changes, found by comparing it
with the copy as it was made.

A review copy names the revision it was made from (wordreview.REVISION_PROPERTY), so
the same copy can be made again from that revision's snapshot. Both are read the same
way (wordreview.read_texts: the text before tracked changes, per position heading):
where the two differ, the reviewer typed over the text without tracking. That
position's text as the reviewed copy has it - tracked changes left out, since each of
those becomes a suggestion of its own - is offered as a whole-position suggested edit,
made against the exported revision, so it is never accepted over a later redraft.

The reading and comparing is pure (untracked_edits); find_untracked reads the one
revision it needs and runs pandoc before anything is written.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..drafting.revisions import get_revision
from ..drafting.wordexport import REVISION_PROPERTY, copy_docx, sections_markdown
from ..drafting.wordimport import (
    NS,
    WordFileRefused,
    _tree,
    open_docx,
    stringify,
    to_markdown,
    xml_part,
)
from ..drafting.wordimport import _demote as demote
from ..errors import NotFound
from . import anchors
from .wordreview import Mark, custom_properties, read_review, read_texts

EDIT = "edit"
LABEL = "Edits made without tracking changes"


def exported_revision(data: bytes) -> int | None:
    """The revision a review copy was made from, or None if it does not say."""
    props = custom_properties(xml_part(open_docx(data), "docProps/custom.xml"))
    value = props.get(REVISION_PROPERTY, "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _last_editor(data: bytes) -> str:
    root = xml_part(open_docx(data), "docProps/core.xml")
    if root is None:
        return ""
    name = root.findtext("cp:lastModifiedBy", "", NS) or ""
    return " ".join(name.split())[:200]


def _changed(reviewed: dict[str, str], exported: dict[str, str]) -> list[str]:
    """Position headings whose text differs between the two copies, in document order."""
    return [
        heading
        for heading, text in reviewed.items()
        if heading
        and heading in exported
        and anchors.squeeze(text) != anchors.squeeze(exported[heading])
    ]


def _sections_markdown(data: bytes) -> tuple[dict[str, list[Any]], Any]:
    """Each Heading 1's blocks, with tracked changes left out (pandoc, rejecting them)."""
    tree = _tree(data, "reject")
    sections: dict[str, list[Any]] = {}
    current: list[Any] | None = None
    for block in tree.get("blocks", []):
        if block.get("t") == "Header" and block["c"][0] == 1:
            current = sections.setdefault(" ".join(stringify(block["c"][2]).split()), [])
        elif current is not None:
            current.append(block)
    return sections, tree.get("pandoc-api-version")


def untracked_edits(
    data: bytes, exported: bytes, revision: int
) -> tuple[list[Mark], list[dict[str, object]]]:
    """(a whole-position suggestion per position edited without tracking, what was
    skipped and why); no database."""
    reviewed_texts, exported_texts = read_texts(data), read_texts(exported)
    skipped: list[dict[str, object]] = [
        {
            "item": f"{LABEL} under “{heading[:80]}”",
            "reason": "the heading is not in the copy as it was made (was it retyped?); "
            "compare the copy by hand",
        }
        for heading in reviewed_texts
        if heading and heading not in exported_texts
    ]
    changed = _changed(reviewed_texts, exported_texts)
    if not changed:
        return [], skipped
    sections, api = _sections_markdown(data)
    editor = _last_editor(data)
    marks = []
    for heading in changed:
        markdown = to_markdown(demote(sections.get(heading, []), 1), api)
        mark = Mark(EDIT, f"{EDIT}:{heading}", editor, "", heading, inserted=markdown)
        mark.revision = revision
        marks.append(mark)
    return marks, skipped


def find_untracked(
    session: Session, response_id: int, data: bytes
) -> tuple[list[Mark], list[dict[str, object]]]:
    """The untracked edits in a reviewed copy of this response. A copy that does not
    name its revision (not made by Tabled) has nothing to compare with: none."""
    revision = exported_revision(data)
    if revision is None:
        return [], []
    try:
        stored = get_revision(session, response_id, revision)
    except NotFound:
        raise WordFileRefused(
            f"the copy names revision {revision}, which this response does not have",
            field="file",
        ) from None
    snapshot = stored.snapshot
    sections = [(p["heading"], p["body"]) for p in snapshot.get("positions", [])]
    title = str(snapshot.get("title", ""))
    session.rollback()  # reads done: pandoc runs outside any transaction
    exported = copy_docx(title, response_id, revision, sections_markdown(sections))
    return untracked_edits(data, exported, revision)


def read_reviewed_copy(
    session: Session, response_id: int, data: bytes
) -> tuple[list[Mark], list[dict[str, object]]]:
    """Everything a reviewed copy holds - comments, replies, tracked changes and
    untracked edits - read before anything is written; and what cannot be taken."""
    marks = read_review(data, response_id)
    edits, skipped = find_untracked(session, response_id, data)
    return marks + edits, skipped
