"""Markdown rendering: the supported syntax renders, unsafe input does not."""

import pytest

from server.text.markdown import render_markdown


def test_headings_lists_tables_links_and_footnotes_render():
    html = render_markdown(
        "### Sub\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[site](https://example.org) and a note[^1]\n\n[^1]: The note.",
        doc_id="p1",
    )
    assert "<h3>Sub</h3>" in html
    assert "<li>one</li>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert '<a href="https://example.org">site</a>' in html
    assert 'id="fn-p1-1"' in html and "The note." in html


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown('<script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/png;base64,AAAA",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_unsafe_links_are_refused(link):
    html = render_markdown(f"[click]({link})")
    assert "<a " not in html


def test_footnote_ids_differ_between_two_positions_on_one_page():
    first = render_markdown("a[^1]\n\n[^1]: x", doc_id="p1")
    second = render_markdown("b[^1]\n\n[^1]: y", doc_id="p2")
    assert 'id="fn-p1-1"' in first and 'id="fn-p2-1"' in second
