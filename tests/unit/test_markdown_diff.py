"""Diffs of Markdown are shown rendered, with the changed words marked, and safely."""

from __future__ import annotations

import re

from server.text.mddiff import markdown_diff_html


def _marked(html: str, tag: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\[(added|removed): |\]", "", m)
        for m in re.findall(rf"<{tag} class[^>]*>(.*?)</{tag}>", html, re.S)
    ]


def test_formatting_is_rendered_and_only_the_changed_words_are_marked():
    old = "## Aims\n\nWe **welcome** the report and its [annex](https://example.org/a).\n"
    new = "## Our aims\n\nWe **welcome** the review and its [annex](https://example.org/a).\n"
    html = str(markdown_diff_html(old, new))
    assert "**" not in html and "##" not in html and "](" not in html
    assert "<strong>welcome</strong>" in html
    assert '<a href="https://example.org/a">annex</a>' in html
    assert _marked(html, "ins") == ["Our aims", "review"]
    assert _marked(html, "del") == ["Aims", "report"]
    assert html.startswith("<h2>")


def test_a_changed_list_item_and_a_new_item_stay_list_items():
    html = str(markdown_diff_html("- one\n- two\n", "- one\n- three\n- four\n"))
    assert html.count("<li>") == 3
    assert "- " not in html
    assert _marked(html, "del") == ["two"]
    assert _marked(html, "ins") == ["three", "four"]


def test_a_new_heading_between_paragraphs_is_a_heading():
    html = str(markdown_diff_html("One.\n\nTwo.", "One.\n\n## Between\n\nTwo."))
    assert re.search(r"<h2><ins[^>]*>.*Between.*</ins></h2>", html)


def test_the_marks_always_nest_even_across_formatting():
    html = str(markdown_diff_html("Some **bold words** here", "Some **bold text** there"))
    # Every <ins>/<del> closes before the element it opened in closes.
    stack: list[str] = []
    for closing, name in re.findall(r"<(/?)(\w+)[^>]*>", html):
        if closing:
            assert stack and stack[-1] == name, html
            stack.pop()
        else:
            stack.append(name)
    assert not stack


def test_raw_html_in_either_text_stays_text():
    old, new = "a <b>x</b>", 'a <script>alert(1)</script> <img src=x onerror="y">'
    html = str(markdown_diff_html(old, new))
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    text = re.sub(r"<[^>]+>|\[(added|removed): |\]", "", html).strip()
    # Old and new words side by side, every angle bracket and quote as text.
    assert (
        text == "a &lt;bscript&gt;xalert(1)&lt;/bscript&gt; &lt;img src=x onerror=&quot;y&quot;&gt;"
    )


def test_a_change_inside_a_link_title_never_reaches_an_attribute():
    old = '[annex](https://example.org "old title")'
    new = '[annex](https://example.org "new title")'
    html = str(markdown_diff_html(old, new))
    for tag in re.findall(r"<[^>]+>", html):
        assert "\ue000" not in tag and "\ue002" not in tag
        assert "tbl-ins" not in tag.split("class=", 1)[0]
    assert re.search(r'title="[^"<>]*"', html)
