"""Finding edits made without tracking changes: the reviewed copy against the copy as made."""

import io
import zipfile

from server.comments.wordedits import exported_revision, untracked_edits
from server.drafting.wordexport import copy_docx, sections_markdown

SECTIONS = [
    ("Shared platforms", "Councils should *share* platforms.\n\n- one\n- two"),
    ("Skills", "Invest in digital skills."),
]


def _copy() -> bytes:
    return copy_docx("Our response", 7, 3, sections_markdown(SECTIONS))


def _replace(data: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {n: source.read(n) for n in source.namelist()}
    document = files["word/document.xml"].decode()
    assert old in document
    files["word/document.xml"] = document.replace(old, new, 1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, part in files.items():
            z.writestr(name, part)
    return out.getvalue()


def test_the_copy_names_the_revision_it_was_made_from():
    assert exported_revision(_copy()) == 3


def test_the_same_copy_has_no_untracked_edits():
    assert untracked_edits(_copy(), _copy(), 3) == ([], [])


def test_an_edited_position_gives_its_whole_text_as_markdown():
    edited = _replace(_copy(), "Invest in digital skills.", "Invest far more in skills.")
    marks, skipped = untracked_edits(edited, _copy(), 3)
    assert skipped == []
    assert [(m.kind, m.heading, m.inserted, m.revision) for m in marks] == [
        ("edit", "Skills", "Invest far more in skills.", 3)
    ]


def test_a_retyped_heading_is_reported_not_guessed():
    edited = _replace(_copy(), ">Skills<", ">Digital skills<")
    marks, skipped = untracked_edits(edited, _copy(), 3)
    assert marks == []
    assert [s["item"] for s in skipped] == [
        "Edits made without tracking changes under “Digital skills”"
    ]
    assert "not in the copy as it was made" in str(skipped[0]["reason"])
