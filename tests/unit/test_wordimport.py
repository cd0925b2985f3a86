"""Reading Word files as drafts: the checks that refuse a hostile file, and the split."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import pytest

from server.comments.wordreview import read_review
from server.drafting.wordimport import (
    MAX_FILE_BYTES,
    OLE_SIGNATURE,
    WordFileRefused,
    read_word,
)
from tests.wordfiles import (
    commented,
    deleted,
    draft_docx,
    heading,
    inserted,
    para,
    reviewed_docx,
)


def _zip(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _refusal(data: bytes) -> str:
    with pytest.raises(WordFileRefused) as caught:
        read_word(data)
    return caught.value.message


def test_a_draft_splits_into_title_and_one_position_per_heading() -> None:
    data = draft_docx(
        "Our response on digital services",
        [
            ("Shared platforms", ["Themes: efficiency", "Councils should share platforms."]),
            ("Skills", ["Invest in digital skills."]),
        ],
    )
    word = read_word(data)
    assert word.draft.title == "Our response on digital services"
    assert [p.heading for p in word.draft.positions] == ["Shared platforms", "Skills"]
    assert word.draft.positions[0].themes == ["efficiency"]
    assert word.draft.positions[0].body == "Councils should share platforms."
    assert word.level == 1


def test_the_title_paragraph_is_the_title_when_no_property_is_set() -> None:
    data = draft_docx("A titled draft", [("One", ["a"]), ("Two", ["b"])], title_property=False)
    assert read_word(data).draft.title == "A titled draft"


def test_lists_tables_and_emphasis_survive_and_images_become_their_description(
    tmp_path,
) -> None:
    document = docx.Document()
    document.core_properties.title = "Rich"
    document.add_heading("First", 1)
    p = document.add_paragraph("Some ")
    p.add_run("strong").bold = True
    p.add_run(" and ")
    p.add_run("slanted").italic = True
    document.add_paragraph("a point", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Year"
    table.cell(0, 1).text = "Saving"
    table.cell(1, 0).text = "2026"
    table.cell(1, 1).text = "£4m"
    png = tmp_path / "dot.png"
    png.write_bytes(_one_pixel_png())
    document.add_picture(str(png))
    document.inline_shapes[0]._inline.docPr.set("descr", "A chart of savings")
    document.add_heading("Second", 1)
    document.add_paragraph("More.")
    out = io.BytesIO()
    document.save(out)
    word = read_word(out.getvalue())
    body = word.draft.positions[0].body
    assert "**strong**" in body and "*slanted*" in body
    assert "- a point" in body
    assert "| Year" in body and "£4m" in body
    assert "*Image: A chart of savings*" in body
    assert any("A chart of savings" in w for w in word.warnings)


def test_the_position_level_is_the_highest_repeated_one_or_as_chosen() -> None:
    data = draft_docx("T", [("Part A", []), ("Part B", [])], level=1)
    assert read_word(data).level == 1
    deeper = draft_docx("T", [("One", ["x"]), ("Two", ["y"]), ("Three", ["z"])], level=2)
    assert [p.heading for p in read_word(deeper, level=2).draft.positions] == [
        "One",
        "Two",
        "Three",
    ]


def test_tracked_changes_are_accepted_or_rejected_by_choice() -> None:
    doc = reviewed_docx(
        [
            heading("Costs"),
            para("Save ", deleted(1, "two"), inserted(2, "five"), " million."),
        ]
    )
    doc = _with_title(doc)
    assert "five" in read_word(doc, track="accept").draft.positions[0].body
    assert "two" in read_word(doc, track="reject").draft.positions[0].body


def _with_title(data: bytes) -> bytes:
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>Tracked</dc:title></cp:coreProperties>"
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    files: dict[str, bytes | str] = {n: source.read(n) for n in source.namelist()}
    files["docProps/core.xml"] = core
    return _zip(files)


def test_an_encrypted_file_is_refused() -> None:
    assert "encrypted" in _refusal(OLE_SIGNATURE + b"\0" * 600)


def test_a_file_that_is_not_a_zip_is_refused() -> None:
    assert "not a Word" in _refusal(b"just some text")


def test_a_zip_without_a_document_is_refused() -> None:
    assert "not a Word document" in _refusal(_zip({"hello.txt": "hi"}))


def test_a_macro_enabled_file_is_refused() -> None:
    data = _zip({"word/document.xml": "<x/>", "word/vbaProject.bin": b"\0" * 10})
    assert "macros" in _refusal(data)


def test_an_oversized_file_is_refused() -> None:
    assert "at most" in _refusal(b"PK" + b"\0" * MAX_FILE_BYTES)


def test_a_zip_bomb_is_refused_from_its_directory() -> None:
    data = _zip({"word/document.xml": "<x/>", "word/media/pad.bin": b"\0" * 30_000_000})
    assert "zip bomb" in _refusal(data)


def test_a_document_without_headings_is_refused_with_the_way_out() -> None:
    document = docx.Document()
    document.core_properties.title = "No headings"
    document.add_paragraph("Just text.")
    out = io.BytesIO()
    document.save(out)
    assert "Heading style" in _refusal(out.getvalue())


def test_a_review_copy_of_another_response_is_refused() -> None:
    data = reviewed_docx([heading("A"), para("text")], response_id=7)
    with pytest.raises(WordFileRefused, match="response 7"):
        read_review(data, 8)


def test_comments_and_changes_are_read_from_the_xml_with_their_context() -> None:
    data = reviewed_docx(
        [
            heading("Costs"),
            para("We would ", commented(1, "save four million"), " each year."),
            para("It costs ", deleted(2, "two"), inserted(3, "three"), " pounds."),
        ],
        comments=[(1, "Jane Reviewer", "Is this right?"), (4, "Tom", "Yes.")],
        replies=[(4, 1)],
    )
    marks = {m.word_id: m for m in read_review(data, 1)}
    assert marks["1"].quote == "save four million"
    assert marks["1"].prefix.endswith("We would") and marks["1"].heading == "Costs"
    assert marks["4"].parent == "1"
    change = next(m for m in marks.values() if m.kind == "change")
    assert (change.quote, change.inserted) == ("two", "three")
