"""The Word styles of a briefing: a reference.docx that pandoc copies styles from.

Built from code with python-docx at first use (no binary in the repository) and
kept in a private temporary folder for the life of the process, one per body
name and colour (both are printed in it). Styles: sans-serif body text, headings in the body's
colour kept with the text that follows, the cover's title block, the "Key Asks" box,
the "Paragraph Number" label, a shaded header row for tables, and a footer with
the body's name and "Page X of Y" as fields Word fills in without asking."""

from __future__ import annotations

import io
import tempfile
import threading
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from ..text.engines import run_pandoc
from .identity import DEFAULT_COLOUR, readable

FONT = "Arial"  # on every Windows and Mac; LibreOffice substitutes Liberation Sans
_lock = threading.Lock()


@cache
def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="tabled-reference-"))


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour[1:].upper())


def _shade(element: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    element.append(shading)


def _field(paragraph: object, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) with a shown value, not marked dirty."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)  # type: ignore[attr-defined]


def _tint(colour: str) -> str:
    """A pale background of the colour: 88% of the way to white."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "".join(f"{round(c + (255 - c) * 0.88):02X}" for c in channels)


def _table_style(document: Any, tint: str) -> None:
    """pandoc's "Table" style: rules between rows, the header row shaded and bold."""
    style = _style(document, "Table", WD_STYLE_TYPE.TABLE)
    for old in style.element.findall(qn("w:tblPr")) + style.element.findall(qn("w:tblStylePr")):
        style.element.remove(old)
    rule = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="AFAFAF"/>'
    style.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}><w:tblBorders>{rule.format('top')}{rule.format('bottom')}"
            f"{rule.format('insideH')}</w:tblBorders><w:tblCellMar>"
            '<w:left w:w="100" w:type="dxa"/><w:right w:w="100" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )
    style.element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{tint}"/></w:tcPr>'
            "</w:tblStylePr>"
        )
    )


def _style(document: Any, name: str, kind: WD_STYLE_TYPE) -> Any:
    styles = document.styles
    return styles[name] if name in styles else styles.add_style(name, kind)


def build_reference(path: Path, body_name: str, colour: str) -> None:
    """pandoc's own reference document (its lean set of styles, each one pandoc
    uses) restyled: read from the converter, changed here, saved to path."""
    accent = readable(colour or DEFAULT_COLOUR)
    document = Document(io.BytesIO(run_pandoc(["--print-default-data-file=reference.docx"], b"")))
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.widow_control = True
    for name in ("Body Text", "First Paragraph", "Compact"):
        style = _style(document, name, WD_STYLE_TYPE.PARAGRAPH)
        style.font.name = FONT
    for level, size in ((1, 16), (2, 13), (3, 11.5)):
        heading = styles[f"Heading {level}"]
        heading.font.name = FONT
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.color.rgb = _rgb(accent)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        heading.paragraph_format.space_after = Pt(6)
    title = styles["Title"]
    title.font.name = FONT
    title.font.size = Pt(26)
    title.font.bold = True
    title.font.color.rgb = RGBColor(0x14, 0x14, 0x14)
    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(13)
    subtitle.font.color.rgb = _rgb(accent)
    for name in ("Author", "Date"):
        style = _style(document, name, WD_STYLE_TYPE.PARAGRAPH)
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0x50, 0x50, 0x50)
    asks = _style(document, "Key Asks", WD_STYLE_TYPE.PARAGRAPH)
    asks.base_style = normal
    asks.paragraph_format.left_indent = Cm(0.4)
    asks.paragraph_format.right_indent = Cm(0.4)
    _shade(asks.element.get_or_add_pPr(), _tint(accent))
    _table_style(document, _tint(accent))
    number = _style(document, "Paragraph Number", WD_STYLE_TYPE.CHARACTER)
    number.font.bold = True
    number.font.color.rgb = _rgb(accent)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.4)
    footer = section.footer.paragraphs[0]
    footer.style = _style(document, "Footer", WD_STYLE_TYPE.PARAGRAPH)
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(16.2), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{body_name}\t" if body_name else "\t").font.size = Pt(8.5)
    footer.add_run("Page ").font.size = Pt(8.5)
    _field(footer, "PAGE")
    footer.add_run(" of ").font.size = Pt(8.5)
    _field(footer, "NUMPAGES")
    document.save(str(path))


@lru_cache(maxsize=16)
def reference_docx(body_name: str = "", colour: str = DEFAULT_COLOUR) -> Path:
    """The reference document for this body, built once per process."""
    with _lock:
        path = _folder() / f"reference-{abs(hash((body_name, colour)))}.docx"
        build_reference(path, body_name, colour)
    return path
