"""Paragraph numbers (1.1, 1.2...) in a position's HTML, the same as the PDF and DOCX.

The PDF and DOCX number the top-level paragraphs of the pandoc tree (document.py);
the HTML is our Markdown renderer's output for the same text, whose top-level
<p> elements are those same paragraphs. One pass over the HTML: linear in its length."""

from __future__ import annotations

from html.parser import HTMLParser

from markupsafe import Markup

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TopParagraphs(HTMLParser):
    """Where each top-level <p> start tag ends, as offsets into the text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.ends: list[int] = []
        # The first top-level list: where its start tag begins and its end tag ends.
        self.list_start = -1
        self.list_end = -1
        self._line_starts = [0]
        for i, char in enumerate(text):
            if char == "\n":
                self._line_starts.append(i + 1)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and self.depth == 0:
            self.ends.append(self._offset() + len(self.get_starttag_text() or ""))
        if tag in ("ul", "ol") and self.depth == 0 and self.list_start < 0:
            self.list_start = self._offset()
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.depth = max(0, self.depth - 1)
        if tag in ("ul", "ol") and self.depth == 0 and self.list_start >= 0 > self.list_end:
            self.list_end = self._offset() + len(f"</{tag}>")


def number_paragraphs(html: str, position: int) -> Markup:
    """The HTML with "N.k" leading each top-level paragraph, as a citable anchor."""
    parser = _TopParagraphs(html)
    parser.feed(html)
    parser.close()
    out: list[str] = []
    at = 0
    for count, end in enumerate(parser.ends, start=1):
        label = f"{position}.{count}"
        out.append(html[at:end])
        out.append(f'<a class="pnum" id="para-{position}-{count}" href="#para-{position}-{count}">')
        out.append(f"{label}</a> ")
        at = end
    out.append(html[at:])
    return Markup("".join(out))  # noqa: S704  (our renderer's HTML plus our own markup)


def split_first_list(html: str) -> tuple[Markup, Markup]:
    """The summary's HTML without its first top-level list, and that list: the key
    asks, as document.key_asks takes them from the same summary for PDF and DOCX."""
    parser = _TopParagraphs(html)
    parser.feed(html)
    parser.close()
    if parser.list_start < 0 or parser.list_end < 0:
        return Markup(html), Markup("")  # noqa: S704  (our renderer's HTML)
    rest = html[: parser.list_start] + html[parser.list_end :]
    return Markup(rest), Markup(html[parser.list_start : parser.list_end])  # noqa: S704
